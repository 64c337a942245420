import pino from 'pino';
import { checkReadiness, newestShippedMigration } from '../src/http/health';
import { GatewayMetrics } from '../src/http/metrics';
import { currentVersion } from '../src/store/migrate';
import { type TestGateway, gatewaysOverWorkedExample } from './support/gateway';

/** The samples of a Prometheus text exposition, by `name{labels}` exactly as printed. */
function samples(text: string): Map<string, number> {
  return new Map(text.split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => [line.slice(0, line.lastIndexOf(' ')), Number(line.slice(line.lastIndexOf(' ') + 1))]));
}

async function scrape(api: TestGateway): Promise<{ type: string; samples: Map<string, number> }> {
  const response = await fetch(new URL('/metrics', api.url));
  expect(response.status).toBe(200);
  return { type: response.headers.get('content-type') ?? '', samples: samples(await response.text()) };
}

async function getJson(api: TestGateway, path: string) {
  const response = await fetch(new URL(path, api.url));
  return { status: response.status, headers: response.headers, body: await response.json() as any };
}

describe('operability', () => {
  const t = gatewaysOverWorkedExample();
  const gateway = t.gateway;
  afterEach(() => jest.restoreAllMocks());

  describe('/healthz and /readyz', () => {
    it('/healthz answers while the process runs, touching nothing', async () => {
      const api = await gateway();
      t.db.reset();
      const health = await getJson(api, '/healthz');
      expect(health).toMatchObject({ status: 200, body: { status: 'alive' } });
      expect(health.headers.get('x-request-id')).toBeTruthy();
      expect(t.db.queries).toBe(0);
    });

    it('/readyz is ready when the store answers and is at the newest migration', async () => {
      const api = await gateway({ http: { readiness: { schemaVersion: () => currentVersion(t.db) } } });
      const ready = await getJson(api, '/readyz');
      expect(ready.status).toBe(200);
      expect(ready.body).toEqual({
        status: 'ready',
        checks: {
          store: { status: 'up', engine: 'pglite' },
          migrations: { status: 'up', current: newestShippedMigration(), expected: newestShippedMigration() },
        },
      });
    });

    it('/readyz is unready (503) behind a migration, saying what to run', async () => {
      const api = await gateway({ http: { readiness: { schemaVersion: async () => newestShippedMigration() - 1 } } });
      const behind = await getJson(api, '/readyz');
      expect(behind.status).toBe(503);
      expect(behind.body.status).toBe('unready');
      expect(behind.body.checks.migrations).toMatchObject({ status: 'down', reason: expect.stringMatching(/npm run migrate/) });
    });

    it('/readyz is unready (503) when the store does not answer, without saying why to the caller', async () => {
      const api = await gateway();
      jest.spyOn(t.store, 'ping').mockRejectedValue(new Error('connect ECONNREFUSED 10.0.0.7: password=hunter2'));
      const down = await getJson(api, '/readyz');
      expect(down.status).toBe(503);
      expect(down.body.checks.store).toEqual({ status: 'down', engine: 'pglite', reason: 'failed (see the gateway log)' });
      expect(JSON.stringify(down.body)).not.toMatch(/hunter2|10\.0\.0\.7/);
      expect(api.logs).toContainEqual(expect.objectContaining({ check: 'store', err: expect.objectContaining({ message: expect.stringContaining('hunter2') }) }));
    });

    it('/readyz stays ready but degraded (200) while the cache is down or hangs', async () => {
      const down = await gateway({ http: { readiness: { cacheState: async () => ({ up: false, detail: 'breaker open' }) } } });
      expect(await getJson(down, '/readyz')).toMatchObject({
        status: 200, body: { status: 'degraded', checks: { store: { status: 'up' }, cache: { status: 'down', reason: 'breaker open' } } },
      });
      const hung = await gateway({ http: { readiness: { timeoutMs: 50, cacheState: () => new Promise(() => undefined) } } });
      expect(await getJson(hung, '/readyz')).toMatchObject({
        status: 200, body: { status: 'degraded', checks: { cache: { status: 'down', reason: 'no answer within 50 ms' } } },
      });
      const up = await gateway({ http: { readiness: { cacheState: async () => ({ up: true }) } } });
      expect((await getJson(up, '/readyz')).body).toMatchObject({ status: 'ready', checks: { cache: { status: 'up' } } });
    });

    it('is unready once the gateway is stopping', async () => {
      const report = await checkReadiness({ store: t.store, log: pino({ level: 'silent' }), isStopping: () => true });
      expect(report).toMatchObject({ status: 'unready', stopping: true, checks: { store: { status: 'up' } } });
    });
  });

  describe('/metrics', () => {
    it('counts and times requests per operation name, and errors by code, in Prometheus format', async () => {
      const api = await gateway();
      await api.gql('query Named { authors { totalCount } }');
      await api.gql('query Named { authors { totalCount } }');
      await api.gql('{ articles(first: 101) { totalCount } }');
      await api.gql('{ nope }');
      await fetch(api.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: ' '.repeat(200_000) }) });
      await fetch(api.url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"query":"{ authors { totalCount } }"}' });
      await api.gql('{ authors { totalCount } }', undefined, { authorization: 'Basic x' });
      const { type, samples: metrics } = await scrape(api);
      expect(type).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(metrics.get('newsgate_graphql_requests_total{operation="Named",outcome="success"}')).toBe(2);
      expect(metrics.get('newsgate_graphql_request_duration_seconds_count{operation="Named"}')).toBe(2);
      expect(metrics.get('newsgate_graphql_request_duration_seconds_sum{operation="Named"}')).toBeGreaterThan(0);
      expect(metrics.get('newsgate_graphql_requests_total{operation="(anonymous)",outcome="error"}')).toBe(1);
      expect(metrics.get('newsgate_graphql_requests_total{operation="(invalid)",outcome="error"}')).toBe(1);
      expect(metrics.get('newsgate_graphql_errors_total{code="BAD_USER_INPUT"}')).toBe(1);
      expect(metrics.get('newsgate_graphql_errors_total{code="GRAPHQL_VALIDATION_FAILED"}')).toBe(1);
      expect(metrics.get('newsgate_graphql_errors_total{code="BODY_SIZE_LIMIT_EXCEEDED"}')).toBe(1);
      expect(metrics.get('newsgate_graphql_errors_total{code="BAD_REQUEST"}')).toBe(1);
      expect(metrics.get('newsgate_graphql_errors_total{code="UNAUTHENTICATED"}')).toBe(1);
      expect(metrics.get('process_cpu_user_seconds_total')).toBeGreaterThan(0);
      expect(metrics.get('nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    });

    it('keeps each gateway\'s series apart', async () => {
      const first = await gateway();
      const second = await gateway();
      await first.gql('query OnlyOnFirst { authors { totalCount } }');
      expect((await scrape(first)).samples.get('newsgate_graphql_requests_total{operation="OnlyOnFirst",outcome="success"}')).toBe(1);
      expect([...(await scrape(second)).samples.keys()].some((key) => key.includes('OnlyOnFirst'))).toBe(false);
    });

    it('labels at most maxOperationNames names, counting the rest as (other)', async () => {
      const api = await gateway({ http: { metrics: new GatewayMetrics({ maxOperationNames: 2, processMetrics: false }) } });
      for (const name of ['A', 'B', 'C', 'D', 'A']) await api.gql(`query ${name} { authors { totalCount } }`);
      const metrics = (await scrape(api)).samples;
      expect(metrics.get('newsgate_graphql_requests_total{operation="A",outcome="success"}')).toBe(2);
      expect(metrics.get('newsgate_graphql_requests_total{operation="B",outcome="success"}')).toBe(1);
      expect(metrics.get('newsgate_graphql_requests_total{operation="(other)",outcome="success"}')).toBe(2);
    });

    it('records store latency through observeStoreQuery, and the cache\'s counters from a pluggable source', async () => {
      const metrics = new GatewayMetrics({ processMetrics: false });
      const api = await gateway({ http: { metrics } });
      const observe = metrics.observeStoreQuery;
      observe('pglite', 0.002);
      observe('pglite', 0.2);
      let before = (await scrape(api)).samples;
      expect(before.get('newsgate_store_query_duration_seconds_count{engine="pglite"}')).toBe(2);
      expect(before.get('newsgate_store_query_duration_seconds_bucket{le="0.0025",engine="pglite"}')).toBe(1);
      expect([...before.keys()].some((key) => key.startsWith('newsgate_cache_hits'))).toBe(false);

      let hits = 5;
      metrics.setCacheSource(() => ({
        hits: hits++, misses: 2, errors: 1, breaker: 'open', breakerOpens: 1,
        levels: { memory: { hits: 4, misses: 3, errors: 0, breaker: 'closed', breakerOpens: 0 } },
      }));
      before = (await scrape(api)).samples;
      expect(before.get('newsgate_cache_hits{level="all"}')).toBe(5);
      expect(before.get('newsgate_cache_misses{level="all"}')).toBe(2);
      expect(before.get('newsgate_cache_breaker_opens{level="all"}')).toBe(1);
      expect(before.get('newsgate_cache_breaker_state{level="all",state="open"}')).toBe(1);
      expect(before.get('newsgate_cache_breaker_state{level="all",state="closed"}')).toBe(0);
      expect(before.get('newsgate_cache_hits{level="memory"}')).toBe(4);
      expect(before.get('newsgate_cache_breaker_state{level="memory",state="closed"}')).toBe(1);
      // Read once per scrape, fresh at each.
      expect((await scrape(api)).samples.get('newsgate_cache_hits{level="all"}')).toBe(6);
    });
    it('says at each scrape whether the cache\'s Redis answered a PING, and nothing without Redis', async () => {
      const metrics = new GatewayMetrics({ processMetrics: false });
      const api = await gateway({ http: { metrics } });
      expect([...(await scrape(api)).samples.keys()]).not.toContain('newsgate_cache_redis_up');
      let answers = true;
      let pings = 0;
      metrics.setRedisPing(async () => { pings += 1; return answers; });
      expect((await scrape(api)).samples.get('newsgate_cache_redis_up')).toBe(1);
      answers = false;
      expect((await scrape(api)).samples.get('newsgate_cache_redis_up')).toBe(0);
      expect(pings).toBe(2);
    });
  });

  describe('logs', () => {
    it('puts the request id on every line of a request, and sends it back', async () => {
      const api = await gateway({ production: true });
      jest.spyOn(t.store, 'listAuthors').mockRejectedValue(new Error('boom'));
      api.logs.length = 0;
      const response = await api.gql('{ authors { totalCount } }', undefined, { 'x-request-id': 'op-42' });
      expect(response.headers.get('x-request-id')).toBe('op-42');
      await new Promise((resolve) => setImmediate(resolve));
      expect(api.logs.map((line) => line.msg)).toEqual(['unexpected error while resolving', 'request completed']);
      for (const line of api.logs) expect(line.requestId).toBe('op-42');
      expect(api.logs[1]).toMatchObject({
        level: 30, req: { method: 'POST', url: '/graphql' }, res: { statusCode: 200 }, responseTime: expect.any(Number),
      });
    });

    it('never logs request headers, and leaves health checks and scrapes out', async () => {
      const api = await gateway();
      api.logs.length = 0;
      await api.gql('{ authors { totalCount } }', undefined, { authorization: 'Bearer ngk_secret-looking-value' });
      await fetch(new URL('/healthz', api.url));
      await fetch(new URL('/readyz', api.url));
      await fetch(new URL('/metrics', api.url));
      await new Promise((resolve) => setImmediate(resolve));
      expect(api.logs).toHaveLength(1);
      expect(api.logs[0]).toMatchObject({ msg: 'request completed', res: { statusCode: 401 } });
      expect(JSON.stringify(api.logs)).not.toMatch(/secret-looking|authorization/i);
    });
  });
});
