import { randomBytes } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { performance } from 'node:perf_hooks';
import type { Cache } from '../../src/cache/cache';
import { MemoryCache } from '../../src/cache/memory';
import { RedisCache } from '../../src/cache/redis';
import { CachedStore } from '../../src/cache/cached-store';
import type { StatsQuery, StatsResult } from '../../src/store/records';
import type { ContentStore } from '../../src/store/store';
import { largestCountry, openBenchStore } from './bench-store';

/**
 * The dashboards' heaviest question, a country by month and group over five years, asked in
 * sequence: cold, straight from the store (no cache; after a warm-up of the database's own
 * buffers), and warm, answered by the cache in front of the store: in process, and through Redis
 * (`REDIS_URL`, else redis://127.0.0.1:6379; skipped when it does not answer). The medians are what
 * docs/performance.md quotes.
 *
 *   DATABASE_URL=… DATABASE_SCHEMA=… [REDIS_URL=…] npm run bench:stats
 */
const COLD_RUNS = 31;
const WARM_RUNS = 500;

/** Times `runs` sequential calls after `warmup` untimed ones; resolves to the sorted times (ms) and the last answer. */
async function sample(runs: number, warmup: number, ask: () => Promise<StatsResult>) {
  const times: number[] = [];
  let answer!: StatsResult;
  for (let i = 0; i < warmup + runs; i++) {
    const start = performance.now();
    answer = await ask();
    if (i >= warmup) times.push(performance.now() - start);
  }
  return { times: times.sort((a, b) => a - b), answer };
}

function report(name: string, times: number[], digits: number): string {
  const ms = (value: number) => `${value.toFixed(digits)} ms`;
  return `${name.padEnd(22)} median ${ms(times[Math.floor(times.length / 2)])}, min ${ms(times[0])}, ` +
    `max ${ms(times.at(-1)!)} (${times.length} runs)`;
}

async function main(): Promise<void> {
  const { config, store } = await openBenchStore();
  const caches: Cache[] = [];
  const prefix = `ngbench:stats:${randomBytes(4).toString('hex')}`;
  try {
    const { country, n } = await largestCountry(store, (c) => store.countFigures({ locationId: c.id }));
    const query: StatsQuery = {
      filter: { locationId: country.id, periodFrom: new Date('2021-11-01T00:00:00Z'), periodTo: new Date('2026-11-01T00:00:00Z') },
      groupBy: ['TIME', 'GROUP'], regionLevel: 'COUNTRY', timeBucket: 'MONTH',
    };
    const cold = await sample(COLD_RUNS, 2, () => store.casualtyStats(query));
    console.log(`casualtyStats(${country.name}: ${n} figures, by MONTH x GROUP, 5 years; ${cold.answer.buckets.length} buckets)`);
    console.log(report('cold (no cache)', cold.times, 0));

    const redis = new RedisCache({ url: config.cache.redisUrl ?? 'redis://127.0.0.1:6379', prefix, generationTtlSeconds: 600 });
    caches.push(redis);
    const warm: [string, Cache | null][] = [
      ['warm (in process)', new MemoryCache()],
      ['warm (Redis)', await redis.ready() ? redis : null],
    ];
    for (const [name, cache] of warm) {
      if (!cache) {
        console.log(`${name.padEnd(22)} skipped: Redis does not answer`);
        continue;
      }
      caches.push(cache);
      const cached: ContentStore = new CachedStore(store, cache);
      const { times, answer } = await sample(WARM_RUNS, 5, () => cached.casualtyStats(query));
      if (!isDeepStrictEqual(answer, cold.answer)) throw new Error(`${name}: the cached answer differs from the store's`);
      console.log(report(name, times, 3));
    }
  } finally {
    await Promise.all(caches.map((cache) => cache.close()));
    await store.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
