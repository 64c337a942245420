import type { Db, Lane, Queryable } from '../../src/store/db';
import { PostgresDb } from '../../src/store/postgres';
import { SqlStore } from '../../src/store/sql-store';

/**
 * The plan and time of each filter and order of issue 20 on a 100,000-article corpus, as the store
 * writes their SQL: each list's statement is captured, then run under
 * `EXPLAIN (ANALYZE, BUFFERS)` RUNS times (after one warm-up); the report gives the plan's shape
 * (its nodes, outermost first), the median execution time and the range. Reads only: it never
 * migrates (run the migrations on a copy first; docs/store.md says how) and writes nothing.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test DATABASE_SCHEMA=… [PLAN_RUNS=7] npx tsx tools/bench/filter-plans.ts
 */
const RUNS = Number(process.env.PLAN_RUNS ?? 7);

/** A Db whose reads remember the last statement sent, with its parameters. */
class CapturingDb implements Db {
  last: { sql: string; params: unknown[] } | null = null;
  constructor(private readonly inner: Db) {}
  get engine() { return this.inner.engine; }
  query<Row>(sql: string, params?: unknown[]) { return this.inner.query<Row>(sql, params); }
  reads(lane: Lane): Queryable {
    const reads = this.inner.reads(lane);
    return {
      query: <Row>(sql: string, params: unknown[] = []) => {
        this.last = { sql, params };
        return reads.query<Row>(sql, params);
      },
    };
  }
  probe<Row>(sql: string, params?: unknown[]) { return this.inner.probe<Row>(sql, params); }
  exec(sql: string) { return this.inner.exec(sql); }
  transaction<T>(work: (tx: Queryable) => Promise<T>) { return this.inner.transaction(work); }
  close() { return this.inner.close(); }
}

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Relation Name'?: string;
  'Parent Relationship'?: string;
  Plans?: PlanNode[];
}

