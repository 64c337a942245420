import type { Queryable } from './db';
import type { ReadScope, StatsBucket, StatsDimension, StatsFilter, StatsQuery, StatsResult } from './records';
import { Params, toDbId, toDbIds } from './sql-common';

/**
 * Casualty statistics without double counting, in one SQL statement per answer.
 *
 * Every figure that passes the filter lands in a bucket (its region at the requested level, group,
 * outcome, verification, claimant type, time bucket — whichever are grouped by). A figure's
 * *effective parent* is its nearest `partOf` ancestor that also passed the filter. A figure in the
 * same bucket as its effective parent is counted inside it and adds nothing; a figure in another
 * bucket (a *top*) is counted there, and its whole loses what it took along. So each bucket gets
 * what its tops say minus what their parts carried elsewhere, and every grouping of the same
 * figures sums to the same `low` as the ungrouped total: nothing is counted twice.
 *
 * `low` treats a missing lower bound as 0 (a count is never below zero); `best` and `high` are null
 * in a bucket where any figure that makes it up has none.
 */
const KIND_OF_LEVEL = ['COUNTRY', 'ADMIN1', 'ADMIN2', 'LOCALITY'] as const;

const DIMENSION_COLUMNS: Record<Exclude<StatsDimension, 'REGION' | 'TIME'>, string> = {
  GROUP: 'f.population', OUTCOME: 'f.outcome', VERIFICATION: 'f.verification', CLAIMANT_TYPE: 'f.claimant_type',
};

const TIME_UNITS = { DAY: 'day', WEEK: 'week', MONTH: 'month', YEAR: 'year' } as const;

/**
 * Conditions on the article (`a`) that every figure must meet: status and the region's articles are
 * shared by a figure and its wholes (a part is always in its whole's article).
 */
function articleConditions(scope: ReadScope): string[] {
  return scope.unpublished ? [] : [`a.status = 'PUBLISHED'`];
}

/**
 * Conditions a figure (table alias `x`) must meet to be counted, with `pub` the expression for its
 * article's publication date. The same conditions decide whether a figure's whole counts.
 */
function figureConditions(p: Params, filter: StatsFilter, verification: string, x: string, pub: string): string[] {
  const where = [`${x}.retracted_at IS NULL`, verification.replaceAll('f.', `${x}.`)];
  if (filter.locationId != null) {
    where.push(`${x}.location_id IN (SELECT descendant_id FROM location_paths WHERE ancestor_id = ${p.add(toDbId(filter.locationId))})`);
  }
  if (filter.outcome?.length) where.push(`${x}.outcome = ANY(${p.add(filter.outcome)}::text[])`);
  if (filter.group?.length) where.push(`${x}.population = ANY(${p.add(filter.group)}::text[])`);
  if (filter.claimantType?.length) where.push(`${x}.claimant_type = ANY(${p.add(filter.claimantType)}::text[])`);
  if (filter.articleIds?.length) where.push(`${x}.article_id = ANY(${p.add(toDbIds(filter.articleIds))}::int[])`);
  if (filter.periodFrom != null) where.push(`coalesce(${x}.period_start, ${pub}) >= ${p.add(filter.periodFrom)}`);
  if (filter.periodTo != null) where.push(`coalesce(${x}.period_start, ${pub}) < ${p.add(filter.periodTo)}`);
  return where;
}

interface Shape {
  dimensions: StatsDimension[];
  level: StatsQuery['regionLevel'];
  unit: StatsQuery['timeBucket'];
}

/**
 * The bucket key of a figure (table alias `x`, its region row `r`, its article's date `pub`), as
 * one text, plus the columns that name the bucket.
 */
