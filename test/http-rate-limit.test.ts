import { createApiKey } from '../src/auth/api-keys';
import type { HttpEdgeOptions } from '../src/http/edge';
import { GatewayMetrics } from '../src/http/metrics';
import { ClientRateLimiter, DEFAULT_RATE_LIMITS, FAILED_KEY_POINTS, type RateLimitOptions, addressKey } from '../src/http/rate-limit';
import { type TestGateway, gatewaysOverWorkedExample } from './support/gateway';
import {
  type RedisServer, SHARED_REDIS_URL, dropPrefix, sharedRedisAvailable, startRedis, startRedisCluster, uniquePrefix,
} from './support/redis';

/*
 * Rate limits through the real HTTP gateway, with budgets in the machine's Redis (each test under a
 * prefix of its own) or in a redis-server of the test's own where Redis is broken on purpose. Jest
 * fails a test during which a promise rejection goes unhandled, so the failure tests also show that
 * a broken Redis leaves none.
 */

/** 1 + totalCount once for the connection: 2 points. Reads the store when it runs. */
const AUTHORS = '{ authors { totalCount } }';
/** Costs nothing by the cost rule, so 1 point; never reads the store. */
const TYPENAME = '{ __typename }';

const onSharedRedis = sharedRedisAvailable() ? describe : describe.skip;

const t = gatewaysOverWorkedExample();
const limiters: ClientRateLimiter[] = [];
const prefixes: string[] = [];

// After the gateways have stopped.
afterAll(async () => {
  await Promise.all(limiters.map((limiter) => limiter.close()));
  if (sharedRedisAvailable()) await Promise.all(prefixes.map((prefix) => dropPrefix(prefix)));
});
beforeEach(() => t.db.reset());

/** A limiter (in the machine's Redis under a fresh prefix unless `options.redis` says otherwise), closed after the file. */
async function limiterWith(options: RateLimitOptions): Promise<ClientRateLimiter> {
  const prefix = uniquePrefix('rate');
  prefixes.push(prefix);
  const limiter = new ClientRateLimiter({ ...options, redis: { prefix, ...(options.redis ?? { url: SHARED_REDIS_URL }) } });
  limiters.push(limiter);
  expect(await limiter.ready(5000)).toBe(true);
  return limiter;
}

/** A gateway whose operations go through `limiter`, stopped after the file. */
function gatewayWith(limiter: ClientRateLimiter, http: HttpEdgeOptions = {}): Promise<TestGateway> {
  return t.gateway({ http: { rateLimiter: limiter.limit, ...http } });
}

/** Sends `query` `times` times, one after the other; resolves to the statuses. */
async function statuses(api: TestGateway, times: number, query = TYPENAME, headers?: Record<string, string>): Promise<number[]> {
  const answers: number[] = [];
  for (let i = 0; i < times; i += 1) answers.push((await api.gql(query, undefined, headers)).status);
  return answers;
}

const repeat = <T>(value: T, times: number): T[] => Array.from({ length: times }, () => value);

