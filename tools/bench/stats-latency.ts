import { randomBytes } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { performance } from 'node:perf_hooks';
import type { Cache } from '../../src/cache/cache';
import { MemoryCache } from '../../src/cache/memory';
import { RedisCache } from '../../src/cache/redis';
import { CachedStore } from '../../src/cache/cached-store';
import type { StatsQuery, StatsResult } from '../../src/store/records';
import type { ContentStore } from '../../src/store/store';
import type { Config } from '../../src/config';
import type { SqlStore } from '../../src/store/sql-store';
import { largestCountry, openBenchStore } from './bench-store';

/**
 * The dashboards' heaviest questions, asked in sequence: the largest country by month and group
 * over five years, the world (no region filter) by country, month and group over the same five
 * years, and the largest country by province over all time. Each cold, straight from the store (no cache; after a warm-up of the database's own
 * buffers), and warm, answered by the cache in front of the store: in process, and through Redis
 * (`REDIS_URL`, else redis://127.0.0.1:6379; skipped when it does not answer). With
 * `STATS_BENCH_WRITES=1` (it changes the data: never on a shared corpus) each is also asked cold
 * right after a write to one figure of another article, which every cache and every maintained
 * aggregate must see. The medians are what docs/performance.md quotes.
 *
 *   DATABASE_URL=… DATABASE_SCHEMA=… [REDIS_URL=…] [STATS_COLD_RUNS=31] [STATS_BENCH_WRITES=1] npm run bench:stats
 */
const COLD_RUNS = Number(process.env.STATS_COLD_RUNS ?? 31);
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
    const period = { periodFrom: new Date('2021-11-01T00:00:00Z'), periodTo: new Date('2026-11-01T00:00:00Z') };
    const cases: [string, StatsQuery][] = [
      [`${country.name}: ${n} figures, by MONTH x GROUP, 5 years`,
        { filter: { locationId: country.id, ...period }, groupBy: ['TIME', 'GROUP'], regionLevel: 'COUNTRY', timeBucket: 'MONTH' }],
      [`the world: every country by MONTH x GROUP, 5 years`,
        { filter: { ...period }, groupBy: ['REGION', 'TIME', 'GROUP'], regionLevel: 'COUNTRY', timeBucket: 'MONTH' }],
      // The mixed load's "country by province" (tools/bench/mixed-mix.ts): all time, no period.
      [`${country.name} by province, all time`,
        { filter: { locationId: country.id }, groupBy: ['REGION'], regionLevel: 'ADMIN1', timeBucket: 'MONTH' }],
    ];
    const writable = process.env.STATS_BENCH_WRITES === '1' ? await writableFigures(store) : null;
    for (const [name, query] of cases) await measure(config, store, caches, prefix, name, query, writable);
  } finally {
    await Promise.all(caches.map((cache) => cache.close()));
    await store.close();
  }
}

/** Published figures to write to between cold runs: one each time, by another article than the last. */
async function writableFigures(store: SqlStore) {
  const page = await store.listFigures({}, { first: 100 });
  let turn = 0;
  return async () => {
    const figure = page.rows[turn++ % page.rows.length];
    const [current] = await store.figuresByIds([figure.id]);
    await store.write('bench', (writer) => writer.updateFigure(figure.id, current!.version, { who: `bench ${turn}` }));
  };
}

/** Times `runs` calls to `ask`, each right after an untimed `write`; resolves to the sorted times (ms). */
async function afterWrites(runs: number, write: () => Promise<void>, ask: () => Promise<StatsResult>) {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    await write();
    const start = performance.now();
    await ask();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b);
}

async function measure(config: Config, store: ContentStore, caches: Cache[], prefix: string,
  title: string, query: StatsQuery, write: (() => Promise<void>) | null): Promise<void> {
  const cold = await sample(COLD_RUNS, 2, () => store.casualtyStats(query));
  console.log(`casualtyStats(${title}; ${cold.answer.buckets.length} buckets)`);
  console.log(report('cold (no cache)', cold.times, 0));
  if (write) console.log(report('cold after a write', await afterWrites(COLD_RUNS, write, () => store.casualtyStats(query)), 0));

  const redis = new RedisCache({ url: config.cache.redisUrl ?? 'redis://127.0.0.1:6379', prefix: `${prefix}:${caches.length}`, generationTtlSeconds: 600 });
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
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