function bucketOf(p: Params, { dimensions, unit }: Shape, x: string, r: string, pub: string, unitParam: string) {
  const keys: string[] = [];
  const columns: string[] = [];
  for (const dimension of dimensions) {
    if (dimension === 'REGION') {
      keys.push(`coalesce(${r}.region_id::text, '-')`, `coalesce(${r}.unallocated, true)::text`);
      columns.push(`${r}.region_id AS region_id`, `coalesce(${r}.unallocated, true)::int AS unallocated`);
    } else if (dimension === 'TIME') {
      const bucket = `date_trunc(${unitParam}, coalesce(${x}.period_start, ${pub}), 'UTC')`;
      keys.push(`coalesce(extract(epoch FROM ${bucket})::text, 'undated')`);
      columns.push(`${bucket} AS period`);
    } else {
      const column = DIMENSION_COLUMNS[dimension].replace('f.', `${x}.`);
      keys.push(column);
      columns.push(`${column} AS d_${dimension.toLowerCase()}`);
    }
  }
  return { key: `concat_ws('|', ${keys.length ? keys.join(', ') : `''`})`, columns };
}

/**
 * The statement that aggregates the counted figures into buckets of `shape`. `verification` is
 * the condition on `f.verification`; `excluded` (optional) a CTE of figure ids not to count, with
 * its definition in `extraCtes` (ending in a comma).
 */
function aggregation(p: Params, filter: StatsFilter, scope: ReadScope, verification: string, shape: Shape,
  extraCtes = '', excluded = ''): string {
  const region = shape.dimensions.includes('REGION');
  const unitParam = shape.dimensions.includes('TIME') ? p.add(TIME_UNITS[shape.unit]) : '';
  const levelParam = region ? p.add(KIND_OF_LEVEL.includes(shape.level) ? shape.level : 'ADMIN1') : '';
  const own = bucketOf(p, shape, 'f', 'r', 'a.published_at', unitParam);
  const counts = (x: string) => figureConditions(p, filter, verification, x, 'a.published_at').join(' AND ');
  const parentBucket = bucketOf(p, shape, 'pf', 'pr', 'a.published_at', unitParam).key;
  const ancestorBucket = bucketOf(p, shape, 'g', 'gr', 'c.pub', unitParam).key;
  const ancestorCounts = figureConditions(p, filter, verification, 'g', 'c.pub').join(' AND ');
  const notExcluded = (x: string) => (excluded ? ` AND ${x}.id NOT IN (SELECT id FROM ${excluded})` : '');
  const regionJoin = (alias: string, x: string) => (region ? `LEFT JOIN rmap ${alias} ON ${alias}.location_id = ${x}.location_id` : '');
  const names = own.columns.map((column) => column.split(' AS ')[1]);
  return `WITH RECURSIVE ${extraCtes}
  ${region ? `rmap AS MATERIALIZED (
    -- Each place's bucket at the requested level: its ancestor (or itself) of that kind; else, when
    -- it is known only more coarsely (or its line has no place of that kind), the nearest coarser
    -- place, flagged unallocated.
    SELECT l.id AS location_id, coalesce(exact.id, coarse.id) AS region_id, exact.id IS NULL AS unallocated
      FROM locations l
      LEFT JOIN LATERAL (SELECT a.id FROM location_paths p JOIN locations a ON a.id = p.ancestor_id
                          WHERE p.descendant_id = l.id AND a.kind = ${levelParam} LIMIT 1) exact ON true
      LEFT JOIN LATERAL (SELECT a.id FROM location_paths p JOIN locations a ON a.id = p.ancestor_id
                          WHERE p.descendant_id = l.id AND location_rank(a.kind) < location_rank(${levelParam})
                          ORDER BY p.distance LIMIT 1) coarse ON true
  ),` : ''}
  -- The counted figures, each with its bucket and, when its whole counts too, the whole's bucket.
  s AS MATERIALIZED (
    SELECT f.id, f.article_id, a.published_at AS pub, coalesce(f.low, 0) AS low, f.best, f.high,
           ${own.columns.length ? `${own.columns.join(', ')},` : ''}
           ${own.key} AS b,
           pf.id AS parent, pf.part_of_id AS grandparent,
           CASE WHEN pf.id IS NOT NULL AND ${counts('pf')}${notExcluded('pf')} THEN ${parentBucket} END AS pb
      FROM casualty_figures f
      JOIN articles a ON a.id = f.article_id
      LEFT JOIN casualty_figures pf ON pf.id = f.part_of_id
      ${regionJoin('r', 'f')}
      ${regionJoin('pr', 'pf')}
     WHERE ${[...articleConditions(scope), counts('f')].join(' AND ')}${notExcluded('f')}
  ),
  -- A figure whose whole does not count climbs to the nearest ancestor that does (rare).
  climb (id, anc, pub, ab, depth) AS (
    SELECT id, grandparent, pub, NULL::text, 1 FROM s WHERE parent IS NOT NULL AND pb IS NULL AND grandparent IS NOT NULL
    UNION ALL
    SELECT c.id, g.part_of_id, c.pub,
           CASE WHEN ${ancestorCounts}${notExcluded('g')} THEN ${ancestorBucket} END, c.depth + 1
      FROM climb c
      JOIN casualty_figures g ON g.id = c.anc
      ${regionJoin('gr', 'g')}
     WHERE c.ab IS NULL AND c.depth < 64
  ),
  e AS MATERIALIZED (
    SELECT s.*, coalesce(s.pb, c.ab) AS eb
      FROM s LEFT JOIN (SELECT id, min(ab) AS ab FROM climb WHERE ab IS NOT NULL GROUP BY id) c ON c.id = s.id
  ),
  -- A figure adds its bounds to its bucket; when its counted whole is in another bucket, the whole's
  -- bucket gives up the same amount. A part in its whole's bucket adds nothing: the whole has it.
  contribution AS (
    SELECT b, low, best, high FROM e WHERE eb IS NULL OR eb <> b
    UNION ALL
    SELECT eb, -low, -best, -high FROM e WHERE eb IS NOT NULL AND eb <> b
  ),
  sums AS (
    SELECT b, sum(low)::int AS low,
           CASE WHEN bool_and(best IS NOT NULL) THEN sum(best)::int END AS best,
           CASE WHEN bool_and(high IS NOT NULL) THEN sum(high)::int END AS high
      FROM contribution GROUP BY b
  ),
  counts AS (
    SELECT b, ${names.map((name) => `min(${name}) AS ${name}, `).join('')}
           count(*)::int AS figures, count(DISTINCT article_id)::int AS articles
      FROM e GROUP BY b
  )
  SELECT counts.*, coalesce(sums.low, 0) AS low, sums.best, sums.high FROM counts LEFT JOIN sums USING (b)`;
}

