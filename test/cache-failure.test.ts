import { stat } from 'node:fs';
import { connect } from 'node:net';
import { Redis } from 'ioredis';
import { RedisCache, type RedisCacheOptions } from '../src/cache/redis';
import { CachedStore } from '../src/cache/cached-store';
import type { SqlStore } from '../src/store/sql-store';
import { buildCorpus } from './support/corpus';
import { until } from './support/processes';
import { type RedisServer, startRedis, uniquePrefix } from './support/redis';
import { type TestDb, openTestStore } from './support/stores';
import { withTimeout } from '../src/timeout';

/*
 * Redis breaking under a running gateway, on a redis-server of the test's own (the machine's Redis
 * is never touched). Jest fails any test during which a promise rejection goes unhandled, so every
 * test here also shows that breaking Redis leaves none.
 */

const TIMEOUT_MS = 200;
const COOLDOWN_MS = 400;
/** What a read may take beyond the cache's bound: the store's own answer, on a busy machine. */
const SLACK_MS = 150;

let testDb: TestDb & { store: SqlStore };
let articleIds: string[];
let server: RedisServer;
const caches: RedisCache[] = [];

beforeAll(async () => {
  [testDb, server] = await Promise.all([openTestStore('pglite'), startRedis()]);
  articleIds = await buildCorpus(testDb.store, 5);
}, 60_000);
afterEach(async () => {
  server.resume();
  await Promise.all(caches.splice(0).map((cache) => cache.close()));
});
afterAll(async () => {
  await server?.stop();
  await testDb?.dispose();
});

/** A store over a Redis cache of the test's own server, with short bounds for quick tests. */
function gateway(options: Partial<RedisCacheOptions> = {}): { store: CachedStore; cache: RedisCache } {
  const cache = new RedisCache({
    url: server.url, prefix: uniquePrefix('failure'), operationTimeoutMs: TIMEOUT_MS, breakerCooldownMs: COOLDOWN_MS, ...options,
  });
  caches.push(cache);
  return { store: new CachedStore(testDb.store, cache), cache };
}

/** Reads a page of articles and the first article; resolves to the time it took, in ms. */
async function timedRead(store: CachedStore): Promise<number> {
  const start = performance.now();
  const [page, [article]] = await Promise.all([
    store.listArticles({}, 'PUBLISHED_AT_DESC', { first: 5 }),
    store.articlesByIds([articleIds[0]]),
  ]);
  expect(page.rows.map((row) => row.id)).toEqual(articleIds);
  expect(article!.id).toBe(articleIds[0]);
  return performance.now() - start;
}

/** Resolves once a read through `store` is answered without a store query again. */
async function servedFromCacheAgain(store: CachedStore): Promise<void> {
  await until(async () => {
    await timedRead(store);
    testDb.db.reset();
    await timedRead(store);
    return testDb.db.queries === 0;
  }, 'reads to come from Redis again', 10_000);
}

it('answers every read from the store while Redis is down from the start, and uses Redis once it is up', async () => {
  await server.kill();
  const reported: Error[] = [];
  // A cooldown longer than the twenty reads take on a loaded machine, so the breaker opens once.
  const { store, cache } = gateway({ onError: (error) => reported.push(error), breakerCooldownMs: 3_000 });
  const times: number[] = [];
  for (let i = 0; i < 20; i += 1) times.push(await timedRead(store));
  expect(Math.max(...times)).toBeLessThan(TIMEOUT_MS + SLACK_MS);
  expect(cache.metrics()).toMatchObject({ hits: 0, breaker: 'open', breakerOpens: 1 });
  // The log hears of the failures that opened the breaker, not of every read it then turned away.
  expect(reported.length).toBeGreaterThanOrEqual(5);
  expect(reported.length).toBeLessThan(cache.metrics().errors / 2);
  await server.restart();
  await servedFromCacheAgain(store);
  expect(cache.metrics().breaker).toBe('closed');
});

