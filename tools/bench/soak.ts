import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { loadConfig } from '../../src/config';
import { DEFAULT_DOCUMENT_CACHE_BYTES } from '../../src/http/edge';
import { openStore } from '../../src/store/open';
import type { Page, PageRequest, SortKey } from '../../src/store/records';
import type { SqlStore } from '../../src/store/sql-store';
import { freePort, gatewayEntry, startServer, stopServer } from './harness';

/**
 * The memory soak (`npm run bench:soak`): starts the real gateway (`src/main.ts`, as `npm start`
 * runs it, `NODE_ENV=production`) in a process of its own over a PostgreSQL store of 2,000 synthetic
 * articles, drives it with 20 connections of churning, mostly distinct queries, samples its resident
 * memory (RSS, from /proc) every 5 s, and reports, for each mode, the slope after warm-up and the
 * peak against the configured in-process budget plus the baseline.
 *
 * Modes (`BENCH_SOAK_MODES`, comma-separated, in this order; default all three):
 * - `off`: every cache off (`CACHE=off`, no Redis). Its peak is the **baseline**: what the gateway
 *   needs under this load besides its caches. Without it, `BENCH_SOAK_BASELINE_MB` (default the
 *   figure in docs/performance.md) stands in.
 * - `layered`: the production shape with Redis (`REDIS_URL`, `CACHE=auto`, a `CACHE_PREFIX` of its
 *   own; rate limits charged in Redis).
 * - `memory`: one instance without Redis (`CACHE=memory`; rate limits counted in process).
 *
 * The traffic: article lists by place, author, tag and date range, in every order, with page sizes
 * 1–100, often with bodies or counts, walking on from the `endCursor`s earlier answers gave;
 * full-text searches; articles by slug with their bodies and figures; figure lists; statistics and
 * region summaries; places and authors; a few popular queries asked again and again; and a few
 * documents never seen before, sent as automatic persisted queries. Clients come from churning
 * addresses (`X-Forwarded-For`, with `TRUST_PROXY=loopback`), so rate-limit budgets churn too; the
 * budgets are too large to run out.
 *
 * Warm-up is the first third of the run: the slope is the least-squares fit of the samples after it.
 *
 * Needs DATABASE_URL; the schema is DATABASE_SCHEMA (default `bench_soak`), seeded with 2,000
 * articles (`npm run seed`) when it has none. Redis from REDIS_URL (default the local one).
 * BENCH_SOAK_SECONDS (default 600) sets each mode's length. Exits 1 when a target is missed.
 *
 * To see why memory grows: BENCH_SOAK_NODE_ARGS gives the gateway's `node` options, space-separated
 * (`--trace-gc`, `--heapsnapshot-signal=SIGUSR2`), and BENCH_SOAK_GATEWAY_OUTPUT names a file for its
 * stdout (its log lines, and what those options print), one file per mode (`<file>.<mode>`).
 */
const SECONDS = Number(process.env.BENCH_SOAK_SECONDS ?? 600);
const CONNECTIONS = 20;
const SAMPLE_MS = 5_000;
/** A line of samples is printed every this many samples. */
const PRINT_EVERY = 6;
const WARMUP_FRACTION = 1 / 3;
const ARTICLES = 2_000;
const SCHEMA = process.env.DATABASE_SCHEMA ?? 'bench_soak';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/** The documented baseline (docs/performance.md) (`off` mode's peak), for runs that skip `off`. */
const DOCUMENTED_BASELINE_MB = Number(process.env.BENCH_SOAK_BASELINE_MB ?? 244);
const SLOPE_TARGET_MB_PER_MIN = 2;
const MB = 1e6;

interface Mode { id: string; name: string; env: Record<string, string> }

