import { loadConfig, type Config } from '../../src/config';
import type { LocationRecord } from '../../src/store/records';
import { openStore } from '../../src/store/open';
import type { SqlStore } from '../../src/store/sql-store';

/**
 * The store a benchmark measures: PostgreSQL as DATABASE_URL (and DATABASE_SCHEMA) name it, seeded
 * with `npm run seed -- --articles 100000`. Exits 2 with that advice when no database is set.
 */
export async function openBenchStore(): Promise<{ config: Config; store: SqlStore }> {
  const config = loadConfig();
  if (!config.store.databaseUrl) {
    console.error('Set DATABASE_URL (and DATABASE_SCHEMA) to a store seeded with `npm run seed -- --articles 100000`.');
    process.exit(2);
  }
  return { config, store: await openStore(config.store) };
}

/**
 * The country with the most of what `size` counts, and that count. One country at a time: counted
 * all at once, on a machine still busy with the last benchmark, the pool's waits ran past the
 * store's bound (`StoreTimeoutError` before the benchmark began).
 */
export async function largestCountry(store: SqlStore, size: (country: LocationRecord) => Promise<number>) {
  const countries = await store.listLocations({ kind: 'COUNTRY' }, { first: 100 });
  const sized: { country: LocationRecord; n: number }[] = [];
  for (const country of countries.rows) sized.push({ country, n: await size(country) });
  return sized.sort((a, b) => b.n - a.n)[0];
}