interface Row {
  region_id?: number | null;
  unallocated?: number;
  d_group?: string;
  d_outcome?: string;
  d_verification?: string;
  d_claimant_type?: string;
  period?: Date | null;
  figures: number;
  articles: number;
  low: number;
  best: number | null;
  high: number | null;
}

function toBucket(row: Row, dimensions: StatsDimension[]): StatsBucket {
  const region = dimensions.includes('REGION');
  const time = dimensions.includes('TIME');
  return {
    regionId: region && row.region_id != null ? String(row.region_id) : null,
    unallocated: region ? row.unallocated === 1 : false,
    group: (row.d_group ?? null) as StatsBucket['group'],
    outcome: (row.d_outcome ?? null) as StatsBucket['outcome'],
    verification: (row.d_verification ?? null) as StatsBucket['verification'],
    claimantType: (row.d_claimant_type ?? null) as StatsBucket['claimantType'],
    period: time ? row.period ?? null : null,
    undated: time ? row.period == null : false,
    low: row.low, best: row.best, high: row.high, figures: row.figures, articles: row.articles,
  };
}

/** Buckets in a stable order: by region id, then the other dimensions, then time (undated last). */
function compareBuckets(a: StatsBucket, b: StatsBucket): number {
  const keys = (x: StatsBucket) => [x.regionId === null ? -1 : Number(x.regionId), x.unallocated ? 1 : 0, x.group ?? '', x.outcome ?? '',
    x.verification ?? '', x.claimantType ?? '', x.period ? x.period.getTime() : Number.MAX_SAFE_INTEGER];
  const [ka, kb] = [keys(a), keys(b)];
  for (let i = 0; i < ka.length; i++) {
    if (ka[i] < kb[i]) return -1;
    if (ka[i] > kb[i]) return 1;
  }
  return 0;
}