const ALL_MODES: Mode[] = [
  { id: 'off', name: 'no cache (baseline)', env: { CACHE: 'off', CACHE_RESPONSES: 'false', REDIS_URL: '' } },
  { id: 'layered', name: 'layered (Redis)', env: { REDIS_URL } },
  { id: 'memory', name: 'memory (no Redis)', env: { CACHE: 'memory', REDIS_URL: '' } },
];
const MODES = process.env.BENCH_SOAK_MODES
  ? ALL_MODES.filter((mode) => process.env.BENCH_SOAK_MODES!.split(',').includes(mode.id))
  : ALL_MODES;

/** What the store holds that queries can name. */
interface Vocabulary {
  slugs: string[];
  locationIds: string[];
  authorIds: string[];
  tags: string[];
  words: string[];
}

/** One sample of the gateway's memory. */
interface Sample {
  seconds: number;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  /** Bytes each in-process cache reports holding, by cache. */
  caches: Record<string, number>;
  /** V8's heap spaces: bytes used and committed, by space. */
  spaces: Record<string, { used: number; size: number }>;
  /** Collections since start, by kind (major, minor, incremental, weakcb): how many, and their pauses in seconds. */
  gc: Record<string, { count: number; seconds: number }>;
  requests: number;
}

interface Tally {
  requests: number;
  failed: number;
  /** Failures by HTTP status or error code, for the report. */
  reasons: Map<string, number>;
}

/** A deterministic random source (mulberry32): every run draws the same operations (which connection sends which depends on timing). */
class Random {
  constructor(private state: number) {}
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = Math.imul(this.state ^ (this.state >>> 15), 1 | this.state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  /** A page size: mostly small and middling, sometimes the cap. */
  first(): number {
    return this.chance(0.1) ? 100 : this.int(1, this.chance(0.5) ? 20 : 60);
  }
}

const ARTICLE_FIELDS = 'id slug headline publishedAt tags wordCount authors { name } locations { name kind }';
const FIGURE_FIELDS = 'id outcome group low best high qualifier verification claimedBy claimantType quote location { name } partOf { id }';
const ORDERS = ['PUBLISHED_AT_DESC', 'PUBLISHED_AT_ASC', 'UPDATED_AT_DESC'];
const OUTCOMES = ['KILLED', 'INJURED', 'ABDUCTED', 'DETAINED', 'MISSING'];
const VERIFICATIONS = ['CONFIRMED', 'REPORTED', 'UNVERIFIED', 'DISPUTED'];
const DIMENSIONS = ['REGION', 'GROUP', 'OUTCOME', 'VERIFICATION', 'CLAIMANT_TYPE', 'TIME'];
const LEVELS = ['COUNTRY', 'ADMIN1', 'ADMIN2', 'LOCALITY'];
const BUCKETS = ['DAY', 'WEEK', 'MONTH', 'YEAR'];
const KINDS = ['COUNTRY', 'ADMIN1', 'ADMIN2', 'LOCALITY'];

interface Operation {
  body: Record<string, unknown>;
  /** Where the answer's next cursor is remembered, for a later page of the same list. */
  family?: string;
  /** The path to the connection in `data`. */
  connection?: string;
}

/**
 * The traffic: each call makes one operation, mostly distinct from every earlier one. Remembers the
 * `endCursor`s of answers (a bounded number) so later operations walk on through the same lists.
 */
class Churn {
  private readonly random = new Random(13);
  /** Cursors to continue from, by list (its query and variables but `after`); the oldest lists forgotten first. */
  private readonly cursors = new Map<string, string[]>();
  private documents = 0;

  constructor(private readonly vocabulary: Vocabulary) {}

  next(): Operation {
    const r = this.random;
    const roll = r.next();
    if (roll < 0.30) return this.articleList();
    if (roll < 0.42) return this.search();
    if (roll < 0.57) return this.article();
    if (roll < 0.69) return this.figures();
    if (roll < 0.77) return this.statistics();
    if (roll < 0.81) return this.regionSummary();
    if (roll < 0.88) return this.places();
    if (roll < 0.91) return this.authors();
    if (roll < 0.96) return this.popular();
    return this.newDocument();
  }

