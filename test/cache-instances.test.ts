import { Redis } from 'ioredis';
import type { Cache, Stamp } from '../src/cache/cache';
import { ReadThrough } from '../src/cache/read-through';
import { RedisCache, type RedisCacheOptions } from '../src/cache/redis';
import { type Sync, TwoLevelCache } from '../src/cache/two-level';
import { CachedStore } from '../src/cache/cached-store';
import { TAGS } from '../src/cache/store-tags';
import type { SqlStore } from '../src/store/sql-store';
import { buildCorpus } from './support/corpus';
import { until } from './support/processes';
import { PATIENT_TIMEOUT_MS, SHARED_REDIS_URL, dropPrefix, sharedRedisAvailable, uniquePrefix } from './support/redis';
import { type TestDb, openTestStore } from './support/stores';

/**
 * Two gateway instances: each with its own cache client (and in-process level), sharing one Redis
 * prefix and one database.
 */
const run = sharedRedisAvailable() ? describe : describe.skip;

run('two instances sharing one Redis', () => {
  let testDb: TestDb & { store: SqlStore };
  let articleIds: string[];
  const prefixes: string[] = [];
  const caches: Cache[] = [];

  beforeAll(async () => {
    testDb = await openTestStore('pglite');
    articleIds = await buildCorpus(testDb.store, 3);
  }, 60_000);
  afterEach(async () => { await Promise.all(caches.splice(0).map((cache) => cache.close())); });
  afterAll(async () => {
    await testDb?.dispose();
    await Promise.all(prefixes.map((prefix) => dropPrefix(prefix)));
  });

  /** Two instances' stores over caches made by `make` (given the instance's Redis options). */
  async function instances(make: (options: RedisCacheOptions, instance: 'a' | 'b') => Promise<Cache>): Promise<[CachedStore, CachedStore]> {
    const prefix = uniquePrefix('instances');
    prefixes.push(prefix);
    const [a, b] = await Promise.all((['a', 'b'] as const).map((instance) => make({ url: SHARED_REDIS_URL, prefix, operationTimeoutMs: PATIENT_TIMEOUT_MS }, instance)));
    caches.push(a, b);
    return [new CachedStore(testDb.store, a), new CachedStore(testDb.store, b)];
  }

  async function redisOnly(options: RedisCacheOptions): Promise<Cache> {
    const cache = new RedisCache(options);
    await cache.ready();
    return cache;
  }

  /** Changes the headline of `id` through `store`; resolves to the new headline. */
  async function edit(store: CachedStore, id: string, headline: string): Promise<string> {
    const [article] = await testDb.store.articlesByIds([id]);
    await store.write('tester', (writer) => writer.updateArticle(id, article!.version, { headline }));
    return headline;
  }

  const headlineOf = async (store: CachedStore, id: string) => (await store.articlesByIds([id]))[0]!.headline;

  /**
   * Asserts that `store`'s in-process level answers a read of `id`: what a test then sees change
   * had to be dropped from process, not merely read again from Redis.
   */
  async function expectHeldInProcess(store: CachedStore, cache: Cache, id: string) {
    const inProcessHits = () => cache.metrics().levels!.memory.hits;
    const before = inProcessHits();
    await headlineOf(store, id);
    expect(inProcessHits()).toBeGreaterThan(before);
  }

  /** Milliseconds until `store` shows `headline` for `id` (polled every 10 ms, for up to 3 s). */
  async function msUntilSeen(store: CachedStore, id: string, headline: string): Promise<number> {
    const start = Date.now();
    while (await headlineOf(store, id) !== headline) {
      if (Date.now() - start > 3000) return Infinity;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return Date.now() - start;
  }

  /**
   * Two instances with in-process levels; a publishes no messages, so b learns of a's writes only
   * from its checks of the write marker (every 20 ms), each recorded in `syncs`.
   */
  async function deafToA() {
    const syncs: Sync[] = [];
    const [a, b] = await instances((options, instance) => Promise.resolve(new TwoLevelCache(
      new RedisCache({ ...options, publish: instance === 'b' }),
      { syncIntervalMs: instance === 'b' ? 20 : 250 },
    )));
    const [, cacheB] = caches as TwoLevelCache[];
    await Promise.all(caches.map((cache) => (cache as TwoLevelCache).l2.ready()));
    cacheB.onSync((sync) => syncs.push(sync));
    return { a, b, cacheB, syncs };
  }

  it('agree right after a write by either, with no message between them', async () => {
    const [a, b] = await instances((options) => redisOnly({ ...options, publish: false }));
    const id = articleIds[0];
    for (const [writer, reader, headline] of [[a, b, 'Written by A'], [b, a, 'Written by B']] as const) {
      await headlineOf(writer, id);
      await headlineOf(reader, id);
      expect(testDb.db.queries).toBeGreaterThan(0);
      await edit(writer, id, headline);
      expect(await headlineOf(reader, id)).toBe(headline);
      expect(await headlineOf(writer, id)).toBe(headline);
    }
    // And both still read from the cache once fresh entries are in.
    testDb.db.reset();
    await headlineOf(a, id);
    await headlineOf(b, id);
    expect(testDb.db.queries).toBe(0);
  });

  it('agree at once in counts and lists too', async () => {
    const [a, b] = await instances((options) => redisOnly({ ...options, publish: false }));
    const before = await b.countAuthors();
    await a.insertAuthors([{ slug: `agreeing-${Date.now()}`, name: 'Agreeing Writer', bio: null }]);
    expect(await b.countAuthors()).toBe(before + 1);
  });

  it('with in-process levels, drop the other\'s copy within moments through pub/sub', async () => {
    const [a, b] = await instances((options) => Promise.resolve(new TwoLevelCache(new RedisCache(options))));
    await Promise.all(caches.map((cache) => (cache as TwoLevelCache).l2.ready()));
    const id = articleIds[1];
    await headlineOf(a, id);
    await headlineOf(b, id);
    await expectHeldInProcess(b, caches[1], id); // for up to a second
    const headline = await edit(a, id, 'Told by pub/sub');
    expect(await headlineOf(a, id)).toBe(headline);
    expect(await msUntilSeen(b, id, headline)).toBeLessThan(250);
  });

  it('with in-process levels, agree within a second when the pub/sub message is lost', async () => {
    const [a, b] = await instances((options, instance) =>
      Promise.resolve(new TwoLevelCache(new RedisCache({ ...options, publish: instance === 'b' }))));
    await Promise.all(caches.map((cache) => (cache as TwoLevelCache).l2.ready()));
    const id = articleIds[2];
    await headlineOf(a, id);
    await headlineOf(b, id);
    await expectHeldInProcess(b, caches[1], id);
    const headline = await edit(a, id, 'Never announced');
    expect(await headlineOf(a, id)).toBe(headline);
    expect(await msUntilSeen(b, id, headline)).toBeLessThanOrEqual(1100);
  });

  it('with in-process levels, notice a write whose message was lost by the write marker, and tell onSync', async () => {
    const { a, b, cacheB, syncs } = await deafToA();
    await until(() => syncs.length > 0, 'a check of the write marker', 3000);
    expect(syncs.at(-1)!.currentUntil).toBeGreaterThan(Date.now());
    const id = articleIds[0];
    await headlineOf(a, id);
    await headlineOf(b, id);
    await expectHeldInProcess(b, cacheB, id); // for a second
    syncs.length = 0;
    const headline = await edit(a, id, 'Found by the marker');
    const seenAfter = await msUntilSeen(b, id, headline);
    // Well before the in-process entry's second is up: the check every 20 ms emptied the level.
    expect(seenAfter).toBeLessThan(500);
    expect(syncs.some((sync) => sync.changed)).toBe(true);
  });

  it('with an in-process level, empty it at the first check of the write marker, and not at the next when nobody wrote', async () => {
    const prefix = uniquePrefix('instances');
    prefixes.push(prefix);
    const cache = new TwoLevelCache(new RedisCache({ url: SHARED_REDIS_URL, prefix }), { syncIntervalMs: 20 });
    caches.push(cache);
    const syncs: Sync[] = [];
    cache.onSync((sync) => syncs.push(sync));
    await until(() => syncs.length >= 2, 'two checks of the write marker', 3000);
    // What it held before the first check may predate a write it never heard of.
    expect(syncs.slice(0, 2).map((sync) => sync.changed)).toEqual([true, false]);
  });
  it('with in-process levels, drop only what a write changed when its message is lost: the check reads its tags from the log', async () => {
    const { a, b, cacheB, syncs } = await deafToA();
    await until(() => syncs.length > 0, 'a first check of the write marker', 3000);
    const [edited, untouched] = [articleIds[1], articleIds[2]];
    for (const id of [edited, untouched]) {
      await headlineOf(a, id);
      await headlineOf(b, id);
    }
    syncs.length = 0;
    const headline = await edit(a, edited, 'Logged, not announced');
    expect(await msUntilSeen(b, edited, headline)).toBeLessThan(500);
    const found = syncs.find((sync) => sync.changed)!;
    expect(found.tags).toEqual(expect.arrayContaining([`article:${edited}`]));
    expect(found.tags).not.toContain(`article:${untouched}`);
    // The other article's entry is still answered in process (its second is not up): not emptied.
    await expectHeldInProcess(b, cacheB, untouched);
  });

  it('read the invalidation log: the tags others wrote since a marker, or "cannot tell" when the log does not reach back to it', async () => {
    const prefix = uniquePrefix('instances');
    prefixes.push(prefix);
    const [writer, reader] = await Promise.all([0, 1].map(() => redisOnly({ url: SHARED_REDIS_URL, prefix, operationTimeoutMs: PATIENT_TIMEOUT_MS }))) as RedisCache[];
    caches.push(writer, reader);
    expect(await reader.writesSince(undefined)).toEqual({ marker: null, tags: [] });
    await writer.invalidate(['article:1', 'articles']);
    const first = await reader.writesSince(null);
    expect(first).toEqual({ marker: expect.any(String), tags: ['article:1', 'articles'] });
    expect(await reader.writesSince(first!.marker)).toEqual({ marker: first!.marker, tags: [] });
    await writer.invalidate(['article:2']);
    await reader.invalidate(['author:5']); // its own: it dropped them itself
    await writer.invalidate(['figure:9', 'article:2']);
    const since = await reader.writesSince(first!.marker);
    expect(since!.marker).not.toBe(first!.marker);
    expect([...since!.tags!].sort()).toEqual(['article:2', 'figure:9']);
    expect([...(await writer.writesSince(first!.marker))!.tags!]).toEqual(['author:5']);
    // A marker the log no longer holds (trimmed, or the log lost): everything may have changed.
    await writer.invalidate(['article:3']);
    expect(await reader.writesSince('a-marker-never-logged')).toEqual({ marker: expect.any(String), tags: null });
    // With no marker seen, the log holds every write unless it is full (then it may have been trimmed).
    for (let i = 0; i < 256; i += 1) await writer.invalidate([`figure:${i}`]);
    expect(await reader.writesSince(null)).toEqual({ marker: expect.any(String), tags: null });
    const admin = new Redis(SHARED_REDIS_URL);
    try {
      const latest = (await reader.writesSince(undefined))!.marker;
      // A marker moved by a bump that did not log itself (an older version's): the log cannot tell.
      await admin.set(`{${prefix}:g}:#writes`, 'bumped-by-an-older-version');
      expect(await reader.writesSince(latest)).toEqual({ marker: 'bumped-by-an-older-version', tags: null });
    } finally {
      admin.disconnect();
    }
  });

  it('leave out of the log\'s tags the writes whose message they heard, and apply those they did not', async () => {
    const prefix = uniquePrefix('instances');
    prefixes.push(prefix);
    const options = { url: SHARED_REDIS_URL, prefix, operationTimeoutMs: PATIENT_TIMEOUT_MS };
    const [telling, silent, reader] = await Promise.all([redisOnly(options), redisOnly({ ...options, publish: false }), redisOnly(options)]) as RedisCache[];
    caches.push(telling, silent, reader);
    const heard: (readonly string[])[] = [];
    reader.onInvalidate((tags) => heard.push(tags));
    expect(await reader.ready()).toBe(true);
    await telling.invalidate(['article:1']);
    const { marker } = (await reader.writesSince(undefined))!;
    await telling.invalidate(['article:2']);
    await silent.invalidate(['article:3']);
    await until(() => heard.length === 2, 'both messages of the telling instance', 3000);
    expect((await reader.writesSince(marker))!.tags).toEqual(['article:3']);
  });

  /** `store` with its statistics counted in `counts` and answered after `delayMs`; `fail` makes them reject instead. */
  function countingStatistics(store: SqlStore, counts: number[], delayMs: number, fail = false): SqlStore {
    return new Proxy(store, {
      get(target, name, receiver) {
        if (name !== 'casualtyStats') return Reflect.get(target, name, receiver);
        return async (...args: Parameters<SqlStore['casualtyStats']>) => {
          counts.push(Date.now());
          await new Promise((resolve) => setTimeout(resolve, delayMs));
          if (fail) throw new Error('statistics statement cancelled');
          return target.casualtyStats(...args);
        };
      },
    });
  }

  const everywhere = { filter: {}, groupBy: ['OUTCOME' as const], regionLevel: 'COUNTRY' as const, timeBucket: 'MONTH' as const };

  it('count a statistic asked of both at once only once between them, and both answer with it', async () => {
    const prefix = uniquePrefix('instances');
    prefixes.push(prefix);
    const counts: number[] = [];
    const [cacheA, cacheB] = await Promise.all(['a', 'b'].map(async () => new TwoLevelCache(await redisOnly({ url: SHARED_REDIS_URL, prefix, operationTimeoutMs: PATIENT_TIMEOUT_MS }) as RedisCache)));
    caches.push(cacheA, cacheB);
    const inner = countingStatistics(testDb.store, counts, 300);
    const [a, b] = [new CachedStore(inner, cacheA), new CachedStore(inner, cacheB)];
    const answers = await Promise.all([a.casualtyStats(everywhere), b.casualtyStats(everywhere), a.casualtyStats(everywhere), b.casualtyStats(everywhere)]);
    expect(counts).toHaveLength(1);
    const expected = await testDb.store.casualtyStats(everywhere);
    for (const answer of answers) expect(answer).toEqual(expected);
  });

  it('count a statistic themselves when the one that claimed it fails to', async () => {
    const prefix = uniquePrefix('instances');
    prefixes.push(prefix);
    const failed: number[] = [];
    const counted: number[] = [];
    const [cacheA, cacheB] = await Promise.all(['a', 'b'].map(async () => new TwoLevelCache(await redisOnly({ url: SHARED_REDIS_URL, prefix, operationTimeoutMs: PATIENT_TIMEOUT_MS }) as RedisCache)));
    caches.push(cacheA, cacheB);
    const a = new CachedStore(countingStatistics(testDb.store, failed, 300, true), cacheA);
    const b = new CachedStore(countingStatistics(testDb.store, counted, 0), cacheB);
    const fromA = a.casualtyStats(everywhere);
    fromA.catch(() => undefined);
    await until(() => failed.length === 1, 'A counting', 3000);
    const fromB = b.casualtyStats(everywhere);
    await expect(fromA).rejects.toThrow('statistics statement cancelled');
    expect(await fromB).toEqual(await testDb.store.casualtyStats(everywhere));
    // B waited for A's claim to end, then counted once.
    expect(counted).toHaveLength(1);
    expect(counted[0]).toBeGreaterThanOrEqual(failed[0] + 300);
  });

  it('wait for another\'s claim no longer than they are told to, then load it themselves', async () => {
    const prefix = uniquePrefix('instances');
    prefixes.push(prefix);
    const options = { url: SHARED_REDIS_URL, prefix, operationTimeoutMs: PATIENT_TIMEOUT_MS };
    const [holder, waiter] = await Promise.all([redisOnly(options), redisOnly(options)]) as RedisCache[];
    caches.push(holder, waiter);
    const request = { key: 'slow-statistic', tags: ['stats:somewhere'] };
    await holder.invalidate(request.tags); // the tag has a generation, as in a gateway that has served a while
    const [miss] = await holder.read([request]);
    // A claim its instance never ends (its release lost to a Redis timeout): it lasts its whole time.
    expect(await holder.claim(request.key, (miss as { stamp: Stamp }).stamp, 20_000)).not.toBeNull();
    const started = Date.now();
    const value = await new ReadThrough(waiter).oneClaimed(request, 60, 20_000, async () => 'counted by the waiter', 300);
    expect(value).toBe('counted by the waiter');
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('answer a statistic\'s waiters with the count claimed while they waited, though a write came meanwhile, and count again for a later request', async () => {
    const prefix = uniquePrefix('instances');
    prefixes.push(prefix);
    const [countedByA, countedByB] = [[] as number[], [] as number[]];
    const [cacheA, cacheB] = await Promise.all(['a', 'b'].map(async () => new TwoLevelCache(await redisOnly({ url: SHARED_REDIS_URL, prefix, operationTimeoutMs: PATIENT_TIMEOUT_MS }) as RedisCache)));
    caches.push(cacheA, cacheB);
    const a = new CachedStore(countingStatistics(testDb.store, countedByA, 400), cacheA);
    const b = new CachedStore(countingStatistics(testDb.store, countedByB, 0), cacheB);
    // Counted and dropped once before: its tags have generations in Redis, as they do once a gateway has served a while.
    await b.casualtyStats(everywhere);
    await cacheB.invalidate([TAGS.statsIn(null)]);
    countedByB.length = 0;
    const fromA = a.casualtyStats(everywhere);
    await until(() => countedByA.length === 1, 'A counting', 3000);
    const fromB = b.casualtyStats(everywhere);
    await new Promise((resolve) => setTimeout(resolve, 100)); // B has found A's claim and waits
    await cacheB.invalidate([TAGS.statsIn(null)]); // a write, while A counts
    const [answerA, answerB] = await Promise.all([fromA, fromB]);
    expect(answerB).toEqual(answerA);
    expect(countedByB).toHaveLength(0); // B took A's count, begun before the write
    // A request that begins after the write never gets a count begun before it.
    await b.casualtyStats(everywhere);
    expect(countedByB).toHaveLength(1);
  });
});
