import { writeFileSync } from 'node:fs';
import { openDb } from '../../src/store/open';
import { casualtyStats } from '../../src/store/sql-stats';
import type { StatsQuery } from '../../src/store/records';
async function main() {
  const db = await openDb({ databaseUrl: process.env.DATABASE_URL!, databaseSchema: process.env.DATABASE_SCHEMA!, timeouts: { readMs: 60000, writeMs: 60000, statisticsMs: 120000, acquireMs: 2000, probeMs: 2000 } } as any);
  const q: StatsQuery = { filter: { periodFrom: new Date('2021-11-01T00:00:00Z'), periodTo: new Date('2026-11-01T00:00:00Z') }, groupBy: ['REGION', 'TIME', 'GROUP'], regionLevel: 'COUNTRY', timeBucket: 'MONTH' };
  let captured: { sql: string; params: unknown[] } | null = null;
  const spy: any = Object.create(db);
  spy.transaction = (work: any, options: any) => db.transaction((tx) => work({ query: (sql: string, params: unknown[]) => { if (sql.includes('per_article')) captured = { sql, params }; return tx.query(sql, params); } }), options);
  await casualtyStats(spy, { unpublished: false }, q, process.env.FULL ? [] : undefined);
  const c = captured!;
  const plan = await db.transaction(async (tx) => {
    await tx.query(`SELECT set_config('enable_nestloop', 'off', true), set_config('enable_mergejoin', 'off', true), set_config('work_mem', '64MB', true), set_config('jit', 'off', true)`);
    return (await tx.query<any>(`EXPLAIN (ANALYZE, BUFFERS) ${c.sql}`, c.params)).rows.map((r: any) => r['QUERY PLAN']).join('\n');
  }, { timeoutMs: 0 });
  writeFileSync(process.env.OUT ?? '/tmp/statsx/plan.txt', plan);
  await db.close();
}
main();