  /** Remembers the answer's `endCursor`, if the operation was a page of a list with more after it. */
  answered(operation: Operation, data: unknown): void {
    if (!operation.family || !operation.connection) return;
    const connection = operation.connection.split('.').reduce<unknown>((at, key) => (at as Record<string, unknown> | null)?.[key], data) as
      { pageInfo?: { hasNextPage: boolean; endCursor: string | null } } | undefined;
    const info = connection?.pageInfo;
    if (!info?.hasNextPage || !info.endCursor) return;
    const list = this.cursors.get(operation.family) ?? [];
    this.cursors.delete(operation.family);
    this.cursors.set(operation.family, [...list.slice(-7), info.endCursor]);
    if (this.cursors.size > 5_000) this.cursors.delete(this.cursors.keys().next().value!);
  }

  /** A page of `family`: often the page after one seen before. */
  private page(family: string, query: string, variables: Record<string, unknown>, connection: string): Operation {
    const known = this.cursors.get(family);
    const after = known && this.random.chance(0.6) ? this.random.pick(known) : undefined;
    return { body: { query, variables: { ...variables, first: this.random.first(), after } }, family, connection };
  }

  private articleList(): Operation {
    const r = this.random;
    const v = this.vocabulary;
    const filter: Record<string, unknown> = {};
    if (r.chance(0.7)) filter.locationId = r.pick(v.locationIds);
    if (r.chance(0.15)) filter.authorId = r.pick(v.authorIds);
    if (r.chance(0.1)) filter.tag = r.pick(v.tags);
    if (r.chance(0.15)) {
      const from = Date.UTC(2021 + r.int(0, 4), r.int(0, 11), r.int(1, 28));
      filter.publishedFrom = new Date(from).toISOString();
      filter.publishedTo = new Date(from + r.int(7, 400) * 86_400_000).toISOString();
    }
    const withBody = r.chance(0.3);
    const withTotal = r.chance(0.3);
    const query = `query Articles($filter: ArticleFilter, $order: ArticleOrder, $first: Int, $after: String) {
      articles(filter: $filter, orderBy: $order, first: $first, after: $after) {
        ${withTotal ? 'totalCount' : ''}
        edges { cursor node { ${ARTICLE_FIELDS} ${withBody ? 'standfirst body' : ''} casualtyFigures { ${FIGURE_FIELDS} } } }
        pageInfo { hasNextPage endCursor }
      } }`;
    const order = r.pick(ORDERS);
    return this.page(JSON.stringify([query, filter, order]), query, { filter, order }, 'articles');
  }

  private search(): Operation {
    const r = this.random;
    const words = this.vocabulary.words;
    const terms = [r.pick(words)];
    if (r.chance(0.5)) terms.push(r.chance(0.3) ? `-${r.pick(words)}` : r.pick(words));
    if (r.chance(0.2)) terms.push(`or ${r.pick(words)}`);
    const query = `query Search($search: String, $first: Int, $after: String) {
      articles(filter: { search: $search }, first: $first, after: $after) {
        totalCount edges { node { ${ARTICLE_FIELDS} standfirst } } pageInfo { hasNextPage endCursor }
      } }`;
    const search = terms.join(' ');
    return this.page(`search:${search}`, query, { search }, 'articles');
  }

  private article(): Operation {
    const query = `query Article($slug: String!) {
      article(slug: $slug) { ${ARTICLE_FIELDS} standfirst body paragraphs sourceUrl language
        casualtyFigures { ${FIGURE_FIELDS} parts { id low } } } }`;
    return { body: { query, variables: { slug: this.random.pick(this.vocabulary.slugs) } } };
  }

