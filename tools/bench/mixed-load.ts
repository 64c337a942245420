import type { ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { SimpleFaker } from '@faker-js/faker';
import autocannon from 'autocannon';
import { createApiKey } from '../../src/auth/api-keys';
import { openBenchStore } from './bench-store';
import { CONNECTIONS, freePort, gatewayEntry, median, startServer, stopServer } from './harness';
import { type MixPools, type MixRequest, VARIANTS, ZIPF_EXPONENT, readMix, zipfSampler } from './mixed-mix';

/**
 * A realistic day's traffic for a minute: two gateways (`src/main.ts` in production mode, the
 * default cache: records in process over Redis, and whole answers) sharing one Redis under one
 * prefix, loaded from `CONNECTIONS` connections, half on each, with the read mix of ./mixed-mix
 * (articles, lists, statistics, by Zipf popularity); first reads only, then the same reads with an
 * editor's writes through the GraphQL API (BENCH_WRITES_PER_SECOND, default 1, alternating
 * gateways: a revised standfirst, then a figure's verification turned between REPORTED and
 * CONFIRMED, on articles the readers read). Each run starts fresh gateways under a fresh cache
 * prefix and warms them up with the mix's first `WARMUP_REQUESTS` reads. Reports per run
 * throughput, latency, the response cache's and the record cache's hit ratios, store statements
 * per request, the Redis level's failed or timed-out operations and breaker openings (a Redis
 * that times out answers misses: hits fall and statements rise for that reason alone), the gateways'
 * CPU time per request and, per family of reads, the share executed rather than answered from the
 * response cache (all from both gateways' /metrics), and how much of the read-only throughput the
 * writes leave (target: at least half).
 *
 * Both runs answer the same reads: the run with writes goes first, for `SECONDS`, and the read-only
 * run then answers as many of the same stream (each gateway's count). The stream is not stationary:
 * its first reads hold more requests never seen before (cold in every cache) than its later ones,
 * and a run of a fixed length reaches further into it the faster it goes, so two runs of a minute
 * each would compare the writes' run on the stream's colder start with the read-only run on a
 * warmer stretch.
 *
 * IT WRITES: it creates an editor key (revoked at the end) and changes articles and figures of the
 * store DATABASE_URL and DATABASE_SCHEMA name. Run it on a copy, never on a corpus others measure:
 *
 *   pg_dump -n bench100k … | sed 's/bench100k/mixed100k/g' | psql …
 *   DATABASE_URL=… DATABASE_SCHEMA=mixed100k BENCH_WRITABLE_SCHEMA=mixed100k npm run bench:mixed
 *
 * Without BENCH_WRITABLE_SCHEMA naming the same schema it says so and does nothing (so `npm run bench`
 * on a shared corpus skips it).
 *
 * BENCH_SECONDS (default 60) sets each run's length, BENCH_SEED (default 1) the mix's seed (the
 * same for both runs); Redis from REDIS_URL, default the local one. BENCH_ROUNDS (default 1) makes
 * that many pairs of runs, one after another, each on fresh gateways and a fresh cache prefix, and
 * reports the median ratio and its range (one pair's ratio moves by half on this shared machine). Exits 1 when more than
 * `MAX_FAILED_SHARE` of the reads fail (an HTTP error, a timeout or a GraphQL error) or any write does.
 */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const SEED = Number(process.env.BENCH_SEED ?? 1);
const WRITES_PER_SECOND = Number(process.env.BENCH_WRITES_PER_SECOND ?? 1);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/** Reads replayed before either run is measured, half on each gateway: both start from the same place in the stream. */
const WARMUP_REQUESTS = Number(process.env.BENCH_WARMUP_REQUESTS ?? 10_000);
const GATEWAYS = 2;
/** How many of the newest published articles readers read, and editors revise. */
const POOL_SIZE = 5000;
const MAX_FAILED_SHARE = 0.001;
/** The throughput the writes must leave, as a share of the read-only run's. */
const TARGET_RATIO = 0.5;
const WRITE_OPERATIONS = ['ReviseStandfirst', 'VerifyFigure'];
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 1);
if (!Number.isInteger(ROUNDS) || ROUNDS < 1) throw new Error(`BENCH_ROUNDS must be a whole number of at least 1, not ${process.env.BENCH_ROUNDS}`);

