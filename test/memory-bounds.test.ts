import { parse } from 'graphql';
import { createCache, MemoryCache, TwoLevelCache } from '../src/cache';
import type { Cache, CacheLookup, Stamp } from '../src/cache/cache';
import { decode, encode } from '../src/cache/codec';
import { heapSizeOf, ownedCopy } from '../src/cache/heap-size';
import { invalidatingResponses } from '../src/cache/responses';
import { GatewayMetrics, MAX_OPERATION_NAME_LENGTH, OPERATION_LABEL } from '../src/http/metrics';
import { LocalBudgets } from '../src/http/local-budgets';
import type { ResponseCacheOptions } from '../src/http/response-cache';
import { CachedStore } from '../src/cache/cached-store';
import { type TestGateway, gatewaysOverWorkedExample } from './support/gateway';
import { collector, settledBytes, settledHeap } from './support/heap';
import { SHARED_REDIS_URL, dropPrefix, sharedRedisAvailable, uniquePrefix } from './support/redis';

const MiB = 2 ** 20;
const gc = collector();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A deterministic source of variety (mulberry32). */
function random(seed: number) {
  let state = seed >>> 0;
  return (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = state;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const WORDS = ['militants', 'province', 'attack', 'district', 'officials', 'said', 'at', 'least', 'killed', 'the', 'police', 'border'];
const URDU = ['بلوچستان', 'حملہ', 'ہلاک', 'پولیس', 'ضلع'];

/** `n` words of text, a new string each time (as the store or Redis gives one). */
function text(next: () => number, n: number, words: readonly string[] = WORDS): string {
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(words[Math.floor(next() * words.length)]);
  return parts.join(' ');
}

/** An article as the store gives it, with a body of `bodyWords` words (or `body`). */
function article(next: () => number, id: number, bodyWords = 300, body?: string) {
  return {
    id: String(id), slug: `${text(next, 6).replace(/ /g, '-')}-${id}`, headline: text(next, 10),
    standfirst: next() < 0.5 ? null : text(next, 25), body: body ?? text(next, bodyWords),
    publishedAt: new Date(1_700_000_000_000 + id * 60_000), updatedAt: new Date(1_710_000_000_000 + id),
    sourceUrl: `https://example.org/news/${id}`, language: 'en', tags: ['balochistan', `tag-${id % 40}`], wordCount: bodyWords,
    authorIds: [String(id % 50)], locationIds: [String(id % 30), String(1000 + id)], status: 'PUBLISHED', version: 1 + (id % 3),
  };
}

function figure(next: () => number, id: number) {
  return {
    id: String(id), articleId: String(id >> 3), outcome: 'KILLED', group: 'CIVILIANS', low: id % 90, best: null, high: 120 + id,
    qualifier: 'AT_LEAST', claimedBy: 'the provincial health department', claimantType: 'OFFICIAL', verification: 'REPORTED',
    quote: text(next, 25), locationId: String(id % 300), partOfId: id % 4 ? String(id - 1) : null,
    periodStart: null, periodEnd: null, retractedAt: null, retractionReason: null, version: 1,
  };
}

/** As the two-level cache holds values: decoded from the bytes Redis keeps. */
const viaRedis = <T>(value: T): T => decode(encode(value)) as T;
/**
 * As the store gives values: every string flat, in memory of its own (`'x'.repeat(n)` and template
 * strings are ropes, which can share their pieces).
 */
const flat = <T>(value: T): T => structuredClone(value);

/** Reads `key`, expects a miss, and writes `value` with that miss's stamp. */
async function fill(cache: Cache, key: string, value: unknown, tags: string[] = [], ttlSeconds = 60): Promise<void> {
  const [lookup] = await cache.read([{ key, tags }]);
  await cache.write([{ key, tags, value, stamp: stampOf(lookup), ttlSeconds }]);
}

function stampOf(lookup: CacheLookup): Stamp {
  if (lookup.hit) throw new Error('expected a miss, got a hit');
  return lookup.stamp;
}

async function has(cache: Cache, key: string, tags: string[] = []): Promise<boolean> {
  const [lookup] = await cache.read([{ key, tags }]);
  return lookup.hit;
}

describe('the heap-size estimate every in-process cache counts with', () => {
  /** What `count` values made by `make` add to the heap and array buffers, against their estimate. */
  async function measure(make: (i: number) => unknown, count: number): Promise<{ real: number; estimate: number }> {
    const kept: unknown[] = new Array(count).fill(null);
    const before = await settledBytes(gc);
    for (let i = 0; i < count; i++) kept[i] = make(i);
    const real = await settledBytes(gc) - before;
    return { real, estimate: kept.reduce<number>((sum, value) => sum + heapSizeOf(value), 0) };
  }

  const next = random(7);
  const kinds: [string, (i: number) => unknown, number][] = [
    ['article records, as the store gives them', (i) => flat(article(next, i)), 10_000],
    ['article records read back from Redis', (i) => viaRedis(article(next, i)), 10_000],
    ['pages of 20 articles read back from Redis', (i) => viaRedis({ rows: Array.from({ length: 20 }, (_, k) => article(next, i * 20 + k)), hasNextPage: true }), 500],
    ['articles with a 200,000-character body', (i) => flat(article(next, i, 0, `${i} ${'x'.repeat(200_000)}`)), 100],
    ['articles in Urdu (two bytes a character)', (i) => flat(article(next, i, 0, text(next, 400, URDU))), 2_000],
    ['casualty figures read back from Redis', (i) => viaRedis(figure(next, i)), 50_000],
    ['parsed GraphQL documents', (i) => parse(`query Page${i}($id: ID!) { articles(filter: { locationId: $id }, first: ${i % 90 + 1}) {
      totalCount edges { cursor node { id headline body authors { name } casualtyFigures { low best high location { name } partOf { id } } } }
      pageInfo { hasNextPage endCursor } } }`), 1_000],
    ['answers kept as bytes', (i) => ownedCopy(Buffer.from(text(next, 100 + (i % 400)))), 20_000],
  ];

  /** Whether the estimate is within a fifth below and a half above what the heap grew by. */
  const within = ({ real, estimate }: { real: number; estimate: number }) => estimate > 0.8 * real && estimate < 1.5 * real;

  it.each(kinds)('counts %s within a fifth below and a half above what they hold', async (_name, make, count) => {
    // The heap's growth is read around the values' making, and once in a clean-clone CI run (at
    // 307cc89) it read 10 MB for an estimate of 30 MB of article records, within the bounds in every
    // other run and in the file alone right after: memory freed meanwhile by something else in the
    // worker. A kind outside the bounds is measured once more, with new values; a wrong estimate
    // fails both.
    const first = await measure(make, count);
    const { real, estimate } = within(first) ? first : await measure(make, count);
    expect(real).toBeGreaterThan(5 * MiB);
    // High rather than low: short strings V8 shares between values are counted in each.
    expect(estimate).toBeGreaterThan(0.8 * real);
    expect(estimate).toBeLessThan(1.5 * real);
  });

  it('counts something reachable twice once, and follows a long chain without overflowing the stack', () => {
    const shared = { text: 'y'.repeat(1_000) };
    expect(heapSizeOf([shared, shared, shared])).toBeLessThan(heapSizeOf([shared]) + 3 * 8 + 1);
    let chain: { next: unknown } = { next: null };
    for (let i = 0; i < 200_000; i++) chain = { next: chain };
    expect(heapSizeOf(chain)).toBe(200_001 * (24 + 8));
  });

  it('copies a buffer into memory of its own, so that keeping it keeps nothing else', () => {
    const pooled = Buffer.from('a small answer'); // a slice of Node's 8 KiB pool
    const view = Buffer.from('x'.repeat(10_000)).subarray(100, 200); // a view of a larger buffer
    for (const buffer of [pooled, view]) {
      expect(buffer.buffer.byteLength).toBeGreaterThan(buffer.length);
      const copy = ownedCopy(buffer);
      expect(copy.equals(buffer)).toBe(true);
      expect(copy.buffer.byteLength).toBe(copy.length);
    }
  });
});

describe('the in-process record cache', () => {
  const caches: Cache[] = [];
  afterAll(() => Promise.all(caches.map((cache) => cache.close())));
  const made = <T extends Cache>(cache: T): T => {
    caches.push(cache);
    return cache;
  };

  it('holds at most its byte budget whatever is put in: many keys, lists, and records with 200,000-character bodies', async () => {
    const budget = 2 * MiB;
    const cache = made(new MemoryCache({ maxBytes: budget }));
    const next = random(11);
    const before = settledHeap(gc);
    let written = 0;
    for (let i = 0; i < 3_000; i++) {
      const value = flat(i % 50 === 0 ? article(next, i, 0, `${i} ${'z'.repeat(200_000)}`)
        : i % 5 === 0 ? { rows: Array.from({ length: 20 }, (_, k) => article(next, i * 20 + k, 50)), hasNextPage: true }
          : figure(next, i));
      written += heapSizeOf(value);
      await fill(cache, `key:${i}`, value, [`article:${i}`, 'articles']);
      expect(cache.bytes).toBeLessThanOrEqual(budget);
    }
    const grown = settledHeap(gc) - before;
    expect(written).toBeGreaterThan(10 * budget);
    expect(cache.bytes).toBeGreaterThan(0.9 * budget);
    // What the heap holds for it (with some room for the LRU's arrays, sized for the most entries it ever held).
    expect(grown).toBeLessThan(1.25 * budget);
    expect(cache.metrics().bytes).toBe(cache.bytes);
  });

  it('keeps nothing of a value larger than its whole budget, and evicts nothing for it', async () => {
    const cache = made(new MemoryCache({ maxBytes: 256 * 1024 }));
    await fill(cache, 'small', 'a value');
    await fill(cache, 'huge', { body: 'h'.repeat(300_000) });
    expect(await has(cache, 'huge')).toBe(false);
    expect(await has(cache, 'small')).toBe(true);
    expect(cache.bytes).toBeLessThan(10_000);
  });

  it('evicts the least recently used entries first', async () => {
    const value = (i: number) => flat({ i, body: 'v'.repeat(60_000) });
    const size = heapSizeOf(value(1)) + 2_000;
    const cache = made(new MemoryCache({ maxBytes: Math.ceil((3.5 * size) / (7 / 8)) })); // room for three
    for (const key of ['a', 'b', 'c']) await fill(cache, key, value(key.charCodeAt(0)));
    expect(await has(cache, 'a')).toBe(true); // a is now the most recently used
    await fill(cache, 'd', value(4));
    expect(await Promise.all(['a', 'b', 'c', 'd'].map((key) => has(cache, key)))).toEqual([true, false, true, true]);
  });

  it('drops expired entries without being asked for them', async () => {
    const cache = made(new MemoryCache({ maxTtlSeconds: 0.2 }));
    await has(cache, 'first', ['t']); // the tags' generations are made by this read
    const empty = cache.bytes;
    for (let i = 0; i < 50; i++) await fill(cache, `k${i}`, { body: 'e'.repeat(10_000) }, ['t']);
    expect(cache.bytes).toBeGreaterThan(empty + 50 * 10_000);
    await sleep(1_300); // one sweep (every second for a cache this short-lived)
    expect(cache.bytes).toBe(empty);
  });

  it('still caps the number of entries when CACHE_MAX_ENTRIES_IN_PROCESS asks it to', async () => {
    const cache = made(createCache({ mode: 'memory', maxBytesInProcess: 16 * MiB, maxEntriesInProcess: 2 }).cache!);
    for (const key of ['a', 'b', 'c']) await fill(cache, key, key);
    expect(await Promise.all(['a', 'b', 'c'].map((key) => has(cache, key)))).toEqual([false, true, true]);
  });

  (sharedRedisAvailable() ? it : it.skip)('holds at most its budget as the level in front of Redis, whatever Redis holds', async () => {
    const prefix = uniquePrefix('memory-bounds');
    const budget = MiB;
    const cache = made(createCache({ mode: 'layered', redisUrl: SHARED_REDIS_URL, prefix, maxBytesInProcess: budget }).cache as TwoLevelCache);
    try {
      expect(await cache.l2.ready()).toBe(true);
      const next = random(5);
      for (let i = 0; i < 200; i++) await fill(cache, `page:${i}`, { rows: Array.from({ length: 10 }, (_, k) => article(next, i * 10 + k, 100)) });
      // Read back: each Redis hit is copied into the level in front.
      const lookups = await cache.read(Array.from({ length: 200 }, (_, i) => ({ key: `page:${i}`, tags: [] })));
      expect(lookups.every((lookup) => lookup.hit)).toBe(true);
      expect(cache.l1.bytes).toBeGreaterThan(0.5 * budget);
      expect(cache.l1.bytes).toBeLessThanOrEqual(budget);
      expect(cache.metrics().bytes).toBe(cache.l1.bytes);
    } finally {
      await dropPrefix(prefix);
    }
  });
});

describe('the response cache and Apollo\'s document cache', () => {
  const t = gatewaysOverWorkedExample();

  async function gateway(responseCache: Pick<ResponseCacheOptions, 'ttlMs' | 'maxBytes'>, documentCacheBytes?: number) {
    let api: TestGateway | undefined;
    const store = new CachedStore(t.store, invalidatingResponses(new MemoryCache(), () => api?.gateway.responseCache?.clear()));
    // Production's compiling (from a document's second run): a document sent once is never compiled.
    api = await t.gateway({ http: { responseCache, documentCacheBytes }, compiledQueries: {} }, store);
    return api;
  }

  /** A distinct query each time: the same document, a different page size. */
  const page = (api: TestGateway, first: number) =>
    api.gql('query Page($first: Int) { articles(first: $first) { edges { node { headline body } } } }', { first });

  it('keeps at most its byte budget of answers, however many distinct requests, and says so in /metrics', async () => {
    const budget = 64 * 1024;
    const api = await gateway({ ttlMs: 60_000, maxBytes: budget });
    for (let first = 1; first <= 100; first++) expect((await page(api, first)).errors).toBeUndefined();
    const cache = api.gateway.responseCache!;
    expect(cache.bytes).toBeGreaterThan(budget / 2);
    expect(cache.bytes).toBeLessThanOrEqual(budget);
    const metrics = await (await fetch(new URL('/metrics', api.url))).text();
    expect(metrics).toContain(`newsgate_response_cache_bytes ${cache.bytes}`);
  });

  it('drops expired answers without being asked for them', async () => {
    const api = await gateway({ ttlMs: 300, maxBytes: MiB });
    for (let first = 1; first <= 5; first++) await page(api, first);
    expect(api.gateway.responseCache!.size).toBe(5);
    await sleep(600);
    expect(api.gateway.responseCache!.size).toBe(0);
    expect(api.gateway.responseCache!.bytes).toBe(0);
  });

  it('keeps parsed documents within the document cache\'s byte budget', async () => {
    const api = await gateway({ ttlMs: 0, maxBytes: MiB }, 256 * 1024);
    const ask = (i: number) => api.gql(`{ articles(first: ${1 + (i % 50)}) { edges { node { id headline n${i}: slug } } } }`);
    for (let i = 0; i < 100; i++) await ask(i); // the cache is full
    api.logs.length = 0;
    const before = settledHeap(gc);
    for (let i = 100; i < 1_100; i++) expect((await ask(i)).errors).toBeUndefined();
    api.logs.length = 0;
    // A thousand documents of about 12 KB each would take 12 MB if they were all kept.
    expect(heapSizeOf(parse(`{ articles(first: 7) { edges { node { id headline n1: slug } } } }`))).toBeGreaterThan(5_000);
    expect(settledHeap(gc) - before).toBeLessThan(2 * MiB);
  }, 60_000);
});

describe('the in-process rate-limit budgets', () => {
  it('remember at most their number of clients, forgetting the least recently counted first', async () => {
    const budgets = new LocalBudgets({ points: 1_000, duration: 60, keyPrefix: 'test' }, 100);
    for (let i = 0; i < 1_000; i++) await budgets.consume(`2001:db8:${i.toString(16)}::/64`, 10);
    expect(budgets.size).toBe(100);
    // The most recent client is still counted; the first was forgotten and starts afresh.
    expect((await budgets.consume('2001:db8:3e7::/64', 10)).consumedPoints).toBe(20);
    expect((await budgets.consume('2001:db8:0::/64', 10)).consumedPoints).toBe(10);
  });
});

describe('the metrics\' labels', () => {
  it('count an operation whose name is longer than the limit as (other)', async () => {
    const metrics = new GatewayMetrics({ processMetrics: false });
    const long = `Q${'x'.repeat(MAX_OPERATION_NAME_LENGTH)}`;
    metrics.countCachedResponse(long);
    metrics.countCachedResponse('Short');
    const text = await metrics.registry.metrics();
    expect(text).toContain(`operation="${OPERATION_LABEL.other}"`);
    expect(text).toContain('operation="Short"');
    expect(text).not.toContain(long);
  });
});
