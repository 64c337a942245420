import { performance } from 'node:perf_hooks';
import { largestCountry, openBenchStore } from './bench-store';
import type { StatsQuery } from '../store/records';

/**
 * Cold latency of the dashboards' heaviest question: a country by month and group over five years,
 * straight from the store (no cache). Sequential runs after a warm-up of the database's own
 * buffers; the median is what the README quotes.
 */
const RUNS = 15;

async function main(): Promise<void> {
  const { store } = await openBenchStore();
  try {
    const { country, n } = await largestCountry(store, (c) => store.countFigures({ locationId: c.id }));
    const query: StatsQuery = {
      filter: { locationId: country.id, periodFrom: new Date('2021-11-01T00:00:00Z'), periodTo: new Date('2026-11-01T00:00:00Z') },
      groupBy: ['TIME', 'GROUP'], regionLevel: 'COUNTRY', timeBucket: 'MONTH',
    };
    const times: number[] = [];
    let buckets = 0;
    for (let i = 0; i < RUNS + 2; i++) {
      const start = performance.now();
      const result = await store.casualtyStats(query);
      if (i >= 2) times.push(performance.now() - start);
      buckets = result.buckets.length;
    }
    times.sort((a, b) => a - b);
    console.log(`casualtyStats(${country.name}: ${n} figures, by MONTH x GROUP, 5 years) cold: ` +
      `median ${times[Math.floor(RUNS / 2)].toFixed(0)} ms, min ${times[0].toFixed(0)} ms, max ${times.at(-1)!.toFixed(0)} ms ` +
      `(${RUNS} runs, ${buckets} buckets)`);
  } finally {
    await store.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