export const DEFAULT_VERIFICATIONS = ['CONFIRMED', 'REPORTED'] as const;

/** How many levels of wholes a left-out figure is checked against (the seeds nest three deep). */
const INSIDE_DEPTH = 4;

/**
 * The statistics `query` asks for: the buckets, the ungrouped total, and what the verification
 * filter left out (per left-out verification, the figures and the `low` they would add — figures
 * counted inside an included whole add nothing). Three statements, run side by side.
 */
export async function casualtyStats(db: Queryable, scope: ReadScope, query: StatsQuery): Promise<StatsResult> {
  const included = query.filter.verification?.length ? query.filter.verification : [...DEFAULT_VERIFICATIONS];
  const shape = { dimensions: query.groupBy, level: query.regionLevel, unit: query.timeBucket };
  const run = async (dimensions: StatsDimension[], leftOut: boolean) => {
    const p = new Params();
    const verifications = p.add(included);
    let sql: string;
    if (!leftOut) {
      sql = aggregation(p, query.filter, scope, `f.verification = ANY(${verifications}::text[])`, { ...shape, dimensions });
    } else {
      // A left-out figure inside a whole that counts already adds nothing to the total. Wholes are
      // looked up by primary key, up to INSIDE_DEPTH levels (deeper nesting is not found).
      const notIncluded = `NOT (f.verification = ANY(${verifications}::text[]))`;
      const counted = (x: string) => `(${x}.retracted_at IS NULL AND ${x}.verification = ANY(${verifications}::text[]))`;
      const joins = Array.from({ length: INSIDE_DEPTH }, (_, i) =>
        `LEFT JOIN casualty_figures w${i + 1} ON w${i + 1}.id = ${i === 0 ? 'f' : `w${i}`}.part_of_id`).join('\n      ');
      const extraCtes = `
  inside AS MATERIALIZED (
    SELECT f.id FROM casualty_figures f
      JOIN articles a ON a.id = f.article_id
      ${joins}
     WHERE f.part_of_id IS NOT NULL AND ${[...articleConditions(scope), ...figureConditions(p, query.filter, notIncluded, 'f', 'a.published_at')].join(' AND ')}
       AND (${Array.from({ length: INSIDE_DEPTH }, (_, i) => counted(`w${i + 1}`)).join(' OR ')})
  ),`;
      sql = aggregation(p, query.filter, scope, notIncluded, { ...shape, dimensions }, extraCtes, 'inside');
    }
    const { rows } = await db.query<Row>(sql, p.values);
    return rows.map((row) => toBucket(row, dimensions));
  };
  const [buckets, [total], leftOut] = await Promise.all([
    run(query.groupBy, false), run([], false), run(['VERIFICATION'], true),
  ]);
  return {
    buckets: buckets.sort(compareBuckets),
    total: total ?? { ...EMPTY_BUCKET },
    leftOut: leftOut.map((b) => ({ verification: b.verification!, figures: b.figures, low: b.low }))
      .sort((a, b) => a.verification.localeCompare(b.verification)),
    includedVerifications: [...included],
  };
}

const EMPTY_BUCKET: StatsBucket = {
  regionId: null, unallocated: false, group: null, outcome: null, verification: null, claimantType: null,
  period: null, undated: false, low: 0, best: 0, high: 0, figures: 0, articles: 0,
};