  private figures(): Operation {
    const r = this.random;
    const filter: Record<string, unknown> = { locationId: r.pick(this.vocabulary.locationIds) };
    if (r.chance(0.5)) filter.outcome = r.pick(OUTCOMES);
    if (r.chance(0.4)) filter.verification = VERIFICATIONS.filter(() => r.chance(0.5));
    const query = `query Figures($filter: CasualtyFilter, $first: Int, $after: String) {
      casualtyFigures(filter: $filter, first: $first, after: $after) {
        ${r.chance(0.3) ? 'totalCount' : ''} edges { node { ${FIGURE_FIELDS} } } pageInfo { hasNextPage endCursor }
      } }`;
    return this.page(JSON.stringify([query, filter]), query, { filter }, 'casualtyFigures');
  }

  private statistics(): Operation {
    const r = this.random;
    const groupBy = DIMENSIONS.filter(() => r.chance(0.3));
    const filter: Record<string, unknown> = { locationId: r.pick(this.vocabulary.locationIds) };
    if (r.chance(0.5)) filter.outcome = [r.pick(OUTCOMES)];
    const query = `query Stats($filter: StatsFilter, $groupBy: [StatsDimension!], $level: RegionLevel, $bucket: TimeBucket) {
      casualtyStats(filter: $filter, groupBy: $groupBy, regionLevel: $level, timeBucket: $bucket) {
        total { low best high figures articles }
        buckets { period undated region { name } unallocated group outcome verification claimantType low best high figures }
        leftOut { verification figures low }
      } }`;
    return { body: { query, variables: { filter, groupBy, level: r.pick(LEVELS), bucket: r.pick(BUCKETS) } } };
  }

  private regionSummary(): Operation {
    const query = `query Region($id: ID!) { regionSummary(locationId: $id) {
      region { name kind } ancestors { name } children { name kind } articleCount
      latestArticles { headline publishedAt } killed { total { low best high } buckets { group low } leftOut { verification low } } } }`;
    return { body: { query, variables: { id: this.random.pick(this.vocabulary.locationIds) } } };
  }

  private places(): Operation {
    const r = this.random;
    const filter: Record<string, unknown> = {};
    const way = r.int(0, 2);
    if (way === 0) filter.parentId = r.pick(this.vocabulary.locationIds);
    else if (way === 1) filter.withinId = r.pick(this.vocabulary.locationIds);
    else filter.nameContains = r.pick(this.vocabulary.words).slice(0, r.int(2, 4));
    if (r.chance(0.3)) filter.kind = r.pick(KINDS);
    const query = `query Places($filter: LocationFilter, $first: Int, $after: String) {
      locations(filter: $filter, first: $first, after: $after) {
        edges { node { id name kind isoCode parent { name } } } pageInfo { hasNextPage endCursor }
      } }`;
    return this.page(JSON.stringify(filter), query, { filter }, 'locations');
  }

  private authors(): Operation {
    const r = this.random;
    if (r.chance(0.5)) {
      const query = `query Authors($first: Int, $after: String) {
        authors(first: $first, after: $after) { edges { node { id name slug } } pageInfo { hasNextPage endCursor } } }`;
      return this.page('authors', query, {}, 'authors');
    }
    const query = `query Author($id: ID!, $first: Int, $after: String) { author(id: $id) { name bio
      articles(first: $first, after: $after) { edges { node { ${ARTICLE_FIELDS} } } pageInfo { hasNextPage endCursor } } } }`;
    const id = r.pick(this.vocabulary.authorIds);
    return this.page(`author:${id}`, query, { id }, 'author.articles');
  }

  /** One of a few queries asked again and again (what a front page asks). */
  private popular(): Operation {
    const v = this.vocabulary;
    const n = this.random.int(0, 9);
    if (n < 5) {
      const query = `query Front($first: Int) { articles(first: $first) { edges { node { ${ARTICLE_FIELDS} standfirst } } } }`;
      return { body: { query, variables: { first: 10 + n * 5 } } };
    }
    const query = `query Latest($id: ID!) { articles(filter: { locationId: $id }, first: 10) { edges { node { ${ARTICLE_FIELDS} } } } }`;
    return { body: { query, variables: { id: v.locationIds[n] } } };
  }

