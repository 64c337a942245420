import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Writable } from 'node:stream';
import { Registry } from 'prom-client';
import { createLogger } from '../src/logger';
import { SourceUnavailableError } from '../src/sources/errors';
import { fetchFromSource } from '../src/sources/http';
import { QUEUED_PER_SLOT } from '../src/sources/protections';
import { type RemoteSourcesOptions, type SourceLimits, createRemoteSources } from '../src/sources/remote';
import type { RemotePageRequest, RemoteSources, ServedPage, SourceAdapter } from '../src/sources/source';
import { until } from './support/processes';
import { PATIENT_TIMEOUT_MS, SHARED_REDIS_URL, dropPrefix, sharedRedisAvailable, startRedis, uniquePrefix } from './support/redis';

/**
 * A JSON source on a loopback port that can be told to hang, fail, send malformed JSON, be slow,
 * change its data, and honour ETags; it counts what it was sent.
 */
interface Upstream {
  readonly url: string;
  mode: 'ok' | 'hang' | 'fail' | 'malformed';
  delayMs: number;
  /** The data's version: in every headline and in the ETag. */
  version: number;
  requests: number;
  notModified: number;
  /** The `If-None-Match` of every request (undefined when absent). */
  readonly ifNoneMatch: (string | undefined)[];
  /** The most requests it was answering at once. */
  maxConcurrent: number;
  close(): Promise<void>;
}