onSharedRedis('rate limits in Redis', () => {
  it('lets the budget through, then refuses with 429, Retry-After and RATE_LIMITED before the store sees a query', async () => {
    const metrics = new GatewayMetrics({ processMetrics: false });
    const limiter = await limiterWith({ publicPoints: 3 * 2, windowSeconds: 60, registry: metrics.registry });
    const api = await gatewayWith(limiter, { metrics });
    for (let i = 0; i < 3; i += 1) expect((await api.gql(AUTHORS)).data).toEqual({ authors: { totalCount: 1 } });
    t.db.reset();

    const refused = await api.gql(AUTHORS);
    expect(refused.status).toBe(429);
    expect(refused.data).toBeUndefined();
    expect(refused.errors!.map((error) => error.extensions!.code)).toEqual(['RATE_LIMITED']);
    expect(refused.errors![0].message).toMatch(/your address has spent its 6 points for this 60-second window.*retry in \d+ s, or send an API key/);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.errors![0].extensions).toMatchObject({ retryAfterSeconds: retryAfter, limit: 6, windowSeconds: 60 });
    expect({
      limit: refused.headers.get('ratelimit-limit'), remaining: refused.headers.get('ratelimit-remaining'),
      reset: refused.headers.get('ratelimit-reset'), policy: refused.headers.get('ratelimit-policy'),
    }).toEqual({ limit: '6', remaining: '0', reset: String(retryAfter), policy: '6;w=60' });
    // A shared cache must not answer the next clients with this refusal.
    expect(refused.headers.get('cache-control') ?? '').not.toMatch(/public|max-age/);
    expect(t.db.queries).toBe(0);

    const exposition = await (await fetch(new URL('/metrics', api.url))).text();
    expect(exposition).toMatch(/^newsgate_rate_limit_refusals_total\{budget="address"\} 1$/m);
    expect(exposition).toMatch(/^newsgate_graphql_errors_total\{code="RATE_LIMITED"\} 1$/m);
  });

  it('counts an operation\'s estimated cost, and at least 1 point for one that costs nothing', async () => {
    const api = await gatewayWith(await limiterWith({ publicPoints: 12 }));
    expect((await api.gql(AUTHORS)).status).toBe(200); // 2 points
    expect(await statuses(api, 11)).toEqual([...repeat(200, 10), 429]); // 1 point each
  });

  it('lets an operation costing more than the whole budget run on a fresh budget', async () => {
    const api = await gatewayWith(await limiterWith({ publicPoints: 1 }));
    expect(await statuses(api, 2, AUTHORS)).toEqual([200, 429]);
  });

  it('keeps one budget per API key, apart from the public\'s', async () => {
    const [first, second] = await Promise.all([
      createApiKey(t.store, 'Night desk', 'editor'), createApiKey(t.store, 'Day desk', 'editor'),
    ]);
    const api = await gatewayWith(await limiterWith({ keyPoints: 3, publicPoints: 2 }));
    const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

    expect(await statuses(api, 4, TYPENAME, bearer(first.key))).toEqual([200, 200, 200, 429]);
    expect(await statuses(api, 4, TYPENAME, bearer(second.key))).toEqual([200, 200, 200, 429]);
    // Keyed clients on this address spent none of the public's budget for it.
    expect(await statuses(api, 3)).toEqual([200, 200, 429]);

    t.db.reset();
    const refused = await api.gql(TYPENAME, undefined, bearer(first.key));
    expect(refused.errors![0].message).toMatch(/this API key has spent its 3 points/);
    expect(refused.errors![0].message).not.toMatch(/send an API key/);
    // The key is checked (one lookup) before its budget is: nobody can spend another's budget.
    expect(t.db.statements).toEqual([expect.stringMatching(/api_keys/)]);
  });

  it('charges a bad API key to its address, so guessing keys runs out of budget too', async () => {
    const api = await gatewayWith(await limiterWith({ publicPoints: 2 * FAILED_KEY_POINTS + 1 }));
    const guess = { authorization: 'Bearer ngk_0123456789abcdef_guess' };
    expect(await statuses(api, 3, TYPENAME, guess)).toEqual([401, 401, 429]);
    const refused = await api.gql(TYPENAME, undefined, guess);
    expect(refused.errors![0].extensions!.code).toBe('RATE_LIMITED');
    // The same address, without a key: its budget is spent as well.
    expect(await statuses(api, 1)).toEqual([429]);
  });

  it('gives the budget back when the window ends', async () => {
    const api = await gatewayWith(await limiterWith({ publicPoints: 2, windowSeconds: 1 }));
    expect(await statuses(api, 3)).toEqual([200, 200, 429]);
    const refused = await api.gql(TYPENAME);
    expect(refused.headers.get('retry-after')).toBe('1');
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await statuses(api, 3)).toEqual([200, 200, 429]);
  });

  it('shares the budgets between gateways over one Redis', async () => {
    const prefix = uniquePrefix('rate-shared');
    prefixes.push(prefix);
    const [one, two] = await Promise.all([
      limiterWith({ publicPoints: 4, redis: { url: SHARED_REDIS_URL, prefix } }).then(gatewayWith),
      limiterWith({ publicPoints: 4, redis: { url: SHARED_REDIS_URL, prefix } }).then(gatewayWith),
    ]);
    expect([...await statuses(one, 2), ...await statuses(two, 2)]).toEqual(repeat(200, 4));
    expect([(await one.gql(TYPENAME)).status, (await two.gql(TYPENAME)).status]).toEqual([429, 429]);
  });

  it('counts the public by the connection\'s address, and by X-Forwarded-For only behind a trusted proxy', async () => {
    const forwarded = (address: string) => ({ 'x-forwarded-for': address });
    const direct = await gatewayWith(await limiterWith({ publicPoints: 2 }));
    expect([
      ...await statuses(direct, 1, TYPENAME, forwarded('203.0.113.1')),
      ...await statuses(direct, 1, TYPENAME, forwarded('203.0.113.2')),
      ...await statuses(direct, 1, TYPENAME, forwarded('203.0.113.3')),
    ]).toEqual([200, 200, 429]);

    const proxied = await gatewayWith(await limiterWith({ publicPoints: 2 }), { trustProxy: ['loopback'] });
    expect(await statuses(proxied, 3, TYPENAME, forwarded('203.0.113.1'))).toEqual([200, 200, 429]);
    expect(await statuses(proxied, 3, TYPENAME, forwarded('203.0.113.2'))).toEqual([200, 200, 429]);
    // Another address within the same IPv6 /64 network shares its budget; another network does not.
    expect(await statuses(proxied, 2, TYPENAME, forwarded('2001:db8:1:2::a'))).toEqual([200, 200]);
    expect(await statuses(proxied, 1, TYPENAME, forwarded('2001:db8:1:2:ffff::b'))).toEqual([429]);
    expect(await statuses(proxied, 1, TYPENAME, forwarded('2001:db8:1:3::a'))).toEqual([200]);
  });
});