  /**
   * A document never sent before, as an automatic persisted query with its text (a client's retry
   * after PERSISTED_QUERY_NOT_FOUND): fills Apollo's document cache and the APQ store.
   */
  private newDocument(): Operation {
    this.documents += 1;
    const r = this.random;
    const query = `query Fresh${this.documents} { a${this.documents}: articles(first: ${r.int(1, 30)}, filter: { locationId: "${r.pick(this.vocabulary.locationIds)}" }) {
      edges { node { ${ARTICLE_FIELDS} } } } }`;
    return { body: { query, extensions: { persistedQuery: { version: 1, sha256Hash: sha256(query) } } } };
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** A client address: one of a thousand steady IPv4 clients, or a fresh IPv6 network. */
function clientAddress(random: Random): string {
  if (random.chance(0.7)) return `10.0.${random.int(0, 3)}.${random.int(1, 250)}`;
  const group = () => random.int(0, 0xffff).toString(16);
  return `2001:db8:${group()}:${group()}::1`;
}

async function worker(url: string, churn: Churn, random: Random, going: () => boolean, tally: Tally): Promise<void> {
  while (going()) {
    const operation = churn.next();
    tally.requests += 1;
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': clientAddress(random) },
        body: JSON.stringify(operation.body),
        signal: AbortSignal.timeout(30_000),
      });
      const answer = await response.json() as { data?: unknown; errors?: { extensions?: { code?: string } }[] };
      if (response.status !== 200 || answer.errors) {
        fail(tally, answer.errors?.[0]?.extensions?.code ?? `HTTP ${response.status}`);
      } else {
        churn.answered(operation, answer.data);
      }
    } catch (error) {
      fail(tally, (error as Error).name);
    }
  }
}

function fail(tally: Tally, reason: string): void {
  tally.failed += 1;
  tally.reasons.set(reason, (tally.reasons.get(reason) ?? 0) + 1);
}

/**
 * Deletes what a mode left in Redis under `prefix` (its keys, and those hash-tagged with it): the
 * persisted queries and tags' generations would otherwise stay a day. SCAN, for a benchmark's
 * clean-up only.
 */
async function dropKeys(url: string, prefix: string): Promise<void> {
  const client = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    for (const match of [`${prefix}:*`, `{${prefix}:*`]) {
      for await (const keys of client.scanStream({ match, count: 1_000 }) as AsyncIterable<string[]>) {
        if (keys.length > 0) await client.unlink(...keys);
      }
    }
  } finally {
    client.disconnect();
  }
}

/** The process's resident set, in bytes, from /proc. */
function residentBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kilobytes = /VmRSS:\s+(\d+) kB/.exec(status);
  if (!kilobytes) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kilobytes[1]) * 1024;
}

/** The gateway's heap figures and in-process cache sizes, from its /metrics. */
async function scrape(base: string): Promise<Pick<Sample, 'heapUsed' | 'heapTotal' | 'external' | 'caches' | 'spaces' | 'gc'>> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const value = (name: string) => Number(new RegExp(`^${name} (\\S+)`, 'm').exec(text)?.[1] ?? Number.NaN);
  const caches: Record<string, number> = {};
  const records = value('newsgate_cache_bytes\\{level="all"\\}');
  if (!Number.isNaN(records)) caches.records = records;
  if (/^newsgate_response_cache_bytes [1-9]/m.test(text)) caches.responses = value('newsgate_response_cache_bytes');
  const spaces: Sample['spaces'] = {};
  for (const [, space, bytes] of text.matchAll(/^nodejs_heap_space_size_used_bytes\{space="([^"]+)"\} (\S+)/gm)) {
    spaces[space] = { used: Number(bytes), size: value(`nodejs_heap_space_size_total_bytes\\{space="${space}"\\}`) };
  }
  const gc: Sample['gc'] = {};
  for (const [, kind, count] of text.matchAll(/^nodejs_gc_duration_seconds_count\{kind="([^"]+)"\} (\S+)/gm)) {
    gc[kind] = { count: Number(count), seconds: value(`nodejs_gc_duration_seconds_sum\\{kind="${kind}"\\}`) };
  }
  return {
    heapUsed: value('nodejs_heap_size_used_bytes'), heapTotal: value('nodejs_heap_size_total_bytes'),
    external: value('nodejs_external_memory_bytes'), caches, spaces, gc,
  };
}