async function startUpstream(): Promise<Upstream> {
  const sockets = new Set<Socket>();
  let concurrent = 0;
  const server = http.createServer((request, response) => {
    upstream.requests += 1;
    upstream.ifNoneMatch.push(request.headers['if-none-match']);
    concurrent += 1;
    upstream.maxConcurrent = Math.max(upstream.maxConcurrent, concurrent);
    response.on('close', () => { concurrent -= 1; });
    if (upstream.mode === 'hang') return;
    setTimeout(() => {
      if (upstream.mode === 'fail') return void response.writeHead(500).end('down');
      if (upstream.mode === 'malformed') return void response.writeHead(200, { 'content-type': 'application/json' }).end('{"items": [');
      const etag = `"v${upstream.version}"`;
      if (request.headers['if-none-match'] === etag) {
        upstream.notModified += 1;
        return void response.writeHead(304, { etag }).end();
      }
      const search = new URL(request.url!, 'http://upstream').searchParams.get('q') ?? '';
      const items = [1, 2, 3].map((n) => ({ id: `${search}-${n}`, title: `${search} ${n} v${upstream.version}` }));
      response.writeHead(200, { 'content-type': 'application/json', etag }).end(JSON.stringify({ items, next: null }));
    }, upstream.delayMs);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const upstream: Upstream = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    mode: 'ok', delayMs: 0, version: 1, requests: 0, notModified: 0, ifNoneMatch: [], maxConcurrent: 0,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
  return upstream;
}

/** A source adapter over `upstream`, as the real ones are: one bounded HTTP request, its JSON mapped. */
function testAdapter(id: string, upstream: Upstream): SourceAdapter {
  return {
    info: { id, name: `Source ${id}`, kind: 'rest', url: upstream.url, licence: 'for tests' },
    async fetchPage(request, signal, validators) {
      const url = `${upstream.url}/items?q=${encodeURIComponent(request.query.search ?? '')}`;
      const response = await fetchFromSource(url, { signal, validators });
      if (response === 'not-modified') return response;
      const body = JSON.parse(response.text) as { items: { id: string; title: string }[]; next: string | null };
      return {
        items: body.items.map((item) => ({
          sourceId: id, remoteId: item.id, headline: item.title, standfirst: null, url: `https://example.org/${item.id}`,
          publishedAt: new Date('2026-11-01T00:00:00Z'), authorNames: [], language: 'en', tags: [], placeHints: [],
        })),
        next: body.next,
        validators: response.validators,
      };
    },
  };
}

const LIMITS: Omit<SourceLimits, 'id'> = { timeoutMs: 2000, ttlSeconds: 60, staleSeconds: 60, budgetPerMinute: 1000, concurrency: 4 };

const ask = (search: string): RemotePageRequest => ({ query: { search }, cursor: null, size: 10 });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What `page` rejected with (fails the test when it resolved). */
async function refusal(promise: Promise<ServedPage>): Promise<SourceUnavailableError> {
  const error = await promise.then(() => null, (reason: unknown) => reason);
  expect(error).toBeInstanceOf(SourceUnavailableError);
  return error as SourceUnavailableError;
}

/** The value of a series with `labels` (0 when absent). */
async function metric(registry: Registry, name: string, labels: Record<string, string>): Promise<number> {
  const values = (await registry.getSingleMetric(name)?.get())?.values ?? [];
  const match = values.find((value) => Object.entries(labels).every(([label, wanted]) => value.labels[label] === wanted));
  return match?.value ?? 0;
}

describe('remote sources', () => {
  const upstreams: Upstream[] = [];
  const opened: RemoteSources[] = [];
  const prefixes: string[] = [];

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((sources) => sources.close()));
    await Promise.all(upstreams.splice(0).map((upstream) => upstream.close()));
  });
  afterAll(async () => { await Promise.all(prefixes.map((prefix) => dropPrefix(prefix))); });

  /** One source `s` over a fresh upstream, with `limits` over `LIMITS`; its records and log lines. */
  async function oneSource(limits: Partial<SourceLimits> = {}, options: Partial<RemoteSourcesOptions> = {}) {
    const upstream = await startUpstream();
    upstreams.push(upstream);
    const made = gateway([testAdapter('s', upstream)], limits, options);
    return { upstream, ...made };
  }

  /** A gateway's sources over `adapters`; its registry and the log lines it wrote. */
  function gateway(adapters: SourceAdapter[], limits: Partial<SourceLimits> = {}, options: Partial<RemoteSourcesOptions> = {}) {
    const registry = new Registry();
    const logs: Record<string, unknown>[] = [];
    const destination = new Writable({
      write(chunk, _encoding, done) {
        logs.push(JSON.parse(String(chunk)));
        done();
      },
    });
    const sources = createRemoteSources(adapters, adapters.map((adapter) => ({ ...LIMITS, ...limits, id: adapter.info.id })), {
      registry, log: createLogger('warn', 'json', destination), ...options,
    });
    opened.push(sources);
    return { sources, registry, logs };
  }

  it('serves a copy within its TTL without asking the source again', async () => {
    const { upstream, sources, registry } = await oneSource();
    const first = await sources.page('s', ask('flood'));
    expect(first).toMatchObject({ stale: false });
    expect(first.page.items.map((item) => item.headline)).toEqual(['flood 1 v1', 'flood 2 v1', 'flood 3 v1']);
    upstream.version = 2;
    const again = await sources.page('s', ask('flood'));
    expect(again.page.items[0].headline).toBe('flood 1 v1');
    expect(again.fetchedAt).toEqual(first.fetchedAt);
    expect(again.maxAgeSeconds).toBeGreaterThanOrEqual(58);
    expect(again.maxAgeSeconds).toBeLessThanOrEqual(60);
    expect(upstream.requests).toBe(1);
    expect(await metric(registry, 'newsgate_source_cache_hits_total', { source: 's' })).toBe(1);
    expect(await metric(registry, 'newsgate_source_requests_total', { source: 's' })).toBe(1);
  });

  it('keeps pages of different requests apart, and the same request however its fields are ordered', async () => {
    const { upstream, sources } = await oneSource();
    await sources.page('s', { query: { search: 'a', tag: 'x' }, cursor: null, size: 10 });
    await sources.page('s', { size: 10, cursor: null, query: { tag: 'x', search: 'a' } });
    expect(upstream.requests).toBe(1);
    const other = await sources.page('s', ask('b'));
    expect(other.page.items[0].headline).toBe('b 1 v1');
    expect(upstream.requests).toBe(2);
  });

  it('makes one request for the callers that miss one page together', async () => {
    const { upstream, sources } = await oneSource();
    upstream.delayMs = 150;
    const pages = await Promise.all(Array.from({ length: 5 }, () => sources.page('s', ask('together'))));
    expect(upstream.requests).toBe(1);
    expect(new Set(pages.map((page) => page.fetchedAt.getTime())).size).toBe(1);
  });

  it('gives a hung source up at its timeout, with SourceUnavailableError', async () => {
    const { upstream, sources, registry } = await oneSource({ timeoutMs: 300 });
    upstream.mode = 'hang';
    const started = Date.now();
    const error = await refusal(sources.page('s', ask('hung')));
    expect(Date.now() - started).toBeLessThan(300 + 200);
    expect(error).toMatchObject({ sourceId: 's', reason: 'timeout' });
    expect(await metric(registry, 'newsgate_source_timeouts_total', { source: 's' })).toBe(1);
    expect(await metric(registry, 'newsgate_source_errors_total', { source: 's' })).toBe(1);
    expect(sources.health('s')).toMatchObject({ state: 'DEGRADED', lastSuccessAt: null, lastError: { message: expect.stringContaining('timeout') } });
  });

  it('serves the stale copy at once after the TTL while a hung source is asked in the background', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => { unhandled.push(reason); };
    process.on('unhandledRejection', onUnhandled);
    try {
      const { upstream, sources, registry, logs } = await oneSource({ timeoutMs: 300, ttlSeconds: 0.2, staleSeconds: 60 });
      const first = await sources.page('s', ask('quake'));
      await sleep(250);
      upstream.mode = 'hang';
      const started = Date.now();
      const stale = await sources.page('s', ask('quake'));
      expect(Date.now() - started).toBeLessThan(100);
      expect(stale).toMatchObject({ stale: true, maxAgeSeconds: 0, fetchedAt: first.fetchedAt });
      expect(stale.page.items).toEqual(first.page.items);
      await until(() => sources.health('s').lastError !== null, 'the background refresh to give up');
      expect(upstream.requests).toBe(2);
      expect(await metric(registry, 'newsgate_source_stale_serves_total', { source: 's' })).toBe(1);
      expect(await metric(registry, 'newsgate_source_timeouts_total', { source: 's' })).toBe(1);
      expect(sources.health('s').state).toBe('DEGRADED');
      expect(logs).toContainEqual(expect.objectContaining({ level: 40, source: 's', reason: 'timeout' }));
      // Still served while it keeps failing, without another request before the refresh lock's term ends.
      await expect(sources.page('s', ask('quake'))).resolves.toMatchObject({ stale: true });
      await sleep(50);
      expect(upstream.requests).toBe(2);
    } finally {
      await sleep(50);
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unhandled).toEqual([]);
  });

  it('refuses once the copy is past its stale window and the source fails', async () => {
    const { upstream, sources } = await oneSource({ ttlSeconds: 0.1, staleSeconds: 0.1 });
    await sources.page('s', ask('old'));
    upstream.mode = 'fail';
    await sleep(300);
    const error = await refusal(sources.page('s', ask('old')));
    expect(error).toMatchObject({ reason: 'failed', message: expect.stringContaining('HTTP 500') });
  });

  it('opens the breaker after failures in a row, refuses without asking, and closes it after a probe once the source heals', async () => {
    const { upstream, sources, registry } = await oneSource({}, { breakerThreshold: 3, breakerCooldownMs: 500 });
    upstream.mode = 'fail';
    for (const search of ['a', 'b', 'c']) expect(await refusal(sources.page('s', ask(search)))).toMatchObject({ reason: 'failed' });
    expect(await refusal(sources.page('s', ask('d')))).toMatchObject({ reason: 'breaker-open' });
    expect(upstream.requests).toBe(3);
    expect(sources.health('s').state).toBe('DOWN');
    expect(await metric(registry, 'newsgate_source_breaker_state', { source: 's', state: 'open' })).toBe(1);
    expect(await metric(registry, 'newsgate_source_refusals_total', { source: 's', reason: 'breaker-open' })).toBe(1);

    upstream.mode = 'ok';
    upstream.delayMs = 300;
    await sleep(550);
    const probe = sources.page('s', ask('e'));
    await until(() => upstream.requests === 4, 'the probe to reach the source');
    expect(sources.health('s').state).toBe('DEGRADED');
    expect(await metric(registry, 'newsgate_source_breaker_state', { source: 's', state: 'half-open' })).toBe(1);
    await expect(probe).resolves.toMatchObject({ stale: false });
    expect(await metric(registry, 'newsgate_source_breaker_state', { source: 's', state: 'closed' })).toBe(1);
    await expect(sources.page('s', ask('f'))).resolves.toMatchObject({ stale: false });
    expect(upstream.requests).toBe(5);
  });

  it('refuses a request past the source\'s budget for the minute', async () => {
    const { upstream, sources, registry } = await oneSource({ budgetPerMinute: 2 });
    await sources.page('s', ask('a'));
    await sources.page('s', ask('b'));
    expect(await refusal(sources.page('s', ask('c')))).toMatchObject({ reason: 'budget' });
    expect(upstream.requests).toBe(2);
    expect(await metric(registry, 'newsgate_source_refusals_total', { source: 's', reason: 'budget' })).toBe(1);
    // A copy already held costs nothing from the budget.
    await expect(sources.page('s', ask('a'))).resolves.toMatchObject({ stale: false });
  });

  it('sends at most its concurrency at once; the rest wait, at most the timeout, or are refused when too many wait', async () => {
    const { upstream, sources } = await oneSource({ concurrency: 1, timeoutMs: 2000 });
    upstream.delayMs = 150;
    await Promise.all(['a', 'b', 'c'].map((search) => sources.page('s', ask(search))));
    expect(upstream.maxConcurrent).toBe(1);
    expect(upstream.requests).toBe(3);

    const slow = await oneSource({ concurrency: 1, timeoutMs: 300 });
    slow.upstream.mode = 'hang';
    const started = Date.now();
    // One is sent, QUEUED_PER_SLOT wait, and the one after them is refused at once.
    const pages = Array.from({ length: QUEUED_PER_SLOT + 2 }, (_, i) => refusal(slow.sources.page('s', ask(`q${i}`))));
    const refused = await pages.at(-1)!;
    expect(Date.now() - started).toBeLessThan(100);
    expect(refused.reason).toBe('concurrency');
    const [sent, ...waited] = await Promise.all(pages.slice(0, -1));
    expect(Date.now() - started).toBeLessThan(300 + 200);
    expect(sent.reason).toBe('timeout');
    for (const error of waited) expect(['timeout', 'concurrency']).toContain(error.reason);
    expect(slow.upstream.maxConcurrent).toBe(1);
  });

  it('sends the validators of its copy, and a 304 makes the copy current again', async () => {
    const { upstream, sources, registry } = await oneSource({ ttlSeconds: 0.3, staleSeconds: 60 });
    const first = await sources.page('s', ask('vote'));
    expect(first.page.validators).toEqual({ etag: '"v1"' });
    await sleep(350);
    await expect(sources.page('s', ask('vote'))).resolves.toMatchObject({ stale: true });
    await until(() => upstream.notModified === 1, 'the conditional refresh');
    expect(upstream.ifNoneMatch).toEqual([undefined, '"v1"']);
    await until(async () => !(await sources.page('s', ask('vote'))).stale, 'the copy to be current again');
    const current = await sources.page('s', ask('vote'));
    expect(current.fetchedAt.getTime()).toBeGreaterThan(first.fetchedAt.getTime());
    expect(current.page.items).toEqual(first.page.items);
    expect(upstream.requests).toBe(2);
    expect(await metric(registry, 'newsgate_source_not_modified_total', { source: 's' })).toBe(1);
  });

  it('logs a malformed payload with the source\'s id and counts it as a failure', async () => {
    const { upstream, sources, registry, logs } = await oneSource();
    upstream.mode = 'malformed';
    expect(await refusal(sources.page('s', ask('bad')))).toMatchObject({ reason: 'failed' });
    expect(logs).toContainEqual(expect.objectContaining({ level: 40, source: 's', reason: 'failed' }));
    expect(await metric(registry, 'newsgate_source_errors_total', { source: 's' })).toBe(1);
    expect(sources.health('s').lastError?.message).toMatch(/JSON/);
  });

  it('rejects only with SourceUnavailableError, whatever an adapter throws', async () => {
    const broken: SourceAdapter = {
      info: { id: 'broken', name: 'Broken', kind: 'feed', url: 'http://127.0.0.1:9', licence: '' },
      fetchPage: () => { throw new TypeError('not even a promise'); },
    };
    const { sources } = gateway([broken]);
    expect(await refusal(sources.page('broken', ask('x')))).toMatchObject({ reason: 'failed', message: expect.stringContaining('not even a promise') });
    expect(await refusal(sources.page('nowhere', ask('x')))).toMatchObject({ sourceId: 'nowhere', reason: 'failed' });
  });

  it('reports a healthy source UP, with its latency, last success and the items it keeps', async () => {
    const { upstream, sources } = await oneSource();
    upstream.delayMs = 20;
    expect(sources.health('s')).toEqual({ state: 'UP', lastSuccessAt: null, lastError: null, latencyP50Ms: null, latencyP99Ms: null, itemsCached: 0 });
    for (const search of ['a', 'b', 'c', 'd']) await sources.page('s', ask(search));
    const health = sources.health('s');
    expect(health).toMatchObject({ state: 'UP', lastError: null, itemsCached: 12 });
    expect(health.lastSuccessAt).toBeInstanceOf(Date);
    expect(health.latencyP50Ms).toBeGreaterThanOrEqual(20);
    expect(health.latencyP99Ms).toBeGreaterThanOrEqual(health.latencyP50Ms!);
    expect(sources.list()).toEqual([expect.objectContaining({ id: 's', kind: 'rest' })]);
  });

  it('gives up what is still out when closed, and refuses afterwards', async () => {
    const { upstream, sources } = await oneSource({ timeoutMs: 10_000, ttlSeconds: 0.1, staleSeconds: 60 });
    await sources.page('s', ask('late'));
    await sleep(150);
    upstream.mode = 'hang';
    await expect(sources.page('s', ask('late'))).resolves.toMatchObject({ stale: true });
    const waiting = refusal(sources.page('s', ask('other')));
    await until(() => upstream.requests === 3, 'the refresh and the miss to reach the source');
    const started = Date.now();
    await sources.close();
    expect(Date.now() - started).toBeLessThan(500);
    expect(await waiting).toMatchObject({ reason: 'failed', message: expect.stringContaining('closing') });
    expect(await refusal(sources.page('s', ask('late')))).toMatchObject({ reason: 'failed' });
  });

  it('refuses bad protections at construction, naming every problem', () => {
    const adapter = testAdapter('s', { url: 'http://127.0.0.1:9' } as Upstream);
    expect(() => createRemoteSources([adapter, testAdapter('t', { url: '' } as Upstream)], [{ ...LIMITS, id: 's', timeoutMs: 0, concurrency: 1.5 }], {
      log: createLogger('silent'),
    })).toThrow(/timeoutMs must be a positive number.*concurrency must be a whole number.*source "t" has no definition/);
  });

  const withRedis = sharedRedisAvailable() ? it : it.skip;

  withRedis('refreshes a stale page once across two gateways sharing Redis, serving both the stale copy meanwhile', async () => {
    const upstream = await startUpstream();
    upstreams.push(upstream);
    const prefix = uniquePrefix('sources');
    prefixes.push(prefix);
    const redis = { url: SHARED_REDIS_URL, prefix, operationTimeoutMs: PATIENT_TIMEOUT_MS };
    const limits = { ttlSeconds: 0.5, staleSeconds: 60 };
    const a = gateway([testAdapter('s', upstream)], limits, { redis }).sources;
    const b = gateway([testAdapter('s', upstream)], limits, { redis }).sources;
    expect(await Promise.all([a.ready!(5_000), b.ready!(5_000)])).toEqual([true, true]);

    const first = await a.page('s', ask('shared'));
    await expect(b.page('s', ask('shared'))).resolves.toMatchObject({ stale: false, fetchedAt: first.fetchedAt });
    expect(upstream.requests).toBe(1);

    await sleep(600);
    upstream.version = 2;
    upstream.delayMs = 300;
    const started = Date.now();
    const served = await Promise.all([a, b, a, b].map((sources) => sources.page('s', ask('shared'))));
    expect(Date.now() - started).toBeLessThan(250);
    for (const page of served) expect(page).toMatchObject({ stale: true, fetchedAt: first.fetchedAt });

    await until(async () => {
      const pages = await Promise.all([a.page('s', ask('shared')), b.page('s', ask('shared'))]);
      return pages.every((page) => !page.stale && page.page.items[0].headline === 'shared 1 v2');
    }, 'both gateways to serve the refreshed page');
    await sleep(300);
    expect(upstream.requests).toBe(2);
  });

  it('answers from this process when its Redis is gone', async () => {
    const server = await startRedis();
    try {
      const upstream = await startUpstream();
      upstreams.push(upstream);
      const { sources } = gateway([testAdapter('s', upstream)], { ttlSeconds: 0.5, staleSeconds: 60 }, {
        redis: { url: server.url, prefix: uniquePrefix('sources-outage'), operationTimeoutMs: 200 },
      });
      const first = await sources.page('s', ask('kept'));
      await server.kill();

      await expect(sources.page('s', ask('kept'))).resolves.toMatchObject({ stale: false, fetchedAt: first.fetchedAt });
      await expect(sources.page('s', ask('new'))).resolves.toMatchObject({ stale: false });
      expect(upstream.requests).toBe(2);

      await sleep(600);
      await expect(sources.page('s', ask('kept'))).resolves.toMatchObject({ stale: true });
      await until(async () => !(await sources.page('s', ask('kept'))).stale, 'the refresh without Redis');
      expect(upstream.requests).toBe(3);
    } finally {
      await server.stop();
    }
  });
});