it('answers every read from the store when Redis is killed under load, and recovers when it restarts', async () => {
  const { store, cache } = gateway();
  await cache.ready();
  await timedRead(store);
  const load = Array.from({ length: 50 }, async () => {
    const times: number[] = [];
    for (let i = 0; i < 10; i += 1) {
      times.push(await timedRead(store));
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return times;
  });
  await new Promise((resolve) => setTimeout(resolve, 30));
  await server.kill();
  const times = (await Promise.all(load)).flat();
  expect(times).toHaveLength(500);
  expect(Math.max(...times)).toBeLessThan(TIMEOUT_MS + SLACK_MS);
  expect(cache.metrics().errors).toBeGreaterThan(0);
  await server.restart();
  await servedFromCacheAgain(store);
});

it('gives up on a hung Redis within the operation timeout, stops trying, and recovers when it wakes', async () => {
  // A cooldown longer than the ten reads take even on a loaded machine, so the breaker opens once;
  // recovery after it is well within servedFromCacheAgain's wait.
  const { store, cache } = gateway({ breakerCooldownMs: 3_000 });
  await cache.ready();
  await timedRead(store);
  server.pause();
  const times: number[] = [];
  for (let i = 0; i < 10; i += 1) times.push(await timedRead(store));
  // Each read waits at most one timeout; once the breaker opens, reads stop waiting at all.
  expect(Math.max(...times)).toBeLessThan(TIMEOUT_MS + SLACK_MS);
  expect(cache.metrics()).toMatchObject({ breaker: 'open', breakerOpens: 1 });
  expect(Math.max(...times.slice(-3))).toBeLessThan(TIMEOUT_MS / 2);
  server.resume();
  await servedFromCacheAgain(store);
  expect(cache.metrics().breaker).toBe('closed');
});

it('never serves what a write replaced when the write could not reach Redis, once Redis is back, and keeps the rest', async () => {
  const prefix = uniquePrefix('failure');
  const a = gateway({ prefix });
  const b = gateway({ prefix });
  await Promise.all([a.cache.ready(), b.cache.ready()]);
  const [id, other] = [articleIds[1], articleIds[2]];
  const headline = async (store: CachedStore, of = id) => (await store.articlesByIds([of]))[0]!.headline;
  await headline(a.store);
  await headline(b.store); // both read it from Redis now
  await headline(a.store, other);
  // Redis hangs; a's breaker opens, so a's invalidation is not even sent.
  server.pause();
  await Promise.all(articleIds.map((other) => a.store.articlesByIds([other])));
  expect(a.cache.metrics().breaker).toBe('open');
  const { version } = (await testDb.store.articlesByIds([id]))[0]!;
  const started = performance.now();
  await a.store.write('tester', (writer) => writer.updateArticle(id, version, { headline: 'Written while Redis hung' }));
  expect(performance.now() - started).toBeLessThan(TIMEOUT_MS + SLACK_MS);
  expect(await headline(a.store)).toBe('Written while Redis hung');
  server.resume();
  expect(await headline(a.store)).toBe('Written while Redis hung');
  // b can only learn of the lost invalidation through Redis: within about a cooldown, a drops
  // everything stored there before, with no read of its own needed.
  await until(async () => await headline(b.store) === 'Written while Redis hung', 'b to see the write', 2 * COOLDOWN_MS + 2 * TIMEOUT_MS);
  await until(async () => a.cache.metrics().breaker === 'closed', 'a to use Redis again', 2 * COOLDOWN_MS);
  await headline(a.store);
  testDb.db.reset();
  expect(await headline(b.store)).toBe('Written while Redis hung');
  expect(await headline(a.store)).toBe('Written while Redis hung');
  // a bumped again the tags of the write it could not deliver, not every tag: the other article's entry, stored before, is still read.
  expect(await headline(b.store, other)).toBe('Story 2');
  expect(testDb.db.queries).toBe(0);
});

it('PINGs a hung Redis one at a time, no caller waiting longer than the operation timeout, and sees it wake', async () => {
  const { cache } = gateway();
  await cache.ready();
  expect(await cache.ping()).toBe(true);
  const admin = new Redis(server.url);
  await admin.config('RESETSTAT');
  server.pause();
  const ask = async () => {
    const started = performance.now();
    const up = await cache.ping();
    return { up, ms: performance.now() - started };
  };
  // Twenty callers at once, and twenty more while that PING is still out: one PING for all of them.
  const first = Array.from({ length: 20 }, ask);
  await new Promise((resolve) => setTimeout(resolve, TIMEOUT_MS / 2));
  const answers = await Promise.all([...first, ...Array.from({ length: 20 }, ask)]);
  expect(answers.every((answer) => !answer.up && answer.ms < TIMEOUT_MS + SLACK_MS)).toBe(true);
  expect(await cache.ping()).toBe(false); // the next caller sends the next one
  server.resume();
  await new Promise((resolve) => setTimeout(resolve, TIMEOUT_MS));
  expect(await cache.ping()).toBe(true);
  const stats = await admin.info('commandstats');
  admin.disconnect();
  // The two sent while it hung (Redis answers them once it wakes), and the one after.
  expect(/cmdstat_ping:calls=(\d+)/.exec(stats)?.[1]).toBe('3');
});

it('takes a reply that came in time as an answer though the process was too busy to read it before its timer ran out', async () => {
  const socket = connect(server.port, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  try {
    const reply = new Promise<string>((resolve) => socket.once('data', (data) => resolve(data.toString())));
    socket.write('PING\r\n');
    const answered = withTimeout(reply, 20);
    // Busy past the timeout: Redis answers meanwhile, and its reply waits in the socket, unread.
    const busyUntil = performance.now() + 150;
    while (performance.now() < busyUntil) { /* the event loop is blocked */ }
    await expect(answered).resolves.toBe('+PONG\r\n');
    // Nothing answers: the timeout still comes.
    await expect(withTimeout(new Promise(() => undefined), 20)).rejects.toThrow('no answer within 20 ms');
  } finally {
    socket.destroy();
  }
});

it('counts a Redis reply that came in time as a hit, not a failure, though the gateway was busy past the timeout', async () => {
  const { cache } = gateway({ operationTimeoutMs: 100, breakerThreshold: 1 });
  await cache.ready();
  const request = { key: 'busy', tags: ['busy-tag'] };
  const [miss] = await cache.read([request]);
  if (miss.hit) throw new Error('a fresh key was found in the cache');
  await cache.write([{ ...request, value: 'kept', stamp: miss.stamp, ttlSeconds: 60 }]);
  server.pause();
  const read = cache.read([request]);
  await new Promise((resolve) => setTimeout(resolve, 20)); // the command is on its way; Redis sleeps
  // Busy past the timeout in an I/O callback, as a gateway is when it serves, while Redis answers:
  // its reply waits in the socket, unread, and the next turn of the loop starts with expired timers.
  await new Promise<void>((resolve) => stat(__filename, () => {
    server.resume();
    const busyUntil = performance.now() + 150;
    while (performance.now() < busyUntil) { /* the event loop is blocked */ }
    resolve();
  }));
  expect(await read).toEqual([{ hit: true, value: 'kept' }]);
  expect(cache.metrics()).toMatchObject({ errors: 0, breakerOpens: 0, breaker: 'closed' });
});