/** The in-process budget the gateway runs with: its configuration's byte bounds, by cache. */
function budgetOf(env: Record<string, string>): Record<string, number> {
  const config = loadConfig({ ...process.env, ...env });
  const mode = config.cache.mode === 'auto' ? (config.cache.redisUrl ? 'layered' : 'memory') : config.cache.mode;
  const budget: Record<string, number> = { documents: DEFAULT_DOCUMENT_CACHE_BYTES };
  if (mode === 'off') return budget;
  if (mode !== 'redis') budget.records = config.cache.maxBytesInProcess;
  if (config.cache.responseCache) budget.responses = config.cache.responseCacheMaxBytes;
  return budget;
}

/** Least-squares slope of `y` over `x`. */
function slope(points: { x: number; y: number }[]): number {
  const n = points.length;
  const mx = points.reduce((sum, p) => sum + p.x, 0) / n;
  const my = points.reduce((sum, p) => sum + p.y, 0) / n;
  const sxy = points.reduce((sum, p) => sum + (p.x - mx) * (p.y - my), 0);
  const sxx = points.reduce((sum, p) => sum + (p.x - mx) ** 2, 0);
  return sxx === 0 ? 0 : sxy / sxx;
}

const mb = (bytes: number) => `${(bytes / MB).toFixed(1)} MB`;

interface Result { mode: Mode; samples: Sample[]; tally: Tally; budget: Record<string, number> }

async function soak(mode: Mode, vocabulary: Vocabulary, prefix: string): Promise<Result> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env: Record<string, string> = {
    NODE_ENV: 'production', PORT: String(port), HOST: '127.0.0.1', DATABASE_SCHEMA: SCHEMA, CACHE_PREFIX: prefix,
    SEED_WORKED_EXAMPLE: 'false', TRUST_PROXY: 'loopback', RATE_LIMIT_PUBLIC_POINTS: String(1e12), ...mode.env,
  };
  const budget = budgetOf(env);
  const output = process.env.BENCH_SOAK_GATEWAY_OUTPUT ? openSync(`${process.env.BENCH_SOAK_GATEWAY_OUTPUT}.${mode.id}`, 'w') : undefined;
  const nodeArgs = process.env.BENCH_SOAK_NODE_ARGS?.split(' ').filter(Boolean);
  const gateway = await startServer(gatewayEntry(), [], env, async () => (await fetch(`${base}/readyz`)).status === 200,
    { stdout: output, nodeArgs });
  const samples: Sample[] = [];
  const tally: Tally = { requests: 0, failed: 0, reasons: new Map() };
  try {
    const started = performance.now();
    const deadline = Date.now() + SECONDS * 1000;
    let exited: string | undefined;
    gateway.once('exit', (code, signal) => { exited = signal ?? `status ${code}`; });
    const sample = async () => {
      if (exited) return;
      const seconds = (performance.now() - started) / 1000;
      const [rss, heap] = [residentBytes(gateway.pid!), await scrape(base)];
      const taken: Sample = { seconds, rss, ...heap, requests: tally.requests };
      samples.push(taken);
      if ((samples.length - 1) % PRINT_EVERY === 0) {
        const previous = samples[Math.max(0, samples.length - 1 - PRINT_EVERY)];
        const rate = samples.length > 1 ? (taken.requests - previous.requests) / (taken.seconds - previous.seconds) : 0;
        const caches = Object.entries(taken.caches).map(([name, bytes]) => `${name} ${mb(bytes)}`).join(', ');
        console.log(`  ${taken.seconds.toFixed(0).padStart(4)} s  RSS ${mb(rss).padStart(9)}  heap ${mb(heap.heapUsed)} of ${mb(heap.heapTotal)}` +
          `  external ${mb(heap.external)}  other ${mb(rss - heap.heapTotal - heap.external)}  caches: ${caches || 'none'}` +
          `  ${rate.toFixed(0)} req/s  failed ${tally.failed}`);
      }
    };
    await sample();
    const timer = setInterval(() => { sample().catch((error: unknown) => { exited ??= String(error); }); }, SAMPLE_MS);
    const churn = new Churn(vocabulary);
    const url = `${base}/graphql`;
    const going = () => Date.now() < deadline && !exited;
    await Promise.all(Array.from({ length: CONNECTIONS }, (_, i) => worker(url, churn, new Random(1000 + i), going, tally)));
    clearInterval(timer);
    if (exited) throw new Error(`the gateway stopped (${exited}) ${((performance.now() - started) / 1000).toFixed(0)} s into the soak`);
    await sample();
  } finally {
    await stopServer(gateway);
    if (output !== undefined) closeSync(output);
    if (env.REDIS_URL) await dropKeys(env.REDIS_URL, prefix);
  }
  return { mode, samples, tally, budget };
}