for (const [name, value] of [['BENCH_SECONDS', SECONDS], ['BENCH_SEED', SEED], ['BENCH_WRITES_PER_SECOND', WRITES_PER_SECOND],
  ['BENCH_WARMUP_REQUESTS', WARMUP_REQUESTS]] as const) {
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, not ${process.env[name]}`);
}

interface Gateway { child: ChildProcess; url: string; metricsUrl: string }

/** An article editors may revise, and its figures they may verify. */
interface WriteTarget { id: string; version: number; standfirst: string; figures: { id: string; version: number; verification: string }[] }

/** What one run measured. */
interface RunFigures {
  name: string;
  rps: number; p50: number; p99: number;
  /** How long it was measured, and how many reads each gateway answered meanwhile. */
  seconds: number; answered: number[];
  requests: number; failures: number;
  /** Reads answered from the response cache, of all reads the gateways answered. */
  answerHits: number;
  /** Record lookups answered by either cache level, of all lookups. */
  recordHits: number;
  /** Store round-trips per request answered, writes included. */
  statements: number;
  /** The Redis level's operations that failed or timed out, and how often its breaker opened. */
  redisErrors: number; breakerOpens: number;
  /** Both gateways' CPU time per request answered, in milliseconds. */
  cpuMs: number;
  /** Per read operation: the share of its requests executed (not answered from the response cache). */
  executed: Record<string, number>;
  writes: { done: number; failed: number; p50: number; max: number } | null;
}

const POOL_PAGE = /* GraphQL */ `
  query MixPool($after: String) {
    articles(first: 100, after: $after) {
      pageInfo { hasNextPage endCursor }
      edges { node {
        id slug version headline standfirst publishedAt tags
        locations { id kind }
        casualtyFigures { id version verification }
      } }
    }
  }`;

const COUNTRIES = /* GraphQL */ `
  query MixCountries {
    locations(filter: { kind: COUNTRY }, first: 100) { edges { node { id articles(first: 0) { totalCount } } } }
  }`;

const REVISE_STANDFIRST = /* GraphQL */ `
  mutation ReviseStandfirst($id: ID!, $version: Int!, $standfirst: String) {
    updateArticle(id: $id, version: $version, input: { standfirst: $standfirst }) { id version }
  }`;

const VERIFY_FIGURE = /* GraphQL */ `
  mutation VerifyFigure($id: ID!, $version: Int!, $verification: Verification) {
    updateCasualtyFigure(id: $id, version: $version, input: { verification: $verification }) { id version verification }
  }`;

interface PoolArticle {
  id: string; slug: string; version: number; headline: string; standfirst: string | null; publishedAt: string | null; tags: string[];
  locations: { id: string; kind: string }[];
  casualtyFigures: { id: string; version: number; verification: string }[];
}

/** POSTs a GraphQL request; resolves to its `data`, throwing on any error. */
async function graphql<T>(url: string, query: string, variables: object = {}, key?: string): Promise<T> {
  const response = await fetch(url, {
    method: 'POST', body: JSON.stringify({ query, variables }),
    headers: { 'content-type': 'application/json', ...key ? { authorization: `Bearer ${key}` } : {} },
  });
  const answer = await response.json() as { data?: T; errors?: unknown };
  if (response.status !== 200 || answer.errors) throw new Error(`${url} answered ${response.status}: ${JSON.stringify(answer).slice(0, 300)}`);
  return answer.data!;
}

/**
 * The mix's pools and the writers' targets, read through the public API of the gateway at `url`:
 * the `POOL_SIZE` newest published articles; places, tags and headline words ranked by how often
 * those articles name them; countries by their number of articles.
 */
async function buildPools(url: string): Promise<{ pools: MixPools; targets: WriteTarget[] }> {
  const articles: PoolArticle[] = [];
  let after: string | null = null;
  while (articles.length < POOL_SIZE) {
    const { articles: page }: { articles: { pageInfo: { hasNextPage: boolean; endCursor: string }; edges: { node: PoolArticle }[] } } =
      await graphql(url, POOL_PAGE, { after });
    articles.push(...page.edges.map((edge) => edge.node));
    if (!page.pageInfo.hasNextPage) break;
    after = page.pageInfo.endCursor;
  }
  articles.length = Math.min(articles.length, POOL_SIZE);
  const { locations } = await graphql<{ locations: { edges: { node: { id: string; articles: { totalCount: number } } }[] } }>(url, COUNTRIES);
  const countries = locations.edges.map((edge) => edge.node).filter((country) => country.articles.totalCount > 0)
    .sort((a, b) => b.articles.totalCount - a.articles.totalCount || a.id.localeCompare(b.id)).map((country) => country.id);
  const places = (kind: string) => byFrequency(articles.flatMap((article) => article.locations.filter((place) => place.kind === kind).map((place) => place.id)));
  const pools: MixPools = {
    slugs: articles.map((article) => article.slug),
    countries,
    regions: places('ADMIN1'),
    localities: places('LOCALITY'),
    tags: byFrequency(articles.flatMap((article) => article.tags)),
    searchTerms: byFrequency(articles.flatMap((article) => article.headline.toLowerCase().match(/\p{L}{5,}/gu) ?? [])).slice(0, 100),
    now: new Date(articles.find((article) => article.publishedAt)?.publishedAt ?? Date.now()),
  };
  const targets = articles.map((article) => ({
    id: article.id, version: article.version, standfirst: article.standfirst ?? article.headline,
    figures: article.casualtyFigures.filter((figure) => figure.verification === 'REPORTED' || figure.verification === 'CONFIRMED'),
  }));
  return { pools, targets };
}

/** The distinct values, the most frequent first (ties in code-point order, so the order is stable). */
function byFrequency(values: string[]): string[] {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].sort(([a, m], [b, n]) => n - m || (a < b ? -1 : a > b ? 1 : 0)).map(([value]) => value);
}

/**
 * Writes `WRITES_PER_SECOND` until `stop()`, on a fixed schedule however long each takes (a slow
 * gateway does not slow the newsroom), each to the next gateway: two revised standfirsts, then two
 * figures' verifications turned between REPORTED and CONFIRMED, and so on; the article by the
 * readers' Zipf popularity, from its own seeded stream, skipping one still being written. Versions
 * are followed from each answer, so no write conflicts unless someone else writes the same article.
 */
function startWriter(gateways: Gateway[], key: string, targets: WriteTarget[]) {
  const faker = new SimpleFaker();
  faker.seed(SEED);
  const random = () => faker.number.float();
  const pickArticle = zipfSampler(targets.length, ZIPF_EXPONENT, random);
  const withFigures = targets.filter((target) => target.figures.length > 0);
  const pickFigured = withFigures.length > 0 ? zipfSampler(withFigures.length, ZIPF_EXPONENT, random) : null;
  const writing = new Set<string>();
  const inFlight = new Set<Promise<void>>();
  const times: number[] = [];
  let failed = 0;

  /** The first of up to 100 draws that is not being written, else the last drawn. */
  function free<T extends { id: string }>(draw: () => T): T {
    let item = draw();
    for (let tries = 1; writing.has(item.id) && tries < 100; tries++) item = draw();
    return item;
  }

  async function write(n: number): Promise<void> {
    const url = gateways[n % gateways.length].url;
    if (Math.floor(n / 2) % 2 === 0 || !pickFigured) {
      const target = free(() => targets[pickArticle()]);
      writing.add(target.id);
      try {
        const stamp = ` (updated ${new Date().toISOString().slice(11, 19)} UTC)`;
        const standfirst = target.standfirst.replace(/ \(updated [^)]*\)$/, '').slice(0, 1000 - stamp.length) + stamp;
        const { updateArticle } = await graphql<{ updateArticle: { version: number } }>(url, REVISE_STANDFIRST,
          { id: target.id, version: target.version, standfirst }, key);
        target.version = updateArticle.version;
        target.standfirst = standfirst;
      } finally {
        writing.delete(target.id);
      }
    } else {
      const figure = free(() => withFigures[pickFigured()].figures[0]);
      writing.add(figure.id);
      try {
        const verification = figure.verification === 'REPORTED' ? 'CONFIRMED' : 'REPORTED';
        const { updateCasualtyFigure } = await graphql<{ updateCasualtyFigure: { version: number } }>(url, VERIFY_FIGURE,
          { id: figure.id, version: figure.version, verification }, key);
        figure.version = updateCasualtyFigure.version;
        figure.verification = verification;
      } finally {
        writing.delete(figure.id);
      }
    }
  }

  let n = 0;
  const timer = setInterval(() => {
    const start = performance.now();
    const number = n++;
    const done: Promise<void> = write(number).then(() => { times.push(performance.now() - start); }, (error: Error) => {
      failed++;
      console.error(`write ${number} failed: ${error.message}`);
    }).finally(() => inFlight.delete(done));
    inFlight.add(done);
  }, 1000 / WRITES_PER_SECOND);
  return {
    /** Stops writing; resolves once the writes under way have answered. */
    async stop() {
      clearInterval(timer);
      await Promise.all(inFlight);
      return { done: times.length, failed, p50: times.length ? median(times) : 0, max: times.length ? Math.max(...times) : 0 };
    },
  };
}

/**
 * Starts `count` gateways sharing Redis under `prefix` (the default cache: records in process over
 * Redis, and whole answers), or with `cache: 'off'`.
 */
function startGateways(count: number, prefix: string, cache: 'layered' | 'off' = 'layered'): Promise<Gateway[]> {
  return Promise.all(Array.from({ length: count }, async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const child = await startServer(gatewayEntry(), [], {
      CACHE: cache, REDIS_URL, CACHE_PREFIX: prefix, RATE_LIMIT_ENABLED: 'false',
      PORT: String(port), HOST: '127.0.0.1', NODE_ENV: 'production', SEED_WORKED_EXAMPLE: 'false',
    }, async () => (await fetch(`${base}/readyz`)).status === 200);
    return { child, url: `${base}/graphql`, metricsUrl: `${base}/metrics` };
  }));
}

/** Throws when a gateway has exited: its requests would only count as refused connections. */
function assertRunning(gateways: Gateway[], during: string): void {
  for (const [i, { child }] of gateways.entries()) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`gateway ${i + 1} exited (${child.exitCode ?? child.signalCode}) during the ${during}: its stderr is above`);
    }
  }
}

async function stopGateways(gateways: Gateway[]): Promise<void> {
  await Promise.all(gateways.map((gateway) => stopServer(gateway.child)));
}

/** How long a load lasts: `seconds`, or until gateway i has been sent `amounts[i]` reads. */
type Length = { seconds: number } | { amounts: number[] };

/**
 * Loads each gateway from `CONNECTIONS / GATEWAYS` connections for `length`, each request the
 * next of that gateway's stream; an answer with GraphQL errors counts as failed.
 */

async function loadMix(gateways: Gateway[], streams: (() => MixRequest)[], length: Length) {
  const connections = Math.floor(CONNECTIONS / gateways.length);
  const options = { method: 'POST' as const, headers: { 'content-type': 'application/json' }, connections, skipAggregateResult: true };
  const answered = gateways.map(() => 0);
  let graphqlErrors = 0;
  // Per family: requests sent, answered, and the failed answers by status and error code.
  const families = new Map<MixRequest['family'], { sent: number; answered: number; failed: Map<string, number> }>();
  const tally = (family: MixRequest['family']) => {
    let counts = families.get(family);
    if (!counts) families.set(family, counts = { sent: 0, answered: 0, failed: new Map() });
    return counts;
  };
  const started = performance.now();
  const results = await Promise.all(gateways.map((gateway, i) => autocannon({
    ...options, url: gateway.url, ...'seconds' in length ? { duration: length.seconds } : { amount: length.amounts[i] },
    requests: [{
      setupRequest: (request: object, context: { family?: MixRequest['family'] }) => {
        const next = streams[i]();
        context.family = next.family;
        tally(next.family).sent++;
        return { ...request, body: next.body };
      },
      // An unescaped `"errors":[` can only be the answer's own errors: in a string its quotes are escaped.
      onResponse: (status: number, body: string, context: { family?: MixRequest['family'] }) => {
        const errors = body.includes('"errors":[');
        if (status === 200 && errors) graphqlErrors++;
        const counts = tally(context.family!);
        counts.answered++;
        answered[i]++;
        if (status !== 200 || errors) {
          const kind = `${status} ${/"code":"([A-Z_]+)"/.exec(body)?.[1] ?? ''}`.trim();
          counts.failed.set(kind, (counts.failed.get(kind) ?? 0) + 1);
        }
      },
    }],
  })));
  // aggregateResult is in autocannon's API (README) but not in its type definitions.
  const merged = (autocannon as unknown as { aggregateResult(results: autocannon.Result[], options: object): autocannon.Result })
    .aggregateResult(results, { ...options, url: gateways[0].url, connections: connections * gateways.length });
  const requests = (merged.latency as unknown as { totalCount: number }).totalCount;
  const seconds = 'seconds' in length ? length.seconds : (performance.now() - started) / 1000;
  return {
    rps: requests / seconds, seconds, p50: merged.latency.p50, p99: merged.latency.p99, requests, answered,
    // autocannon's `errors` include its `timeouts`.
    failures: merged.errors + merged.non2xx + graphqlErrors,
    failed: `${merged.timeouts} timed out (10 s), ${merged.non2xx} not 2xx, ${graphqlErrors} 200 with GraphQL errors, ` +
      `${merged.errors - merged.timeouts} other connection errors`,
    // Requests sent but not answered timed out, failed to connect, or were under way at the end.
    byFamily: [...families].map(([family, { sent, answered, failed }]) => `${family}: ${sent - answered} unanswered of ${sent}` +
      [...failed].map(([kind, n]) => `, ${n} ${kind}`).join('')).join('; '),
  };
}

/** The read operations of the mix (./mixed-mix), by family. */
const READ_OPERATIONS = { article: 'Article', list: 'ArticleList', stats: 'CasualtyStats' } as const;

/** The counters a run's figures come from, summed over the gateways. */
type Counters = {
  requests: number; reads: number; answerHits: number; recordHits: number; recordMisses: number; statements: number;
  redisErrors: number; breakerOpens: number; cpuSeconds: number;
} & { [Operation in `requests:${string}` | `executed:${string}`]: number };

async function scrape(gateways: Gateway[]): Promise<Counters> {
  const texts = await Promise.all(gateways.map(async (gateway) => (await fetch(gateway.metricsUrl)).text()));
  const sum = (name: string, keep: (labels: string) => boolean = () => true) => texts.reduce((total, text) => total + sampleSum(text, name, keep), 0);
  const isWrite = (labels: string) => WRITE_OPERATIONS.some((operation) => labels.includes(`operation="${operation}"`));
  return {
    requests: sum('newsgate_graphql_requests_total'),
    reads: sum('newsgate_graphql_requests_total', (labels) => !isWrite(labels)),
    answerHits: sum('newsgate_response_cache_hits_total'),
    recordHits: sum('newsgate_cache_hits', (labels) => labels.includes('level="all"')),
    recordMisses: sum('newsgate_cache_misses', (labels) => labels.includes('level="all"')),
    statements: sum('newsgate_store_query_duration_seconds_count'),
    redisErrors: sum('newsgate_cache_errors', (labels) => labels.includes('level="redis"')),
    breakerOpens: sum('newsgate_cache_breaker_opens', (labels) => labels.includes('level="redis"')),
    cpuSeconds: sum('process_cpu_seconds_total'),
    // Requests answered, and those executed: the latency histogram times only what Apollo ran.
    ...Object.fromEntries(Object.values(READ_OPERATIONS).flatMap((operation) => [
      [`requests:${operation}`, sum('newsgate_graphql_requests_total', (labels) => labels.includes(`operation="${operation}"`))],
      [`executed:${operation}`, sum('newsgate_graphql_request_duration_seconds_count', (labels) => labels.includes(`operation="${operation}"`))],
    ])),
  };
}

/** The sum of the samples of `name` in a Prometheus text exposition whose labels `keep` admits. */
function sampleSum(text: string, name: string, keep: (labels: string) => boolean): number {
  let total = 0;
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (match && match[1] === name && keep(match[2] ?? '')) total += Number(match[3]);
  }
  return total;
}

/** What both runs read and write: the mix's pools, the writers' targets and the editor's key. */
interface Workload { pools: MixPools; targets: WriteTarget[]; key: string }

/**
 * One run on fresh gateways under a fresh cache prefix: the read mix's first `WARMUP_REQUESTS`,
 * then measured for `length`, with the writer alongside when `withWrites`.
 */
async function run(name: string, withWrites: boolean, length: Length, { pools, targets, key }: Workload, round: number): Promise<RunFigures> {
  const gateways = await startGateways(GATEWAYS, `benchmixed${process.pid}${withWrites ? 'w' : 'r'}${round}`);
  try {
    // The same seed for both runs: each gateway's stream of reads is the same in both.
    const streams = gateways.map((_, i) => readMix(pools, SEED * 1000 + i));
    const warmUp = Math.ceil(WARMUP_REQUESTS / gateways.length);
    await loadMix(gateways, streams, { amounts: gateways.map(() => warmUp) });
    assertRunning(gateways, `${name} warm-up`);
    const before = await scrape(gateways);
    const writer = withWrites ? startWriter(gateways, key, targets) : null;
    const load = await loadMix(gateways, streams, length);
    const writes = writer ? await writer.stop() : null;
    assertRunning(gateways, `${name} run`);
    const after = await scrape(gateways);
    const delta = (field: keyof Counters) => after[field] - before[field];
    const figures: RunFigures = {
      name, rps: load.rps, seconds: load.seconds, answered: load.answered, p50: load.p50, p99: load.p99, requests: load.requests, failures: load.failures, writes,
      answerHits: delta('answerHits') / delta('reads'),
      recordHits: delta('recordHits') / (delta('recordHits') + delta('recordMisses')),
      statements: delta('statements') / delta('requests'),
      redisErrors: delta('redisErrors'), breakerOpens: delta('breakerOpens'),
      cpuMs: (1000 * delta('cpuSeconds')) / delta('requests'),
      executed: Object.fromEntries(Object.entries(READ_OPERATIONS).map(([family, operation]) => [family,
        delta(`executed:${operation}`) / delta(`requests:${operation}`)])),
    };
    console.log(`  ${name.padEnd(10)} ${figures.rps.toFixed(0)} req/s  p50 ${figures.p50} ms  p99 ${figures.p99} ms  failed ${figures.failures}${figures.failures ? ` (${load.failed})` : ''}` +
      (writes ? `  writes ${writes.done} (failed ${writes.failed})` : ''));
    if (figures.failures) console.log(`    by family: ${load.byFamily}`);
    return figures;
  } finally {
    await stopGateways(gateways);
  }
}

async function main(): Promise<void> {
  // It writes: only to a schema named twice, so that `npm run bench` on a shared corpus leaves it alone.
  if (!process.env.BENCH_WRITABLE_SCHEMA || process.env.BENCH_WRITABLE_SCHEMA !== (process.env.DATABASE_SCHEMA ?? 'public')) {
    console.log('bench:mixed skipped: it writes to the store. Run it on a copy of the corpus, naming the copy twice: ' +
      'DATABASE_SCHEMA=mixed100k BENCH_WRITABLE_SCHEMA=mixed100k npm run bench:mixed');
    return;
  }
  const { config, store } = await openBenchStore();
  const schema = config.store.databaseSchema ?? 'public';
  const { record, key } = await createApiKey(store, `bench:mixed ${new Date().toISOString()}`, 'editor');
  try {
    // Read through a gateway of its own without a cache, so neither run starts with records cached.
    const [reader] = await startGateways(1, `benchmixed${process.pid}p`, 'off');
    const { pools, targets } = await buildPools(reader.url).finally(() => stopGateways([reader]));
    console.log(`store: ${store.engine} (${schema}), written to by the mixed run; pools: ${pools.slugs.length} articles, ` +
      `${pools.countries.length} countries, ${pools.regions.length} provinces, ${pools.localities.length} towns, ` +
      `${pools.tags.length} tags, ${pools.searchTerms.length} search words`);
    const workload = { pools, targets, key };
    const ratios: number[] = [];
    const problems: string[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      if (ROUNDS > 1) console.log(`round ${round} of ${ROUNDS}`);
      // The writes' run first, for SECONDS; then the same reads without writes (see the top of this file).
      const mixed = await run('mixed', true, { seconds: SECONDS }, workload, round);
      const readOnly = await run('read-only', false, { amounts: mixed.answered }, workload, round);
      ratios.push(report([mixed, readOnly]));
      problems.push(...failuresOf([mixed, readOnly]));
    }
    if (ROUNDS > 1) {
      const met = ratios.filter((ratio) => ratio >= TARGET_RATIO).length;
      console.log(`\nmixed / read-only throughput over ${ROUNDS} rounds: median ${median(ratios).toFixed(2)} ` +
        `(${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}; ${ratios.map((ratio) => ratio.toFixed(2)).join(', ')}), ` +
        `target >= ${TARGET_RATIO} met in ${met} of ${ROUNDS}`);
    }
    if (problems.length > 0) throw new Error(`the mixed-load bench failed: ${problems.join('; ')}`);
  } finally {
    await store.revokeApiKey(record.id);
    await store.close();
  }
}

/** What went wrong in a pair of runs: too many failed reads, or any failed write. */
function failuresOf(runs: RunFigures[]): string[] {
  return runs.flatMap((figures) => [
    ...figures.failures > MAX_FAILED_SHARE * figures.requests ? [`${figures.name}: ${figures.failures} of ${figures.requests} reads failed`] : [],
    ...figures.writes?.failed ? [`${figures.name}: ${figures.writes.failed} writes failed`] : [],
  ]);
}

/** Prints a pair of runs; returns the ratio of their throughputs. */
function report(runs: RunFigures[]): number {
  const share = (family: string) => `${Math.round(100 * VARIANTS.filter((v) => v.family === family).reduce((sum, v) => sum + v.share, 0))} %`;
  console.log(`\nnewsgate mixed load: ${GATEWAYS} gateways sharing Redis, ${CONNECTIONS} connections, each run after the mix's first ` +
    `${WARMUP_REQUESTS} reads, seed ${SEED}; reads ${share('article')} articles, ${share('list')} lists, ` +
    `${share('stats')} statistics, Zipf s=${ZIPF_EXPONENT}; mixed: ${SECONDS} s with ${WRITES_PER_SECOND} write/s through the editorial API; ` +
    'read-only: the same reads without writes');
  console.log('run         req/s  seconds  p50 ms  p99 ms  answers hit  records hit  statements/req  Redis errors (breaker opened)  failed  writes (failed)  write p50/max ms');
  for (const figures of runs) {
    const writes = figures.writes;
    console.log(`${figures.name.padEnd(10)} ${figures.rps.toFixed(0).padStart(6)}  ${figures.seconds.toFixed(1).padStart(7)}  ${String(figures.p50).padStart(6)}  ` +
      `${String(figures.p99).padStart(6)}  ${percent(figures.answerHits).padStart(11)}  ${percent(figures.recordHits).padStart(11)}  ` +
      `${figures.statements.toFixed(3).padStart(14)}  ${`${figures.redisErrors} (${figures.breakerOpens})`.padStart(29)}  ${String(figures.failures).padStart(6)}  ` +
      `${(writes ? `${writes.done} (${writes.failed})` : '-').padStart(15)}  ` +
      `${(writes ? `${writes.p50.toFixed(0)}/${writes.max.toFixed(0)}` : '-').padStart(16)}`);
  }
  // Where the writes' cost goes: the reads each family had to execute, and what the gateways spent.
  console.log('run         gateway CPU ms/req  executed (not from the response cache): ' + Object.keys(READ_OPERATIONS).join(', '));
  for (const figures of runs) {
    console.log(`${figures.name.padEnd(10)} ${figures.cpuMs.toFixed(2).padStart(19)}  ` +
      Object.entries(figures.executed).map(([family, share]) => `${family} ${percent(share)}`).join(', '));
  }
  const [mixed, readOnly] = runs;
  const ratio = mixed.rps / readOnly.rps;
  console.log(`mixed / read-only throughput: ${ratio.toFixed(2)} (target >= ${TARGET_RATIO}: ${ratio >= TARGET_RATIO ? 'met' : 'MISSED'})`);
  return ratio;
}

function percent(value: number): string {
  return Number.isFinite(value) ? `${(100 * value).toFixed(1)} %` : '-';
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
