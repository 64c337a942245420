import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import autocannon from 'autocannon';
import { largestCountry, openBenchStore } from './bench-store';
import { ARTICLE, COUNTRY_PAGE, withoutTotal } from './queries';
import { startFlags } from '../start-flags';

/** The HTTP benchmarks' load: this many connections, each sending one fixed request after another. */
export const CONNECTIONS = 50;

/**
 * What one load run measured: mean req/s, the slowest second's req/s, latency quantiles (of the
 * requests on open connections, see `load`), failures,
 * and the server's CPU time (user + system, all its threads) per request answered, in ms; NaN when
 * the server's process was not named or nothing was answered.
 */
export interface Figures {
  rps: number; minRps: number; p50: number; p99: number; failures: number; cpuMsPerRequest: number;
  /** The first request of each connection, which waits for the connection to be accepted (see `load`): median and slowest, in ms. */
  opening: { p50: number; max: number };
}

let clockTicksPerSecond: number | undefined;

/** CPU time process `pid` has used so far (user + system, every thread), in ms; from Linux's /proc. */
export function cpuMs(pid: number): number {
  clockTicksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));
  // The fields after the command name (which may hold spaces and parentheses): utime and stime are
  // the 14th and 15th of the line, the 12th and 13th after it.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicksPerSecond;
}

/**
 * Resolves once process `pid` has been idle for `quietMs` (its CPU time grew by less than a tenth of
 * that), or after `maxMs`. A load run that ends closes its connections with requests still in
 * flight, which the server goes on answering; the next run's connections, all opened at once, must
 * not arrive meanwhile: libuv (since 1.45) accepts one connection per turn of a server's event loop,
 * so on a server still busy the last of them would send their first request hundreds of
 * milliseconds before the server reads it, and those few requests would make the run's p99.
 */
export async function settled(pid: number, quietMs = 200, maxMs = 5000): Promise<void> {
  const deadline = Date.now() + maxMs;
  let before = cpuMs(pid);
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, quietMs));
    const now = cpuMs(pid);
    if (now - before < quietMs / 10) return;
    before = now;
  }
}

let built: string | undefined;

/**
 * The gateway as `npm start` runs it: `dist/main.js`, built from the sources now (`npm run build`,
 * once per bench process), so that what is measured is what users run, without tsx's hooks on
 * every `require` a package makes while serving.
 */
export function gatewayEntry(): string {
  built ??= (execFileSync(process.execPath, ['tools/build.mjs'], { stdio: ['ignore', 'ignore', 'inherit'] }), 'dist/main.js');
  return built;
}

/** A loopback port nothing listens on now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    }).on('error', reject);
  });
}

/**
 * Starts an entry point in a child process of its own (a TypeScript file through tsx, `node
 * [nodeArgs] --import tsx`; a built `.js` file as `npm start` runs it, with its flags), so the child's pid is the
 * server's; resolves once `ready` answers true. Its stderr goes to ours, its stdout to
 * `options.stdout` (a file descriptor) or nowhere.
 */