/** The figures of one run, and whether its targets hold against `baseline` bytes. */
function report(result: Result, baseline: { bytes: number; source: string }): boolean {
  const { mode, samples, tally, budget } = result;
  const end = samples.at(-1)!;
  const warmup = end.seconds * WARMUP_FRACTION;
  const after = samples.filter((s) => s.seconds >= warmup);
  const perMinute = slope(after.map((s) => ({ x: s.seconds / 60, y: s.rss / MB })));
  const peak = samples.reduce((top, s) => (s.rss > top.rss ? s : top));
  const budgetBytes = Object.values(budget).reduce((sum, bytes) => sum + bytes, 0);
  const limit = budgetBytes + baseline.bytes;
  const slopeHolds = perMinute < SLOPE_TARGET_MB_PER_MIN;
  const peakHolds = peak.rss <= limit;
  const reasons = [...tally.reasons].map(([reason, n]) => `${reason} ×${n}`).join(', ');
  console.log(`\n${mode.name}: ${end.seconds.toFixed(0)} s, ${CONNECTIONS} connections, ${tally.requests} requests ` +
    `(${(tally.requests / end.seconds).toFixed(0)}/s), ${tally.failed} failed${reasons ? ` (${reasons})` : ''}`);
  console.log(`  RSS: at start ${mb(samples[0].rss)}, after warm-up (${warmup.toFixed(0)} s) ${mb(after[0].rss)}, ` +
    `peak ${mb(peak.rss)} at ${peak.seconds.toFixed(0)} s, at the end ${mb(end.rss)}; heap used at the end ${mb(end.heapUsed)}`);
  console.log(`  V8's heap at the end, used of committed: ${Object.entries(end.spaces).filter(([, space]) => space.size > MB)
    .map(([name, space]) => `${name} ${mb(space.used)} of ${mb(space.size)}`).join(', ')}`);
  const pauses = Object.values(end.gc).reduce((sum, kind) => sum + kind.seconds, 0);
  console.log(`  garbage collection: ${Object.entries(end.gc).map(([kind, { count, seconds }]) => `${count} ${kind} (${seconds.toFixed(1)} s)`).join(', ')}; ` +
    `pauses ${(100 * pauses / end.seconds).toFixed(1)} % of the run`);
  console.log(`  slope after warm-up: ${perMinute >= 0 ? '+' : ''}${perMinute.toFixed(2)} MB/min (least squares over ${after.length} samples)`);
  console.log(`  budget: ${Object.entries(budget).map(([name, bytes]) => `${name} ${mb(bytes)}`).join(' + ') || 'none'} = ${mb(budgetBytes)}; ` +
    `baseline ${mb(baseline.bytes)} (${baseline.source})`);
  if (mode.id === 'off') return true;
  console.log(`  targets: slope under ${SLOPE_TARGET_MB_PER_MIN} MB/min: ${slopeHolds ? 'met' : 'NOT MET'}; ` +
    `peak within budget + baseline (${mb(limit)}): ${peakHolds ? 'met' : 'NOT MET'}`);
  return slopeHolds && peakHolds;
}

