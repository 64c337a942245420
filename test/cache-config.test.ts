import { MemoryCache, createCache } from '../src/cache';
import { CachedStore } from '../src/cache/cached-store';

describe('choosing a cache', () => {
  it('uses the in-process cache when no Redis is configured, so one instance needs no Redis', async () => {
    const { mode, cache, redis, redisConnection } = createCache({ mode: 'auto' });
    expect(mode).toBe('memory');
    expect(cache!.metrics().bytes).toBeGreaterThanOrEqual(0);
    expect(cache!.metrics().levels).toBeUndefined();
    expect([redis, redisConnection]).toEqual([null, null]);
    await cache!.close();
  });

  it('puts an in-process level in front of Redis when Redis is configured', async () => {
    const { mode, cache, redis, redisConnection } = createCache({ mode: 'auto', redisUrl: 'redis://127.0.0.1:6379', prefix: 'ngtest:config' });
    expect(mode).toBe('layered');
    expect(Object.keys(cache!.metrics().levels!)).toEqual(['memory', 'redis']);
    expect(redis).not.toBeNull();
    expect(redisConnection).toEqual({
      url: 'redis://127.0.0.1:6379', clusterNodes: undefined, prefix: 'ngtest:config', operationTimeoutMs: 200, breakerThreshold: 5, breakerCooldownMs: 1000,
    });
    await cache!.close();
  });

  it('builds no cache when caching is off, and still hands over the configured Redis', () => {
    const { cache, redis, redisConnection } = createCache({ mode: 'off', redisUrl: 'redis://127.0.0.1:6379' });
    expect(cache).toBeNull();
    expect(redis).toBeNull();
    expect(redisConnection?.url).toBe('redis://127.0.0.1:6379');
  });

  it('refuses settings it cannot honour, saying what to change', () => {
    expect(() => createCache({ mode: 'redis' })).toThrow(/needs Redis: set a Redis URL or cluster nodes/);
    expect(() => createCache({ mode: 'redis', redisUrl: 'http://x' })).toThrow(/url must start with redis:\/\//);
    expect(() => createCache({ mode: 'redis', redisUrl: 'redis://a', redisClusterNodes: ['b:1'] })).toThrow(/exactly one of/);
    expect(() => createCache({ mode: 'redis', redisClusterNodes: ['nohost'] })).toThrow(/host:port/);
    expect(() => createCache({ mode: 'redis', redisUrl: 'redis://a', prefix: 'a{b}' })).toThrow(/prefix/);
    expect(() => createCache({ mode: 'redis', redisUrl: 'redis://a', operationTimeoutMs: 0 })).toThrow(/operationTimeoutMs is 0/);
    expect(() => createCache({ mode: 'layered', redisUrl: 'redis://a', l1TtlSeconds: 5 })).toThrow(/l1TtlSeconds must be above 0 and at most 1/);
    expect(() => createCache({ mode: 'layered', redisUrl: 'redis://a', l1TtlSeconds: 0 })).toThrow(/l1TtlSeconds/);
    expect(() => createCache({ mode: 'layered', redisUrl: 'redis://a', syncIntervalMs: 1000 })).toThrow(/syncIntervalMs must be between 10 and 500 \(got 1000\)/);
    expect(() => new CachedStore(undefined as never, new MemoryCache(), { listTtlSeconds: -1 })).toThrow(/listTtlSeconds is -1/);
  });
});