/** The plan's nodes, outermost first, InitPlans and SubPlans left out unless they scan a table by index. */
function shape(node: PlanNode): string {
  const own = node['Index Name'] ? `${node['Node Type']} (${node['Index Name']})` : node['Relation Name'] ? `${node['Node Type']} (${node['Relation Name']})` : node['Node Type'];
  const children = (node.Plans ?? []).map(shape).filter((child) => child !== '');
  if (children.length === 0) return own;
  return children.length === 1 ? `${own} → ${children[0]}` : `${own} → [${children.join('; ')}]`;
}

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  const schema = process.env.DATABASE_SCHEMA;
  if (!url || !schema) {
    console.error('Set DATABASE_URL and DATABASE_SCHEMA to a 100,000-article corpus.');
    process.exit(2);
  }
  const inner = new PostgresDb({ connectionString: url, schema });
  const db = new CapturingDb(inner);
  const store = new SqlStore(db);
  const editors = store.scoped({ unpublished: true });
  try {
    const ids = (await inner.query<{ id: string }>(`SELECT id::text AS id FROM articles ORDER BY id LIMIT 20 OFFSET 5000`)).rows.map((row) => row.id);
    const authors = (await inner.query<{ id: string }>(
      `SELECT author_id::text AS id FROM article_authors GROUP BY author_id ORDER BY count(*) DESC LIMIT 3`)).rows.map((row) => row.id);
    const countries = (await inner.query<{ id: string }>(
      `SELECT id::text AS id FROM locations WHERE iso_code IN ('YE', 'SY') ORDER BY id`)).rows.map((row) => row.id);
    // The region with the most articles and one with the fewest: one prepared plan must suit both (0016).
    const regions = (await inner.query<{ id: string }>(
      `(SELECT region_id::text AS id FROM article_regions WHERE published GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1)
       UNION ALL (SELECT region_id::text FROM article_regions WHERE published GROUP BY 1 ORDER BY count(*), 1 LIMIT 1)`)).rows.map((row) => row.id);
    const page = { first: 20 };
    const since = new Date('2025-06-01T00:00:00Z');
    const until = new Date('2025-07-01T00:00:00Z');
    const cases: [string, () => Promise<unknown>][] = [
      ['articles: ids (20)', () => store.listArticles({ ids }, 'PUBLISHED_AT_DESC', page)],
      ['articles: authorIds (3 most prolific)', () => store.listArticles({ authorIds: authors }, 'PUBLISHED_AT_DESC', page)],
      ['articles: locationId, the largest region', () => store.listArticles({ locationId: regions[0] }, 'PUBLISHED_AT_DESC', page)],
      ['articles: locationId, the smallest region', () => store.listArticles({ locationId: regions[1] }, 'PUBLISHED_AT_DESC', page)],
      ['articles: locationId, the largest region, one month', () => store.listArticles({ locationId: regions[0], publishedFrom: since, publishedTo: until }, 'PUBLISHED_AT_DESC', page)],
      ['articles: locationIds (Yemen, Syria)', () => store.listArticles({ locationIds: countries }, 'PUBLISHED_AT_DESC', page)],
      ['articles: tags (2)', () => store.listArticles({ tags: ['aid', 'elections'] }, 'PUBLISHED_AT_DESC', page)],
      ['articles: languages [ur] (2 %)', () => store.listArticles({ languages: ['ur'] }, 'PUBLISHED_AT_DESC', page)],
      ['articles: languages [en] (98 %)', () => store.listArticles({ languages: ['en'] }, 'PUBLISHED_AT_DESC', page)],
      ['articles: languages [ur, en]', () => store.listArticles({ languages: ['ur', 'en'] }, 'PUBLISHED_AT_DESC', page)],
      ['editors: status [DRAFT] (1 %)', () => editors.listArticles({ status: ['DRAFT'] }, 'PUBLISHED_AT_DESC', page)],
      ['editors: status [DRAFT], count', () => editors.countArticles({ status: ['DRAFT'] })],
      ['editors: status [PUBLISHED]', () => editors.listArticles({ status: ['PUBLISHED'] }, 'PUBLISHED_AT_DESC', page)],
      ['search "nguru" by RELEVANCE (40 hits)', () => store.listArticles({ search: 'nguru' }, 'RELEVANCE', page)],
      ['search "clashes" by RELEVANCE (9,842 hits)', () => store.listArticles({ search: 'clashes' }, 'RELEVANCE', page)],
      ['search "killed" by RELEVANCE (93,836 hits)', () => store.listArticles({ search: 'killed' }, 'RELEVANCE', page)],
      ['search "clashes", newest first (before)', () => store.listArticles({ search: 'clashes' }, 'PUBLISHED_AT_DESC', page)],
      ['authors: search "thiel"', () => store.listAuthors(page, { search: 'thiel' })],
      ['figures: DATE_DESC', () => store.listFigures({}, page, 'DATE_DESC')],
      ['figures: DATE_ASC', () => store.listFigures({}, page, 'DATE_ASC')],
      ['figures: DATE_DESC, editors', () => editors.listFigures({}, page, 'DATE_DESC')],
      ['figures: DATE_DESC in Yemen', () => store.listFigures({ locationId: countries[0] }, page, 'DATE_DESC')],
      ['figures: one month, CODED', () => store.listFigures({ periodFrom: since, periodTo: until }, page)],
      ['figures: one month, DATE_DESC', () => store.listFigures({ periodFrom: since, periodTo: until }, page, 'DATE_DESC')],
      ['figures: outcomes [INJURED, ABDUCTED]', () => store.listFigures({ outcomes: ['INJURED', 'ABDUCTED'] }, page)],
      ['figures: groups [MILITANTS], outcomes [KILLED]', () => store.listFigures({ groups: ['MILITANTS'], outcomes: ['KILLED'] }, page)],
    ];
    console.log(`schema ${schema}, ${RUNS} runs each after one warm-up; times are EXPLAIN ANALYZE's execution time`);
    for (const [name, run] of cases) {
      await run();
      const { sql, params } = db.last!;
      const times: number[] = [];
      let plan: PlanNode | undefined;
      for (let i = 0; i <= RUNS; i++) {
        const { rows } = await inner.reads('articles').query<{ 'QUERY PLAN': [{ Plan: PlanNode; 'Execution Time': number }] }>(
          `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${sql}`, params);
        const [result] = rows[0]['QUERY PLAN'];
        plan = result.Plan;
        if (i > 0) times.push(result['Execution Time']);
      }
      times.sort((a, b) => a - b);
      const ms = (value: number) => value.toFixed(value < 10 ? 2 : 1);
      console.log(`${name} | ${shape(plan!)} | ${ms(times[Math.floor(times.length / 2)])} ms (${ms(times[0])}-${ms(times.at(-1)!)})`);
    }
  } finally {
    await db.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