/** The store's vocabulary, seeding the schema first when it has no article. */
async function vocabularyOf(databaseUrl: string): Promise<Vocabulary> {
  let store: SqlStore = await openStore({ databaseUrl, databaseSchema: SCHEMA });
  try {
    if (await store.countArticles({}) === 0) {
      await store.close();
      console.log(`seeding ${ARTICLES} articles into schema ${SCHEMA} …`);
      await seed(databaseUrl);
      store = await openStore({ databaseUrl, databaseSchema: SCHEMA });
    }
    const slugs: string[] = [];
    const tags = new Set<string>();
    const words = new Set<string>();
    for await (const article of everything((page) => store.listArticles({}, 'PUBLISHED_AT_DESC', page))) {
      slugs.push(article.slug);
      for (const tag of article.tags) tags.add(tag);
      for (const word of article.headline.toLowerCase().match(/[a-z]{5,}/g) ?? []) words.add(word);
    }
    const locationIds: string[] = [];
    for await (const location of everything((page) => store.listLocations({}, page))) locationIds.push(location.id);
    const authorIds: string[] = [];
    for await (const author of everything((page) => store.listAuthors(page))) authorIds.push(author.id);
    return { slugs, locationIds, authorIds, tags: [...tags], words: [...words] };
  } finally {
    await store.close();
  }
}

/** Every row of a store list, page by page. */
async function* everything<T>(list: (page: PageRequest) => Promise<Page<T>>): AsyncGenerator<T> {
  let after: SortKey | undefined;
  for (;;) {
    const page = await list({ first: 500, after });
    yield* page.rows;
    if (!page.hasNextPage) return;
    after = page.keys.at(-1);
  }
}

function seed(databaseUrl: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'tools/seed/seed-cli.ts', '--articles', String(ARTICLES)], {
      env: { ...process.env, DATABASE_URL: databaseUrl, DATABASE_SCHEMA: SCHEMA }, stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`the seed exited with ${code}`))));
  });
}

async function main(): Promise<void> {
  const databaseUrl = loadConfig().store.databaseUrl;
  if (!databaseUrl) {
    console.error('Set DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/test); the soak seeds its own schema (DATABASE_SCHEMA, default bench_soak).');
    process.exit(2);
  }
  const vocabulary = await vocabularyOf(databaseUrl);
  console.log(`store: PostgreSQL, schema ${SCHEMA}: ${vocabulary.slugs.length} articles, ${vocabulary.locationIds.length} places, ` +
    `${vocabulary.authorIds.length} authors; ${CONNECTIONS} connections for ${SECONDS} s a mode; RSS every ${SAMPLE_MS / 1000} s ` +
    `(1 MB = 10^6 bytes); warm-up: the first ${(WARMUP_FRACTION * 100).toFixed(0)} % of each run`);
  let baseline = { bytes: DOCUMENTED_BASELINE_MB * MB, source: 'the figure in docs/performance.md; run mode off to measure it' };
  let held = true;
  for (const mode of MODES) {
    console.log(`\n${mode.name}:`);
    const result = await soak(mode, vocabulary, `soak${process.pid}${mode.id}`);
    if (mode.id === 'off') {
      baseline = { bytes: Math.max(...result.samples.map((s) => s.rss)), source: 'the peak RSS of this run\'s mode off' };
    }
    held = report(result, baseline) && held;
  }
  if (!held) process.exitCode = 1;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