export async function startServer(
  file: string, args: string[], env: Record<string, string>, ready: () => Promise<boolean>,
  options: { stdout?: number; nodeArgs?: string[] } = {},
): Promise<ChildProcess> {
  const loader = file.endsWith('.js') ? startFlags() : ['--import', 'tsx'];
  const child = spawn(process.execPath, [...options.nodeArgs ?? [], ...loader, file, ...args], {
    env: { ...process.env, ...env }, stdio: ['ignore', options.stdout ?? 'ignore', 'inherit'],
  });
  const deadline = Date.now() + 60_000;
  while (!(await ready().catch(() => false))) {
    if (child.exitCode !== null) throw new Error(`${file} exited with ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error(`${file} did not start within 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return child;
}

/** Sends SIGTERM; resolves once the process has exited. */
export function stopServer(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** POSTs `body` once; throws unless the answer is a 200 without errors. */
export async function post(url: string, body: string): Promise<{ headers: Record<string, string>; text: string }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const text = await response.text();
  const parsed = JSON.parse(text) as { errors?: unknown };
  if (response.status !== 200 || parsed.errors) throw new Error(`bad answer from ${url}: ${text.slice(0, 300)}`);
  return { headers: Object.fromEntries(response.headers), text };
}

/**
 * Loads `url` from `CONNECTIONS` connections for `seconds` with `body`, or with each of `body`'s
 * requests in turn (every connection takes the next); with `pid`, the process serving it, measures
 * that process's CPU time over the run too.
 *
 * Latencies are those of the requests sent on open connections: the first request of each
 * connection is reported apart (`opening`). All the connections open together at the start, and a
 * busy Node server accepts one per turn of its event loop (libuv 1.45 and later), so the first
 * requests of the last ones wait for their connection to be accepted, hundreds of milliseconds on
 * a loaded gateway: in a run of 2,000 requests they alone would be its p99, a figure of how the
 * load starts rather than of the server at 50 connections (docs/operations.md, new connections).
 */
export async function load(url: string, body: string | readonly string[], seconds: number, pid?: number): Promise<Figures> {
  const bodies = typeof body === 'string' ? [body] : body;
  let next = 0;
  const open: number[] = [];
  const opening: number[] = [];
  const cpuBefore = pid === undefined ? Number.NaN : cpuMs(pid);
  const result = await autocannon({
    url, method: 'POST', headers: { 'content-type': 'application/json' }, connections: CONNECTIONS, duration: seconds,
    ...(bodies.length === 1 ? { body: bodies[0] } : {
      requests: [{ setupRequest: (request) => ({ ...request, body: bodies[next++ % bodies.length] }) }],
    }),
    // Each connection's client emits every response with its latency, as autocannon measures it.
    setupClient: (client) => {
      let first = true;
      client.on('response', (_status: number, _bytes: number, duration: number) => {
        (first ? opening : open).push(duration);
        first = false;
      });
    },
  });
  const cpuAfter = pid === undefined ? Number.NaN : cpuMs(pid);
  open.sort((a, b) => a - b);
  opening.sort((a, b) => a - b);
  return {
    rps: result.requests.average, minRps: result.requests.min, p50: quantile(open, 0.5), p99: quantile(open, 0.99),
    opening: { p50: quantile(opening, 0.5), max: opening.at(-1) ?? Number.NaN },
    failures: result.errors + result.non2xx, // autocannon's `errors` include its `timeouts`
    cpuMsPerRequest: result.requests.total > 0 ? (cpuAfter - cpuBefore) / result.requests.total : Number.NaN,
  };
}

/** The value below which a share `q` of `sorted` (ascending) lies: the nearest rank, as autocannon's histogram reports it. */
export function quantile(sorted: readonly number[], q: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] : Number.NaN;
}

/** The middle value (the mean of the two middle ones for an even count). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * What a benchmark sends: `body` over and over, or, with `bodies`, each of those in turn (`body` is
 * the first, the one answers are checked with).
 */
export interface Target { name: string; body: string; bodies?: string[] }

/**
 * How many articles the article target asks for in turn: the long tail of a news site, where
 * concurrent readers seldom ask for the same article (one article over and over would let a server
 * that reads concurrent requests' articles together read one row for all of them).
 */
export const ARTICLE_VARIETY = 1000;

/**
 * The HTTP benchmarks' two requests, from the store DATABASE_URL (and DATABASE_SCHEMA) name:
 * **article**, an article by slug with its authors, places and figures, each request the next of the
 * `ARTICLE_VARIETY` newest under the country with the most (the newest first); **list**, the first
 * 20 articles under that country without their count (a count is cached apart, and costs a query
 * uncached). Says which on the console.
 */
export async function benchTargets(): Promise<Target[]> {
  const { config, store } = await openBenchStore();
  try {
    const { country, n } = await largestCountry(store, (c) => store.countArticles({ locationId: c.id }));
    const articles = (await store.listArticles({ locationId: country.id }, 'PUBLISHED_AT_DESC', { first: ARTICLE_VARIETY })).rows;
    console.log(`store: ${store.engine} (${config.store.databaseSchema ?? 'public'}), ${await store.countArticles({})} articles; ` +
      `list: first 20 of ${n} under ${country.name}; article: the ${articles.length} newest under ${country.name} in turn, first ${articles[0].slug}`);
    const bodies = articles.map((article) => JSON.stringify({ query: ARTICLE, variables: { slug: article.slug } }));
    return [
      { name: 'article', body: bodies[0], bodies },
      { name: 'list', body: JSON.stringify({ query: withoutTotal(COUNTRY_PAGE), variables: { country: country.id } }) },
    ];
  } finally {
    await store.close();
  }
}
