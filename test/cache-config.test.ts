import { MemoryCache, RedisCache, TwoLevelCache, createCache } from '../src/cache';
import { CachedStore } from '../src/cache/cached-store';
import { TwoLevelCache as Layered } from '../src/cache/two-level';

describe('choosing a cache', () => {
  it('uses the in-process cache when no Redis is configured, so one instance needs no Redis', async () => {
    const cache = createCache({ mode: 'auto' });
    expect(cache).toBeInstanceOf(MemoryCache);
    await cache!.close();
  });

  it('puts an in-process level in front of Redis when Redis is configured', async () => {
    const cache = createCache({ mode: 'auto', redisUrl: 'redis://127.0.0.1:6379', prefix: 'ngtest:config' });
    expect(cache).toBeInstanceOf(TwoLevelCache);
    expect((cache as TwoLevelCache).l2).toBeInstanceOf(RedisCache);
    await cache!.close();
  });

  it('builds no cache when caching is off', () => {
    expect(createCache({ mode: 'off', redisUrl: 'redis://127.0.0.1:6379' })).toBeNull();
  });

  it('refuses settings it cannot honour, saying what to change', () => {
    expect(() => createCache({ mode: 'redis' })).toThrow(/needs Redis: set a Redis URL or cluster nodes/);
    expect(() => createCache({ mode: 'redis', redisUrl: 'http://x' })).toThrow(/url must start with redis:\/\//);
    expect(() => createCache({ mode: 'redis', redisUrl: 'redis://a', redisClusterNodes: ['b:1'] })).toThrow(/exactly one of/);
    expect(() => createCache({ mode: 'redis', redisClusterNodes: ['nohost'] })).toThrow(/host:port/);
    expect(() => createCache({ mode: 'redis', redisUrl: 'redis://a', prefix: 'a{b}' })).toThrow(/prefix/);
    expect(() => createCache({ mode: 'redis', redisUrl: 'redis://a', operationTimeoutMs: 0 })).toThrow(/operationTimeoutMs is 0/);
    expect(() => createCache({ mode: 'layered', redisUrl: 'redis://a', l1TtlSeconds: 5 })).toThrow(/l1TtlSeconds must be above 0 and at most 1/);
    expect(() => new Layered(undefined as never, { l1TtlSeconds: 0 })).toThrow(/l1TtlSeconds/);
    expect(() => new Layered(undefined as never, { syncIntervalMs: 1000 })).toThrow(/syncIntervalMs must be between 10 and 500 \(got 1000\)/);
    expect(() => new CachedStore(undefined as never, new MemoryCache(), { listTtlSeconds: -1 })).toThrow(/listTtlSeconds is -1/);
  });
});
