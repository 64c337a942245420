import { Redis } from 'ioredis';
import { ALL_TAG, type Cache, type CacheLookup, type CacheRequest, type Stamp } from '../src/cache/cache';
import { MemoryCache } from '../src/cache/memory';
import { RedisCache } from '../src/cache/redis';
import { TwoLevelCache } from '../src/cache/two-level';
import {
  PATIENT_TIMEOUT_MS, SHARED_REDIS_URL, type RedisClusterServers, dropPrefix, sharedRedisAvailable, startRedisCluster, uniquePrefix,
} from './support/redis';

/** The stamp of a miss; throws on a hit. */
function stampOf(lookup: CacheLookup): Stamp {
  if (lookup.hit) throw new Error('expected a miss, got a hit');
  return lookup.stamp;
}

/** Reads `key`, expects a miss, and writes `value` with that miss's stamp. */
async function fill(cache: Cache, key: string, tags: string[], value: unknown, ttlSeconds = 60): Promise<void> {
  const [lookup] = await cache.read([{ key, tags }]);
  await cache.write([{ key, tags, value, stamp: stampOf(lookup), ttlSeconds }]);
}

/** The values of a read, with `undefined` for a miss. */
async function values(cache: Cache, requests: CacheRequest[]): Promise<unknown[]> {
  return (await cache.read(requests)).map((lookup) => (lookup.hit ? lookup.value : undefined));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The contract every adapter keeps; `make` gives a fresh, empty cache for each test. */
function describeContract(name: string, make: () => Promise<Cache>, run: jest.Describe = describe): void {
  run(`the cache contract [${name}]`, () => {
    let cache: Cache;
    beforeEach(async () => { cache = await make(); });
    afterEach(() => cache.close());

    it('answers a miss, then the value written after it, with its dates and nulls intact', async () => {
      const value = {
        id: '7', publishedAt: new Date('2025-01-02T03:04:05.678Z'), periodEnd: null, tags: ['a', 'b'],
        nested: [{ at: new Date(0) }], odd: '\u0000D not a date',
      };
      await fill(cache, 'article:7', ['article:7'], value);
      const [cached] = await values(cache, [{ key: 'article:7', tags: ['article:7'] }]);
      expect(cached).toEqual(value);
      expect((cached as typeof value).publishedAt).toBeInstanceOf(Date);
      expect((cached as typeof value).odd).toBe('\u0000D not a date');
    });

    it('keeps null as a value, apart from a miss', async () => {
      await fill(cache, 'nothing', ['x'], null);
      const lookups = await cache.read([{ key: 'nothing', tags: ['x'] }, { key: 'unknown', tags: ['x'] }]);
      expect(lookups.map((lookup) => lookup.hit)).toEqual([true, false]);
      expect(lookups[0]).toEqual({ hit: true, value: null });
    });

    it('reads many keys in one call, in request order, hits and misses mixed', async () => {
      const requests = Array.from({ length: 40 }, (_, i) => ({ key: `k${i}`, tags: [`t${i % 3}`] }));
      for (const request of requests.filter((_, i) => i % 2 === 0)) await fill(cache, request.key, request.tags, { n: request.key });
      expect(await values(cache, requests)).toEqual(requests.map((request, i) => (i % 2 === 0 ? { n: request.key } : undefined)));
    });

    it('drops every entry that depends on an invalidated tag, and no other', async () => {
      const requests = [
        { key: 'a', tags: ['one'] }, { key: 'b', tags: ['one', 'two'] }, { key: 'c', tags: ['two'] }, { key: 'd', tags: [] },
      ];
      for (const request of requests) await fill(cache, request.key, request.tags, request.key);
      await cache.invalidate(['one']);
      expect(await values(cache, requests)).toEqual([undefined, undefined, 'c', 'd']);
    });

    it('refuses a value loaded before an invalidation of its tags, and takes the next one', async () => {
      // One tag seen before (its generation exists), one never seen (the first write creates it).
      await fill(cache, 'figure:3', ['figure:3'], 'first');
      await cache.invalidate(['figure:3']);
      for (const request of [{ key: 'figure:3', tags: ['figure:3'] }, { key: 'figure:4', tags: ['figure:4'] }]) {
        const [before] = await cache.read([request]);
        await cache.invalidate(request.tags); // a write lands while the reader loads
        await cache.write([{ ...request, value: 'stale', stamp: stampOf(before), ttlSeconds: 60 }]);
        expect(await values(cache, [request])).toEqual([undefined]);
        await fill(cache, request.key, request.tags, 'fresh');
        expect(await values(cache, [request])).toEqual(['fresh']);
      }
    });

    it('drops everything when the tag every entry depends on is invalidated', async () => {
      await fill(cache, 'a', ['one'], 1);
      await fill(cache, 'b', [], 2);
      await cache.invalidate([ALL_TAG]);
      expect(await values(cache, [{ key: 'a', tags: ['one'] }, { key: 'b', tags: [] }])).toEqual([undefined, undefined]);
    });

    it('stops serving an entry once its TTL has passed', async () => {
      await fill(cache, 'short', [], 'soon gone', 0.3);
      expect(await values(cache, [{ key: 'short', tags: [] }])).toEqual(['soon gone']);
      await sleep(600);
      expect(await values(cache, [{ key: 'short', tags: [] }])).toEqual([undefined]);
    });

    it('counts hits and misses', async () => {
      const before = cache.metrics();
      await fill(cache, 'counted', [], 1);
      await cache.read([{ key: 'counted', tags: [] }, { key: 'counted', tags: [] }]);
      const after = cache.metrics();
      expect(after.misses - before.misses).toBe(1);
      expect(after.hits - before.hits).toBe(2);
      expect(after.errors).toBe(0);
      expect(after.breaker).toBe('closed');
    });
  });
}

describeContract('memory', async () => new MemoryCache());

/** Claims (`Cache.claim`), which adapters shared between instances keep; `make` gives a fresh cache sharing its claims with the last one made. */
function describeClaims(name: string, make: () => Promise<Cache>, run: jest.Describe = describe): void {
  run(`claims of a load [${name}]`, () => {
    let caches: Cache[];
    beforeEach(async () => { caches = [await make(), await make()]; });
    afterEach(() => Promise.all(caches.map((cache) => cache.close())));

    /** Claims `key` (tagged `stats:1`) on `cache` at the generations a miss sees now. */
    async function claim(cache: Cache, key: string, ms = 60_000) {
      const [lookup] = await cache.read([{ key, tags: ['stats:1'] }]);
      return cache.claim!(key, stampOf(lookup), ms);
    }

    it('grants a key to one instance at a time, until released or its time is up, and a late release ends no later claim', async () => {
      const [a, b] = caches;
      const release = await claim(a, 'stats:1');
      expect(release).toEqual(expect.any(Function));
      expect(await claim(b, 'stats:1')).toBeNull();
      expect(await claim(a, 'stats:1')).toBeNull();
      expect(await claim(b, 'stats:2')).toEqual(expect.any(Function));
      await release!();
      const short = await claim(b, 'stats:1', 200);
      expect(short).toEqual(expect.any(Function));
      await sleep(400);
      const later = await claim(a, 'stats:1');
      expect(later).toEqual(expect.any(Function));
      await short!(); // b's claim had ended: a's stands
      expect(await claim(b, 'stats:1')).toBeNull();
    });

    it('grants a key again once a tag of its entry is invalidated: a load begun before the write does not hold up one after it', async () => {
      const [a, b] = caches;
      await fill(a, 'other', ['stats:1'], 'mints the generation'); // a tag Redis holds a generation of
      expect(await claim(a, 'stats:1')).toEqual(expect.any(Function));
      expect(await claim(b, 'stats:1')).toBeNull();
      await a.invalidate(['stats:1']);
      expect(await claim(b, 'stats:1')).toEqual(expect.any(Function));
      expect(await claim(a, 'stats:1')).toBeNull();
    });
  });
}

const onSharedRedis = sharedRedisAvailable() ? describe : describe.skip;
const sharedPrefixes: string[] = [];
afterAll(() => Promise.all(sharedPrefixes.map((prefix) => dropPrefix(prefix))));

/** A Redis cache on the machine's Redis, under a prefix of its own. */
async function sharedRedisCache(): Promise<RedisCache> {
  const prefix = uniquePrefix('adapters');
  sharedPrefixes.push(prefix);
  const cache = new RedisCache({ url: SHARED_REDIS_URL, prefix, operationTimeoutMs: PATIENT_TIMEOUT_MS });
  await cache.ready();
  return cache;
}

describeContract('redis', sharedRedisCache, onSharedRedis);
/** Caches under one prefix, as instances sharing Redis are. */
function samePrefix(make: (prefix: string) => Promise<Cache>): () => Promise<Cache> {
  let made = 0;
  let prefix = '';
  return () => {
    if (made++ % 2 === 0) sharedPrefixes.push(prefix = uniquePrefix('claims'));
    return make(prefix);
  };
}
const sharedRedisAt = async (prefix: string) => {
  const cache = new RedisCache({ url: SHARED_REDIS_URL, prefix, operationTimeoutMs: PATIENT_TIMEOUT_MS });
  await cache.ready();
  return cache;
};
describeClaims('redis', samePrefix(sharedRedisAt), onSharedRedis);
describeClaims('two-level', samePrefix(async (prefix) => new TwoLevelCache(await sharedRedisAt(prefix))), onSharedRedis);
describeContract('two-level', async () => {
  const cache = new TwoLevelCache(await sharedRedisCache());
  await cache.l2.ready();
  return cache;
}, onSharedRedis);

describe('a Redis Cluster', () => {
  let cluster: RedisClusterServers;
  beforeAll(async () => { cluster = await startRedisCluster(3); }, 60_000);
  afterAll(() => cluster?.stop());

  async function clusterCache(): Promise<RedisCache> {
    const cache = new RedisCache({ clusterNodes: cluster.nodes, prefix: uniquePrefix('cluster'), operationTimeoutMs: PATIENT_TIMEOUT_MS });
    expect(await cache.ready()).toBe(true);
    return cache;
  }

  describeContract('redis cluster', clusterCache);

  it('answers a PING on every master node for readiness, and not once closed', async () => {
    const cache = await clusterCache();
    expect(await cache.ping()).toBe(true);
    await cache.close();
    expect(await cache.ping()).toBe(false);
  });

  it('spreads entries over every node, and still reads a batch of them in one call', async () => {
    const cache = await clusterCache();
    try {
      const requests = Array.from({ length: 60 }, (_, i) => ({ key: `spread:${i}`, tags: [`article:${i}`, 'articles'] }));
      const misses = await cache.read(requests);
      await cache.write(requests.map((request, i) => ({
        ...request, value: i, stamp: stampOf(misses[i]), ttlSeconds: 60,
      })));
      expect(await values(cache, requests)).toEqual(requests.map((_, i) => i));
      const sizes = await Promise.all(cluster.nodes.map(async (node) => {
        const client = new Redis(`redis://${node}`);
        try { return await client.dbsize(); } finally { client.disconnect(); }
      }));
      expect(sizes.every((size) => size > 0)).toBe(true);
    } finally {
      await cache.close();
    }
  });
});
