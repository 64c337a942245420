import { isDeepStrictEqual } from 'node:util';
import { performance } from 'node:perf_hooks';
import { openDb } from '../../src/store/open';
import { casualtyStats } from '../../src/store/sql-stats';
import type { StatsQuery } from '../../src/store/records';
async function main() {
  const db = await openDb({ databaseUrl: process.env.DATABASE_URL!, databaseSchema: process.env.DATABASE_SCHEMA! , timeouts: { readMs: 60000, writeMs: 60000, statisticsMs: 120000, acquireMs: 2000, probeMs: 2000 } } as any);
  const q: StatsQuery = { filter: { periodFrom: new Date('2021-11-01T00:00:00Z'), periodTo: new Date('2026-11-01T00:00:00Z') }, groupBy: ['REGION', 'TIME', 'GROUP'], regionLevel: 'COUNTRY', timeBucket: 'MONTH' };
  const scope = { unpublished: false };
  const t = async (name: string, f: () => Promise<any>) => { const s = performance.now(); const r = await f(); console.log(name, Math.round(performance.now() - s), 'ms'); return r; };
  const kept1 = await t('kept (build)', () => casualtyStats(db, scope, q));
  const kept2 = await t('kept', () => casualtyStats(db, scope, q));
  const full = process.env.FULL ? await t('full', () => casualtyStats(db, scope, q, [])) : kept2;
  console.log('equal', isDeepStrictEqual(kept2, full), kept2.buckets.length);
  for (let i = 0; i < 3; i++) {
    await db.query(`UPDATE casualty_figures SET who = 'x' WHERE id = (SELECT min(id) + ${i * 1000} FROM casualty_figures)`);
    await t('kept after write', () => casualtyStats(db, scope, q));
  }
  await t('kept', () => casualtyStats(db, scope, q));
  await db.close();
}
main();