describe('rate limits when Redis fails', () => {
  let server: RedisServer;
  beforeEach(async () => { server = await startRedis(); });
  afterEach(async () => {
    // Closed while their Redis answers: a client closed while reconnecting holds the process a while.
    server.resume();
    await t.stopGateways();
    await Promise.all(limiters.splice(0).map((limiter) => limiter.close()));
    await server.stop();
  });

  /** Sends one operation; resolves to its status and how long it took, in ms. */
  async function timed(api: TestGateway): Promise<{ status: number; ms: number }> {
    const start = performance.now();
    const { status } = await api.gql(TYPENAME);
    return { status, ms: performance.now() - start };
  }

  it('keeps answering when Redis dies, counting each gateway\'s budget in process', async () => {
    const metrics = new GatewayMetrics({ processMetrics: false });
    const limiter = await limiterWith({ redis: { url: server.url, operationTimeoutMs: 200 }, publicPoints: 3, registry: metrics.registry });
    const api = await gatewayWith(limiter, { metrics });
    expect(await statuses(api, 1)).toEqual([200]);
    await server.kill();

    const answers = [await timed(api), await timed(api), await timed(api), await timed(api)];
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 429]);
    expect(Math.max(...answers.map((answer) => answer.ms))).toBeLessThan(1000);
    const exposition = await (await fetch(new URL('/metrics', api.url))).text();
    expect(exposition).toMatch(/^newsgate_rate_limit_fallbacks_total 4$/m);

    await server.restart();
    expect(await limiter.ready(5000)).toBe(true);
  });

  it('answers within the operation timeout when Redis hangs', async () => {
    const timeoutMs = 500;
    const limiter = await limiterWith({ redis: { url: server.url, operationTimeoutMs: timeoutMs, breakerThreshold: 3 }, publicPoints: 100 });
    const api = await gatewayWith(limiter);
    expect(await statuses(api, 1)).toEqual([200]);
    server.pause();

    const answers: { status: number; ms: number }[] = [];
    for (let i = 0; i < 5; i += 1) answers.push(await timed(api));
    expect(answers.map((answer) => answer.status)).toEqual(repeat(200, 5));
    // Each waits at most the timeout (plus the gateway's own work); once the breaker opens, none
    // (about 10 ms here; half the timeout leaves room for a loaded machine's pauses).
    expect(Math.max(...answers.map((answer) => answer.ms))).toBeLessThan(timeoutMs + 300);
    expect(answers[4].ms).toBeLessThan(timeoutMs / 2);
  });
});

describe('rate limits without Redis', () => {
  it('keeps the budgets in process', async () => {
    const limiter = new ClientRateLimiter({ publicPoints: 2 });
    limiters.push(limiter);
    expect(limiter.store).toBe('memory');
    const api = await gatewayWith(limiter);
    expect(await statuses(api, 3)).toEqual([200, 200, 429]);
  });

  it('checks its settings once, naming every bad one, and takes the documented defaults for those not given', async () => {
    expect(() => new ClientRateLimiter({ windowSeconds: 0, keyPoints: 2.5 }))
      .toThrow(/windowSeconds = 0, keyPoints = 2.5; each must be a whole number of at least 1/);
    const defaults = new ClientRateLimiter();
    const somePublic = new ClientRateLimiter({ publicPoints: 7 });
    try {
      expect(defaults.settings).toEqual({ windowSeconds: 60, publicPoints: 50_000, keyPoints: 250_000 });
      expect(defaults.settings).toEqual(DEFAULT_RATE_LIMITS);
      expect(somePublic.settings).toEqual({ windowSeconds: 60, publicPoints: 7, keyPoints: 250_000 });
    } finally {
      await Promise.all([defaults.close(), somePublic.close()]);
    }
  });

  it('counts IPv4 addresses as they are and IPv6 addresses by their /64 network', () => {
    expect(addressKey('203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('2001:db8:0:1:2:3:4:5')).toBe('2001:db8:0:1::/64');
    expect(addressKey('2001:DB8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(addressKey(null)).toBe('unknown');
  });
});

describe('rate limits on a Redis Cluster', () => {
  it('share one budget through the cluster', async () => {
    const cluster = await startRedisCluster(3);
    try {
      const limiter = await limiterWith({ redis: { clusterNodes: cluster.nodes }, publicPoints: 2 });
      const api = await gatewayWith(limiter);
      expect(await statuses(api, 3)).toEqual([200, 200, 429]);
      expect(limiter.store).toBe('redis');
    } finally {
      await Promise.all(limiters.splice(-1).map((limiter) => limiter.close()));
      await cluster.stop();
    }
  }, 60_000);
});
