import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import type { Cache } from '../../src/cache/cache';
import { MemoryCache } from '../../src/cache/memory';
import { RedisCache } from '../../src/cache/redis';
import { TwoLevelCache } from '../../src/cache/two-level';
import { loadConfig } from '../../src/config';
import { CachedStore } from '../../src/cache/cached-store';
import { openStore } from '../../src/store/open';
import type { ContentStore } from '../../src/store/store';
import { quantile } from './harness';
import { largestCountry } from './bench-store';

/**
 * The cache layer alone, below GraphQL and HTTP: the store reads of one article page, as the
 * loaders make them for `articles(filter: { locationId: <country> }, first: 20)` with authors,
 * places, figures, the figures' places, wholes and parts, against the configured PostgreSQL store:
 * without a cache, and warm through Redis, through the two levels, and in process only.
 * Sequential pages give latency; 50 pages at a time give throughput.
 *
 *   DATABASE_URL=… DATABASE_SCHEMA=… npm run bench:cache [-- --redis redis://127.0.0.1:6379]
 */

const WARMUP = 50;
const SEQUENTIAL = 500;
const CONCURRENCY = 50;
const THROUGHPUT_MS = 3000;

const unique = <T>(values: (T | null)[]) => [...new Set(values.filter((value): value is T => value !== null))];

/** The reads of one page; resolves to the number of figures on it (to check the answer). */
async function page(store: ContentStore, countryId: string): Promise<number> {
  const { rows } = await store.listArticles({ locationId: countryId }, 'PUBLISHED_AT_DESC', { first: 20 });
  const [, , figures] = await Promise.all([
    store.authorsByIds(unique(rows.flatMap((article) => article.authorIds))),
    store.locationsByIds(unique(rows.flatMap((article) => article.locationIds))),
    store.figuresOfArticles(rows.map((article) => article.id)),
  ]);
  const flat = figures.flat();
  await Promise.all([
    store.locationsByIds(unique(flat.map((figure) => figure.locationId))),
    store.figuresByIds(unique(flat.map((figure) => figure.partOfId))),
    store.partsOf(flat.map((figure) => figure.id)),
  ]);
  return flat.length;
}

async function measure(name: string, store: ContentStore, countryId: string, expected: number): Promise<void> {
  for (let i = 0; i < WARMUP; i++) await page(store, countryId);
  const times: number[] = [];
  for (let i = 0; i < SEQUENTIAL; i++) {
    const start = performance.now();
    if (await page(store, countryId) !== expected) throw new Error(`${name}: wrong page`);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  let pages = 0;
  const deadline = performance.now() + THROUGHPUT_MS;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (performance.now() < deadline) {
      await page(store, countryId);
      pages++;
    }
  }));
  const f = (ms: number) => ms.toFixed(2).padStart(7);
  console.log(`${name.padEnd(22)} p50 ${f(quantile(times, 0.5))} ms  p99 ${f(quantile(times, 0.99))} ms  ` +
    `${Math.round(pages / (THROUGHPUT_MS / 1000)).toString().padStart(7)} pages/s at ${CONCURRENCY} concurrent`);
}

async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.store.databaseUrl) {
    console.error('Set DATABASE_URL (and DATABASE_SCHEMA) to a store seeded with `npm run seed -- --articles 100000`.');
    process.exit(2);
  }
  const flag = process.argv.indexOf('--redis');
  const url = flag > 0 ? process.argv[flag + 1] : 'redis://127.0.0.1:6379';
  const prefix = `ngbench:${randomBytes(4).toString('hex')}`;
  const inner = await openStore(config.store);
  const caches: Cache[] = [];
  try {
    const { country, n } = await largestCountry(inner, (c) => inner.countArticles({ locationId: c.id }));
    const expected = await page(inner, country.id);
    console.log(`store: ${inner.engine}; country ${country.name} has ${n} articles; a page reads ${expected} figures`);

    const redis = () => {
      const cache = new RedisCache({ url, prefix: `${prefix}:${caches.length}`, generationTtlSeconds: 600 });
      caches.push(cache);
      return cache;
    };
    const variants: [string, () => Promise<ContentStore>][] = [
      ['no cache', async () => inner],
      ['redis, warm', async () => { const cache = redis(); await cache.ready(); return new CachedStore(inner, cache); }],
      ['two levels, warm', async () => {
        const cache = new TwoLevelCache(redis());
        caches.push(cache);
        await cache.l2.ready();
        return new CachedStore(inner, cache);
      }],
      ['in process only, warm', async () => { const cache = new MemoryCache(); caches.push(cache); return new CachedStore(inner, cache); }],
    ];
    for (const [name, make] of variants) await measure(name, await make(), country.id, expected);
  } finally {
    await Promise.all(caches.map((cache) => cache.close()));
    await inner.close();
  }
  console.log(`(Redis keys under ${prefix}:* expire within ten minutes.)`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
