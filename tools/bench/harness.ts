import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import autocannon from 'autocannon';
import { largestCountry, openBenchStore } from './bench-store';
import { COUNTRY_PAGE, withoutTotal } from './queries';

/** The HTTP benchmarks' load: this many connections, each sending one fixed request after another. */
export const CONNECTIONS = 50;

/** What one load run measured: mean req/s, the slowest second's req/s, latency quantiles, failures. */
export interface Figures { rps: number; minRps: number; p50: number; p99: number; failures: number }

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
 * Starts a TypeScript entry point in a child process of its own (`node [nodeArgs] --import tsx`, so
 * the child's pid is the server's); resolves once `ready` answers true. Its stderr goes to ours, its
 * stdout to `options.stdout` (a file descriptor) or nowhere.
 */
export async function startServer(
  file: string, args: string[], env: Record<string, string>, ready: () => Promise<boolean>,
  options: { stdout?: number; nodeArgs?: string[] } = {},
): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...options.nodeArgs ?? [], '--import', 'tsx', file, ...args], {
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

/** Loads `url` with `body` from `CONNECTIONS` connections for `seconds`. */
export async function load(url: string, body: string, seconds: number): Promise<Figures> {
  const result = await autocannon({
    url, method: 'POST', headers: { 'content-type': 'application/json' }, body, connections: CONNECTIONS, duration: seconds,
  });
  return {
    rps: result.requests.average, minRps: result.requests.min, p50: result.latency.p50, p99: result.latency.p99,
    failures: result.errors + result.non2xx, // autocannon's `errors` include its `timeouts`
  };
}

/** The middle value (the mean of the two middle ones for an even count). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** One fixed request a benchmark sends over and over. */
export interface Target { name: string; body: string }

/** The HTTP benchmarks' article query: one article by slug with its authors, places and figures. */
export const ARTICLE = /* GraphQL */ `
  query Article($slug: String!) {
    article(slug: $slug) {
      id headline publishedAt
      authors { name }
      locations { name isoCode }
      casualtyFigures { outcome group low best high qualifier verification claimedBy location { name } }
    }
  }`;

/**
 * The HTTP benchmarks' two requests, from the store DATABASE_URL (and DATABASE_SCHEMA) name:
 * **article**, the newest article under the country with the most, with its authors, places and
 * figures; **list**, the first 20 articles under that country without their count (a count is cached
 * apart, and costs a query uncached). Says which on the console.
 */
export async function benchTargets(): Promise<Target[]> {
  const { config, store } = await openBenchStore();
  try {
    const { country, n } = await largestCountry(store, (c) => store.countArticles({ locationId: c.id }));
    const [article] = (await store.listArticles({ locationId: country.id }, 'PUBLISHED_AT_DESC', { first: 1 })).rows;
    console.log(`store: ${store.engine} (${config.store.databaseSchema ?? 'public'}), ${await store.countArticles({})} articles; ` +
      `list: first 20 of ${n} under ${country.name}; article: ${article.slug}`);
    return [
      { name: 'article', body: JSON.stringify({ query: ARTICLE, variables: { slug: article.slug } }) },
      { name: 'list', body: JSON.stringify({ query: withoutTotal(COUNTRY_PAGE), variables: { country: country.id } }) },
    ];
  } finally {
    await store.close();
  }
}
