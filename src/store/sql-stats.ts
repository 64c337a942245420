/**
 * The SQL of statistics (`StatisticsReader`): casualty statistics without double counting, in one
 * statement per answer.
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
 *
 * The second edition's rules (docs/statistics.md): a figure a live figure supersedes, and a
 * background figure, never count and are reported as left out for that reason; the figures that
 * restate one toll (a *restated set*) count once, as one figure in their representative's bucket,
 * with the set's bounds; a part of any member is a part of the set.
 *
 * The statement reads a region's figures once, from the covering index of 0006 (which carries each
 * figure's copy of its article's status and date, so no article is joined), and answers the
 * buckets, the ungrouped total and what was left out together.
 *
 * Every link between figures stays within one article, so an answer is the sum of its articles'
 * contributions (the statement's `per_article` rows). For the shapes the dashboards ask most
 * (`MATERIALIZED_SHAPES`: the world, every country by month and group) those contributions are
 * kept (migration 0012) with their sums per bucket, and an answer of that shape with at most a
 * period in its filter adds up the kept sums of the articles the period holds whole and counts the
 * rest afresh with the same statement: articles changed since their last count (marked by
 * triggers in the writer's transaction) and those whose dates the period cuts. So the world answers
 * in a few hundred milliseconds from a million figures, and equals the full count
 * (test/stats-contributions.test.ts proves it on random articles and writes).
 *
 * A country's answer of a kept shape (the country in the filter) rests on one rule: an article
 * every figure of which lies in the country (its span's *sole region*, `sole_region_id`, migration
 * 0015: always a country, whatever the shape's region level) has every figure read by the filter,
 * so it adds exactly its kept contribution, whatever the shape's region level (a figure known
 * only to the country lands in the country's unallocated bucket with or without the filter).
 * Those articles' kept sums are added; every other article with figures there is counted afresh (see `maintainedStatement`). A shape by COUNTRY also answers its grouping
 * without REGION: such an article has every figure in the one country bucket, so dropping REGION
 * merges none of its buckets.
 *
 * The file is long because it is that one statement: its fragments (filters, bucket keys, the
 * climb to wholes) are parts of one query and read only together.
 */
import type { Db, Queryable } from './db';
import { DEFAULT_VERIFICATIONS, type Verification } from '../domain/casualty';
import type { LeftOutReason, ReadScope, StatsBucket, StatsDimension, StatsFilter, StatsQuery, StatsResult } from './records';
import { RuleViolationError } from './errors';
import { Params, toDbId, toDbIds } from './sql-common';

const KIND_OF_LEVEL = ['COUNTRY', 'ADMIN1', 'ADMIN2', 'LOCALITY'] as const;

/** The kind of place a region level's buckets are (a level no place has: ADMIN1). */
function kindOfLevel(level: StatsQuery['regionLevel']): string {
  return KIND_OF_LEVEL.includes(level) ? level : 'ADMIN1';
}

const DIMENSION_COLUMNS: Record<Exclude<StatsDimension, 'REGION' | 'TIME'>, string> = {
  GROUP: 'f.population', OUTCOME: 'f.outcome', VERIFICATION: 'f.verification', CLAIMANT_TYPE: 'f.claimant_type',
};

const TIME_UNITS = { DAY: 'day', WEEK: 'week', MONTH: 'month', YEAR: 'year' } as const;

/** A figure's date: its period's start, else its article's publication (the figure's copy of it). */
const FIGURE_DATE = 'coalesce(f.period_start, f.article_published_at)';

/**
 * Conditions every figure (alias `f`) must meet to be read at all, whatever its verification. A
 * part and its whole share their article, so they share its status and date. Only accepted figures
 * are read, in every scope: one awaiting review or rejected is not part of its article's coding yet,
 * so it is neither counted nor reported left out (and an accepted figure links only to accepted
 * ones, see `reviewFigure` in src/editorial/editorial.ts).
 */
function figureConditions(p: Params, filter: StatsFilter, scope: ReadScope): string[] {
  const where = ['f.retracted_at IS NULL', `f.review_status = 'ACCEPTED'`];
  if (!scope.unpublished) where.push(`f.article_status = 'PUBLISHED'`);
  if (filter.locationId != null) {
    where.push(`f.location_id = ANY(ARRAY(SELECT descendant_id FROM location_paths WHERE ancestor_id = ${p.add(toDbId(filter.locationId))}))`);
  }
  if (filter.outcome?.length) where.push(`f.outcome = ANY(${p.add(filter.outcome)}::text[])`);
  if (filter.group?.length) where.push(`f.population = ANY(${p.add(filter.group)}::text[])`);
  if (filter.claimantType?.length) where.push(`f.claimant_type = ANY(${p.add(filter.claimantType)}::text[])`);
  if (filter.articleIds?.length) where.push(`f.article_id = ANY(${p.add(toDbIds(filter.articleIds))}::int[])`);
  if (filter.periodFrom != null) where.push(`${FIGURE_DATE} >= ${p.add(filter.periodFrom)}`);
  if (filter.periodTo != null) where.push(`${FIGURE_DATE} < ${p.add(filter.periodTo)}`);
  return where;
}

interface Shape {
  dimensions: StatsDimension[];
  level: StatsQuery['regionLevel'];
  unit: StatsQuery['timeBucket'];
}

/** A column that names a bucket: how it is read from a figure (`f`, its region row `r`) and answered. */
interface KeyColumn {
  name: string;
  value: string;
  answer: string;
}

/**
 * The columns that name a figure's bucket in `shape`. Days, weeks, months and years are cut in UTC
 * on a timestamp without time zone (cheaper than `date_trunc(.., 'UTC')`, the same instant).
 */
function keyColumnsOf({ dimensions }: Shape, unitParam: string): KeyColumn[] {
  return dimensions.flatMap((dimension): KeyColumn[] => {
    if (dimension === 'REGION') {
      return [
        { name: 'region_id', value: 'r.region_id', answer: 'region_id' },
        { name: 'unallocated', value: 'coalesce(r.unallocated, true)', answer: 'unallocated::int' },
      ];
    }
    if (dimension === 'TIME') {
      return [{ name: 'period', value: `date_trunc(${unitParam}, ${FIGURE_DATE} AT TIME ZONE 'UTC')`, answer: `period AT TIME ZONE 'UTC'` }];
    }
    const name = `d_${dimension.toLowerCase()}`;
    return [{ name, value: DIMENSION_COLUMNS[dimension], answer: name }];
  });
}

/** How many levels of wholes a left-out figure is checked against (the seeds nest three deep). */
const INSIDE_DEPTH = 4;

/** The sets a figure that passed the filter falls in, and the reason each left-out one is reported under. */
const SET_REASONS = { 2: 'VERIFICATION', 3: 'SUPERSEDED', 4: 'BACKGROUND' } as const;

/**
 * The statement answering `query`. It sorts the figures that passed the filter into four sets:
 * set 1, those that count (their verification is `included`, no live figure supersedes them, they
 * are not background), in the buckets of the query; set 2, the other figures of a verification not
 * included, except those inside a whole of set 1 or in a restated set that counts; set 3, the
 * superseded; set 4, the background (in that order of precedence). Sets 1 and 2 are each counted
 * without double counting within themselves; sets 3 and 4 add each figure's own low. Its rows are
 * the buckets of set 1 (`part` 'bucket'), the ungrouped total of set 1 ('total', absent over no
 * figures) and the buckets of sets 2–4 ('left', with `left_set` and `left_verification`).
 *
 * A restated set (a figure with every figure that restates it, transitively) is one figure of its
 * set: its *representative* (the root if it is a member, else the member first in the article)
 * carries the set's bounds, and is the whole of every part of any member; the other members add a
 * figure to their own buckets and no bounds.
 *
 * Every figure is read once, from the covering index; wholes are found among the figures read (a
 * hash join), and only a figure whose whole (or whose restated figure) is not among them climbs
 * through the table.
 */
function statement(p: Params, query: StatsQuery, scope: ReadScope, included: readonly string[]): string {
  const { ctes, keys, columns } = countingCtes(p, query, scope, included);
  const list = (names: string[]) => names.join(', ');
  return `${ctes}
  SELECT CASE set WHEN 0 THEN 'total' WHEN 1 THEN 'bucket' ELSE 'left' END AS part, set AS left_set, lv AS left_verification,
         ${columns.map((c) => `${c.answer} AS ${c.name}, `).join('')}sum(figures)::int AS figures,
         count(*) FILTER (WHERE figures > 0)::int AS articles, coalesce(sum(low), 0)::int AS low,
         CASE WHEN bool_and(best_known) THEN coalesce(sum(best), 0)::int END AS best,
         CASE WHEN bool_and(high_known) THEN coalesce(sum(high), 0)::int END AS high,
         sum(disputed)::int AS disputed_sets
    FROM per_article GROUP BY set, ${list(keys)}`;
}

/** What `countingCtes` adds to the statement: CTEs before its own, and a condition on the figures read (`f`). */
interface Restriction {
  ctes?: string;
  figures?: string;
}

/**
 * The statement's CTEs, up to `per_article` (each article's contribution to each bucket, with its
 * `article_id`), the bucket key's names and its columns. An answer is the sum of its articles'
 * contributions: every link between figures stays within one article.
 */
function countingCtes(p: Params, query: StatsQuery, scope: ReadScope, included: readonly string[], restriction: Restriction = {}) {
  const shape: Shape = { dimensions: query.groupBy, level: query.regionLevel, unit: query.timeBucket };
  const region = shape.dimensions.includes('REGION');
  const unitParam = shape.dimensions.includes('TIME') ? p.add(TIME_UNITS[shape.unit]) : '';
  const levelParam = region ? p.add(kindOfLevel(shape.level)) : '';
  const verifications = p.add(included);
  const columns = keyColumnsOf(shape, unitParam);
  // A bucket's key: the requested columns (set 1) or the left-out verification `lv` (sets 2–4).
  const keys = [...columns.map((column) => column.name), 'lv'];
  const list = (names: string[], prefix = '') => names.map((name) => `${prefix}${name}`).join(', ');
  const counted = (f: string) => `${f}.verification = ANY(${verifications}::text[])`;
  // Revised by a live figure: whatever the filter says of the revision, the revised never counts.
  const liveRevisions = `SELECT r.supersedes_id FROM casualty_figures r
    WHERE r.supersedes_id IS NOT NULL AND r.retracted_at IS NULL AND r.review_status = 'ACCEPTED'`;
  const restatedFigure = (id: string) => `(SELECT g.restates_id FROM casualty_figures g WHERE g.id = ${id})`;
  /**
   * The first mention of the set of people that figure `id` belongs to, climbed by primary key
   * (restatements name the first mention; up to three levels are followed here). Each step is a
   * lookup of its own: a join here would be a hash join under `STATEMENT_SETTINGS`, reading the
   * whole table for every figure whose whole restates another.
   */
  const rootOf = (id: string) => `(SELECT CASE WHEN r0.restates_id IS NULL THEN r0.id ELSE coalesce(
      (SELECT coalesce(${restatedFigure('r1.restates_id')}, r1.restates_id) FROM casualty_figures r1
        WHERE r1.id = r0.restates_id AND r1.restates_id IS NOT NULL), r0.restates_id) END
    FROM casualty_figures r0 WHERE r0.id = ${id})`;
  /**
   * Whether figure `w`, read (in base), belongs to a set of people that counts: a figure read with
   * another member of its set read is in linked0; one read alone counts only if it does itself.
   */
  const inCountedSet = (w: string) => `${w}.id IN (SELECT id FROM linked0 WHERE set_counts)`;
  /**
   * The key a part of member `m` finds: the representative's. A member other than its restated set's
   * representative carries that key (pk_*); every other member is its own representative.
   */
  const partKey = (m: string, k: string) => `CASE WHEN ${m}.rep THEN ${m}.${k} ELSE ${m}.pk_${k} END`;
  const ctes = `WITH RECURSIVE
  ${restriction.ctes ?? ''}${region ? `rmap AS MATERIALIZED (
    -- Each place's bucket at the requested level: its ancestor (or itself) of that kind; else, when
    -- it is known only more coarsely (or its line has no place of that kind), the nearest coarser
    -- place, flagged unallocated.
    SELECT location_id, coalesce(exact, coarse) AS region_id, exact IS NULL AS unallocated
      FROM (SELECT p.descendant_id AS location_id, min(a.id) FILTER (WHERE a.kind = ${levelParam}) AS exact,
                   (array_agg(a.id ORDER BY p.distance) FILTER (WHERE location_rank(a.kind) < location_rank(${levelParam})))[1] AS coarse
              FROM location_paths p JOIN locations a ON a.id = p.ancestor_id
             GROUP BY p.descendant_id) places
  ),` : ''}
  -- Every figure the filter lets through in its set (1: counts; 2: left out by verification; 3:
  -- superseded; 4: background), keyed by its bucket in that set: the requested columns in set 1,
  -- the verification (lv) in the others.
  base AS MATERIALIZED (
    SELECT id, article_id, part_of_id, restates_id, position, low, best, high, set, set = 1 AS counted,
           ${columns.map((c) => `CASE WHEN set = 1 THEN ${c.name} END AS ${c.name}, `).join('')}CASE WHEN set <> 1 THEN verification END AS lv
      FROM (SELECT f.id, f.article_id, f.part_of_id, f.restates_id, f.position, coalesce(f.low, 0) AS low, f.best, f.high, f.verification,
                   CASE WHEN f.id IN (${liveRevisions}) THEN 3 WHEN f.background THEN 4 WHEN ${counted('f')} THEN 1 ELSE 2 END AS set
                   ${columns.map((c) => `, ${c.value} AS ${c.name}`).join('')}
              FROM casualty_figures f
              ${region ? 'LEFT JOIN rmap r ON r.location_id = f.location_id' : ''}
             WHERE ${[...figureConditions(p, query.filter, scope), ...restriction.figures ? [restriction.figures] : []].join(' AND ')}
            OFFSET 0) f
  ),
  -- Each restating figure of sets 1 and 2 with the figure its set starts from (the root), climbed
  -- to by primary key (restatements name the first mention, so mostly one step).
  rclimb (id, anc, next, depth) AS (
    SELECT x.id, x.restates_id, ${restatedFigure('x.restates_id')}, 1 FROM base x WHERE x.restates_id IS NOT NULL AND x.set <= 2
    UNION ALL
    SELECT c.id, c.next, ${restatedFigure('c.next')}, c.depth + 1 FROM rclimb c WHERE c.next IS NOT NULL AND c.depth < 64
  ),
  rroot AS MATERIALIZED (SELECT id, anc AS root FROM rclimb WHERE next IS NULL),
  -- The members of restated sets among sets 1 and 2 (the restating figures and their roots), and
  -- whether their set has a member that counts.
  linked0 AS MATERIALIZED (
    SELECT l.*, bool_or(l.set = 1) OVER (PARTITION BY l.root) AS set_counts
      FROM (SELECT x.*, r.root FROM rroot r JOIN base x ON x.id = r.id
            UNION ALL
            SELECT x.*, x.id FROM base x WHERE x.restates_id IS NULL AND x.set <= 2 AND x.id IN (SELECT root FROM rroot)) l
  ),
  -- Each part left out by verification with what its whole, as read, says: whether it counts (or its
  -- set of people does) and whether it is a first-level whole. A whole the filter did not read says
  -- neither. One hash join of the figures read, shared by the two uses below.
  lparts AS MATERIALIZED (
    SELECT x.id, x.part_of_id, coalesce(w.counted OR ${inCountedSet('w')}, false) AS w_counts, w.id IS NOT NULL AND w.part_of_id IS NULL AS w_root
      FROM base x LEFT JOIN base w ON w.id = x.part_of_id
     WHERE x.set = 2 AND x.part_of_id IS NOT NULL
  ),
  -- A left-out figure whose whole was not read, or was read and neither counts nor is a first
  -- mention, climbs (by primary key, up to ${INSIDE_DEPTH} levels; deeper nesting is not found); each
  -- ancestor comes with its set of people's first mention when that is another figure.
  wclimb (id, anc, depth) AS (
    SELECT id, part_of_id, 1 FROM lparts WHERE NOT (w_counts OR w_root)
    UNION ALL
    SELECT c.id, (SELECT g.part_of_id FROM casualty_figures g WHERE g.id = c.anc), c.depth + 1
      FROM wclimb c WHERE c.anc IS NOT NULL AND c.depth < ${INSIDE_DEPTH}
  ),
  wkeys AS MATERIALIZED (
    SELECT id, anc AS k FROM wclimb WHERE anc IS NOT NULL
    UNION ALL
    SELECT id, root FROM (SELECT id, anc, ${rootOf('anc')} AS root FROM wclimb WHERE anc IS NOT NULL OFFSET 0) r WHERE root <> anc
  ),
  -- Figures left out by verification inside a whole that counts in this answer (it was read and
  -- counts, or its set of people counts), or in a restated set that counts, already add nothing to
  -- the total: they are in no set. (A whole the filter did not read counts nowhere in this answer:
  -- its left-out parts would add to it, so they are reported.)
  inside0 AS MATERIALIZED (
    SELECT id FROM lparts WHERE w_counts
    UNION ALL
    -- An ancestor that counts, or whose set of people does (its first mention counts, or heads a
    -- counted set).
    SELECT DISTINCT c.id
      FROM wkeys c JOIN (SELECT id FROM base WHERE counted UNION ALL SELECT root FROM linked0 WHERE set_counts) k ON k.id = c.k
    UNION ALL
    SELECT id FROM linked0 WHERE set = 2 AND set_counts
  ),
  -- A restated set left out by verification is inside a counted whole when any of its members is:
  -- then all of them are.
  inside AS MATERIALIZED (
    SELECT id FROM inside0
    UNION ALL
    SELECT m.id FROM linked0 m
     WHERE m.set = 2 AND NOT m.set_counts
       AND EXISTS (SELECT 1 FROM linked0 o JOIN inside0 i ON i.id = o.id WHERE o.root = m.root AND o.set = 2)
  ),
  -- Each member of a restated set, within its set (1 or 2), with its representative's key (r_*)
  -- and the set's bounds over its members: when they agree (every low at most every high), the
  -- common ground; when they contradict, the conservative span, disputed.
  linked AS MATERIALIZED (
    SELECT l.id, l.set, l.root, l.id = first_value(l.id) OVER rep AS is_rep${keys.map((k) => `, first_value(l.${k}) OVER rep AS r_${k}`).join('')},
           max(l.low) OVER s AS max_low, min(l.low) OVER s AS min_low, min(l.high) OVER s AS min_high,
           CASE WHEN bool_and(l.high IS NOT NULL) OVER s THEN max(l.high) OVER s END AS max_high,
           CASE WHEN bool_and(l.best IS NOT NULL) OVER s AND min(l.best) OVER s = max(l.best) OVER s THEN min(l.best) OVER s END AS same_best
      FROM linked0 l LEFT JOIN inside i ON i.id = l.id
     WHERE i.id IS NULL
    WINDOW s AS (PARTITION BY l.set, l.root), rep AS (PARTITION BY l.set, l.root ORDER BY l.id = l.root DESC, l.position, l.id)
  ),
  -- The figures of the four sets. A restated set's representative carries its bounds and its
  -- partOf; its other members are nobody's part and add no bounds (rep false); each member's parts
  -- find the representative's key (pk_*). Figures of sets 3 and 4 each add their own low.
  members AS MATERIALIZED (
    SELECT x.id, x.article_id, x.set, ${list(keys, 'x.')}, coalesce(l.is_rep, true) AS rep,
           CASE WHEN x.set <= 2 AND coalesce(l.is_rep, true) THEN x.part_of_id END AS part_of_id,
           coalesce(l.is_rep AND l.max_low > l.min_high, false) AS disputed,
           CASE WHEN l.id IS NULL THEN x.low WHEN l.max_low > l.min_high THEN l.min_low ELSE l.max_low END AS low,
           CASE WHEN l.id IS NULL THEN x.best WHEN l.max_low > l.min_high THEN NULL ELSE l.same_best END AS best,
           CASE WHEN l.id IS NULL THEN x.high WHEN l.max_low > l.min_high THEN l.max_high ELSE l.min_high END AS high
           ${keys.map((k) => `, CASE WHEN NOT l.is_rep THEN l.r_${k} END AS pk_${k}`).join('')}
      FROM base x LEFT JOIN inside i ON i.id = x.id LEFT JOIN linked l ON l.id = x.id
     WHERE i.id IS NULL
  ),
  -- Each part with its whole's representative's key, when the whole is in the same set.
  parts AS MATERIALIZED (
    SELECT x.*, w.id AS w_id${keys.map((k) => `, ${partKey('w', k)} AS w_${k}`).join('')}
      FROM members x LEFT JOIN members w ON w.id = x.part_of_id AND w.set = x.set
     WHERE x.part_of_id IS NOT NULL
  ),
  -- A part whose whole is not in its set climbs, by primary key, to the nearest ancestor that is
  -- (rare).
  climb (id, set, anc, depth) AS (
    SELECT x.id, x.set, (SELECT g.part_of_id FROM casualty_figures g WHERE g.id = x.part_of_id), 1
      FROM parts x WHERE x.w_id IS NULL
    UNION ALL
    SELECT c.id, c.set, (SELECT g.part_of_id FROM casualty_figures g WHERE g.id = c.anc), c.depth + 1
      FROM climb c WHERE c.anc IS NOT NULL AND c.depth < 64
  ),
  -- The ancestors a climbing part meets (its whole at depth 0, then each step), each with its set
  -- of people's first mention when that is another figure.
  steps AS MATERIALIZED (
    SELECT id, set, anc, depth, CASE WHEN root <> anc THEN root END AS root
      FROM (SELECT a.*, ${rootOf('a.anc')} AS root
              FROM (SELECT x.id, x.set, x.part_of_id AS anc, 0 AS depth FROM parts x WHERE x.w_id IS NULL
                    UNION ALL
                    SELECT c.id, c.set, c.anc, c.depth FROM climb c WHERE c.anc IS NOT NULL) a
            OFFSET 0) a
  ),
  -- The nearest such ancestor; an ancestor that is a member of a restated set counted in the part's
  -- set (the member itself left out by verification while the set counts) stands for the set's
  -- representative, at the whole (depth 0) or at any step of the climb.
  nearest AS (
    SELECT DISTINCT ON (a.id) a.id${keys.map((k) => `, a.${k}`).join('')}
      FROM (-- An ancestor above the whole that is in the part's set; or an ancestor whose set's first
            -- mention, another figure, counts alone in it (the filter may have left the ancestor out).
            SELECT s.id, s.depth${keys.map((k) => `, ${partKey('a', k)} AS ${k}`).join('')}
              FROM (SELECT id, set, depth, anc AS figure, false AS first_mention FROM steps WHERE depth > 0
                    UNION ALL
                    SELECT id, set, depth, root, true FROM steps WHERE root IS NOT NULL) s
              JOIN members a ON a.id = s.figure AND a.set = s.set AND (a.rep OR NOT s.first_mention)
            UNION ALL
            SELECT s.id, s.depth${keys.map((k) => `, r.r_${k}`).join('')}
              FROM steps s JOIN linked r ON r.root = coalesce(s.root, s.anc) AND r.set = s.set AND r.is_rep) a
     ORDER BY a.id, a.depth
  ),
  -- Each part with its effective parent's key (p_*), and whether that is its own bucket.
  pe AS MATERIALIZED (
    SELECT x.*, has_parent${keys.map((k) => ` AND ${k} IS NOT DISTINCT FROM p_${k}`).join('')} AS same
      FROM (SELECT x.set, x.article_id, x.low, x.best, x.high, x.disputed, ${list(keys, 'x.')},
                   x.w_id IS NOT NULL OR n.id IS NOT NULL AS has_parent${keys.map((k) => `,
                   CASE WHEN x.w_id IS NOT NULL THEN x.w_${k} ELSE n.${k} END AS p_${k}`).join('')}
              FROM parts x LEFT JOIN nearest n ON n.id = x.id) x
  ),
  -- What each figure adds. To its own bucket: one figure, and its bounds unless its effective
  -- parent is in the same bucket (the parent has them) or it is a restated set's member other than
  -- the representative. To its effective parent's bucket, when that is another: minus its bounds,
  -- which it took along. To the total (set 0, from set 1 only): one figure, and its bounds when it
  -- has no effective parent. Figures that are nobody's part (roots) have no parent. A disputed
  -- set is one in its representative's bucket and the total.
  adds (set, ${list(keys)}, article_id, figures, adding, low, best, high, disputed) AS (
    SELECT set, ${list(keys)}, article_id, 1, rep, low, best, high, disputed::int FROM members WHERE part_of_id IS NULL
    UNION ALL
    SELECT set, ${list(keys)}, article_id, 1, NOT same, low, best, high, disputed::int FROM pe
    UNION ALL
    SELECT set, ${list(keys, 'p_')}, article_id, 0, true, -low, -best, -high, 0 FROM pe WHERE has_parent AND NOT same
    UNION ALL
    SELECT 0, ${keys.map(() => 'NULL').join(', ')}, article_id, 1, rep, low, best, high, disputed::int FROM members WHERE part_of_id IS NULL AND set = 1
    UNION ALL
    SELECT 0, ${keys.map(() => 'NULL').join(', ')}, article_id, 1, NOT has_parent, low, best, high, disputed::int FROM pe WHERE set = 1
  ),
  -- Per bucket and article first, so articles are counted without sorting every figure (int sums:
  -- a bigint sum of sums would be numeric, and slow). A bucket's figures that all add nothing
  -- (members of a set counted elsewhere) add 0 to each bound.
  per_article AS (
    SELECT set, ${list(keys)}, article_id, sum(figures)::int AS figures,
           sum(low) FILTER (WHERE adding)::int AS low,
           sum(best) FILTER (WHERE adding)::int AS best, coalesce(bool_and(best IS NOT NULL) FILTER (WHERE adding), true) AS best_known,
           sum(high) FILTER (WHERE adding)::int AS high, coalesce(bool_and(high IS NOT NULL) FILTER (WHERE adding), true) AS high_known,
           sum(disputed)::int AS disputed
      FROM adds GROUP BY set, ${list(keys)}, article_id
  )`;
  return { ctes, keys, columns };
}

interface Row {
  part: 'bucket' | 'left' | 'total';
  left_set: keyof typeof SET_REASONS | 0 | 1;
  left_verification: Verification | null;
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
  disputed_sets: number;
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
    disputedSets: row.disputed_sets,
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

/** PostgreSQL's code for a number past its type's range (here: a sum past int4). */
const NUMERIC_VALUE_OUT_OF_RANGE = '22003';

/** The largest total statistics can carry: GraphQL's Int, PostgreSQL's int4. */
const MAX_TOTAL = 2 ** 31 - 1;

/**
 * Settings for the statistics statement, for its transaction only. Its joins are equalities on ids
 * between sets it has just read, of which the planner knows no statistics: its guesses can be off
 * by orders of magnitude, and a nested loop chosen on a guess of one row is quadratic in the real
 * size. So nested loops and merge joins are off (hash joins are linear whatever the sizes; the
 * walks up `partOf` chains are scalar lookups by primary key, which this does not touch), hashes
 * and aggregations get room to stay in memory, and no JIT compilation is started on a guess of the
 * cost.
 */
const STATEMENT_SETTINGS = `SELECT set_config('enable_nestloop', 'off', true), set_config('enable_mergejoin', 'off', true),
  set_config('work_mem', '64MB', true), set_config('jit', 'off', true)`;

/**
 * The statistics `query` asks for: the buckets, the ungrouped total, and what was left out (per
 * reason and verification, the figures and the `low` they would add — figures counted inside an
 * included whole or restated set add nothing). One statement, in a transaction of its own for
 * its settings: from the articles' kept contributions when `query` has one of the `maintained`
 * shapes (see `MATERIALIZED_SHAPES`), else counting every figure.
 */
export async function casualtyStats(db: Db, scope: ReadScope, query: StatsQuery,
  maintained: readonly MaintainedShape[] = MATERIALIZED_SHAPES, recount = true): Promise<StatsResult> {
  const included = query.filter.verification?.length ? query.filter.verification : [...DEFAULT_VERIFICATIONS];
  const shape = maintained.find((candidate) => answers(candidate, query, scope, included));
  const p = new Params();
  const sql = shape && await readyToAnswer(db, shape, recount)
    ? maintainedStatement(p, shape, query)
    : statement(p, query, scope, included);
  const rows = await db.transaction(async (tx) => {
    await tx.query(STATEMENT_SETTINGS);
    return (await tx.query<Row>(sql, p.values)).rows;
  }, { readLane: 'statistics' }).catch((error: unknown) => {
    // Sums are int4, as the graph's Int is: a total past it is refused, not wrapped or rounded.
    throw (error as { code?: string }).code === NUMERIC_VALUE_OUT_OF_RANGE
      ? new RuleViolationError('filter', `a total of these figures exceeds ${MAX_TOTAL.toLocaleString('en')}, the largest number ` +
        'the API carries: narrow the filter (a smaller region, a shorter period, fewer verifications)')
      : error;
  });
  const part = (name: Row['part']) => rows.filter((row) => row.part === name);
  const [total = { ...EMPTY_BUCKET }] = part('total').map((row) => toBucket(row, []));
  return {
    buckets: part('bucket').map((row) => toBucket(row, query.groupBy)).sort(compareBuckets),
    total,
    leftOut: part('left')
      .map((row) => ({ reason: SET_REASONS[row.left_set as keyof typeof SET_REASONS], verification: row.left_verification!, figures: row.figures, low: row.low }))
      .sort((a, b) => REASON_ORDER.indexOf(a.reason) - REASON_ORDER.indexOf(b.reason) || a.verification.localeCompare(b.verification)),
    includedVerifications: [...included],
  };
}

const EMPTY_BUCKET: StatsBucket = {
  regionId: null, unallocated: false, group: null, outcome: null, verification: null, claimantType: null,
  period: null, undated: false, low: 0, best: 0, high: 0, figures: 0, articles: 0, disputedSets: 0,
};

/** leftOut's order: the verification filter's first, as before the second edition, then the rules'. */
const REASON_ORDER: readonly LeftOutReason[] = ['VERIFICATION', 'SUPERSEDED', 'BACKGROUND'];

// ---- contributions kept up to date (migration 0012) --------------------------------------------

/**
 * A shape of question whose answers are kept as each article's contribution (`stats_contributions`)
 * and their sums per bucket and span of dates (`stats_rollup`): the grouping, the verifications
 * counted and whether unpublished articles are read. A query of that shape is answered from them
 * when its filter holds at most a period (any other filter is answered by the full statement).
 */
export interface MaintainedShape {
  groupBy: StatsDimension[];
  regionLevel: StatsQuery['regionLevel'];
  timeBucket: StatsQuery['timeBucket'];
  unpublished: boolean;
  verifications: string[];
}

/**
 * The shapes kept: the world dashboard and every country by month and group; every country (and
 * the world) by province. Each costs every write a recount of the article written (in the next
 * answer, see `flushStale`) and its first answer a count of every article.
 */
export const MATERIALIZED_SHAPES: readonly MaintainedShape[] = [
  { groupBy: ['REGION', 'TIME', 'GROUP'], regionLevel: 'COUNTRY', timeBucket: 'MONTH', unpublished: false, verifications: [...DEFAULT_VERIFICATIONS] },
  { groupBy: ['REGION'], regionLevel: 'ADMIN1', timeBucket: 'MONTH', unpublished: false, verifications: [...DEFAULT_VERIFICATIONS] },
];

/** A shape's name in the tables: its dimensions and settings, in a canonical order. */
function shapeKey(shape: MaintainedShape): string {
  const dimensions = [...shape.groupBy].sort();
  return JSON.stringify({
    groupBy: dimensions,
    regionLevel: dimensions.includes('REGION') ? shape.regionLevel : null,
    timeBucket: dimensions.includes('TIME') ? shape.timeBucket : null,
    unpublished: shape.unpublished,
    verifications: [...shape.verifications].sort(),
  });
}

/**
 * Whether `shape`'s contributions answer `query` exactly: the same verifications and scope, no
 * filter but a period and a place, and the same grouping; with a place, also the grouping of a
 * shape by COUNTRY without REGION (an article lying wholly in a country puts every figure in that
 * country's bucket, so its buckets by the other dimensions are the same; at a finer level its
 * figures may lie in several buckets, which dropping REGION would merge, and `articles`, `best`
 * and `high` do not add up over merged buckets). See `maintainedStatement`.
 */
function answers(shape: MaintainedShape, query: StatsQuery, scope: ReadScope, included: readonly string[]): boolean {
  const { periodFrom, periodTo, verification, locationId, ...others } = query.filter;
  void periodFrom; void periodTo; void verification;
  const filtered = Object.values(others).some((value) => value != null && (!Array.isArray(value) || value.length > 0));
  if (filtered || new Set(query.groupBy).size !== query.groupBy.length) return false;
  const asked = (groupBy: StatsDimension[], regionLevel: StatsQuery['regionLevel']) => shapeKey({ groupBy, regionLevel,
    timeBucket: query.timeBucket, unpublished: scope.unpublished, verifications: [...included] });
  if (asked(query.groupBy, query.regionLevel) === shapeKey(shape)) return true;
  return locationId != null && shape.groupBy.includes('REGION') && shape.regionLevel === 'COUNTRY' && !query.groupBy.includes('REGION')
    && asked([...query.groupBy, 'REGION'], 'COUNTRY') === shapeKey(shape);
}

/** The query whose per-article rows are a shape's contributions: its grouping, no filter but its verifications. */
function shapeQuery(shape: MaintainedShape): StatsQuery {
  return { filter: { verification: shape.verifications as Verification[] }, groupBy: shape.groupBy, regionLevel: shape.regionLevel, timeBucket: shape.timeBucket };
}

/**
 * How many changed articles an answer counts afresh before it recounts them first: a few cost an
 * answer less than a recount (a recount costs one statement per shape, whatever the number).
 */
const RECOUNT_AT = 200;

/** Serialises the writers of contributions (builds and recounts) on one database. */
const CONTRIBUTIONS_LOCK = 727_019;

/** The bucket columns of the kept tables, in order. */
const STORED_KEYS = ['set', 'region_id', 'unallocated', 'd_group', 'd_outcome', 'd_verification', 'd_claimant_type', 'period', 'lv'];

/** A build counts every article (a million figures: tens of seconds): its own bound, not a write's. */
const BUILD_TIMEOUT_MS = 600_000;

/**
 * Whether `shape`'s contributions are there to answer from: built now when they are not (the first
 * question of the shape, on this database), and every article changed since its last count
 * recounted once they are `RECOUNT_AT` or more (`recountInBackground`), never waited for: until it
 * commits, and below that mark, and with `recount` false, they are counted afresh by the answer.
 * A failed build leaves the answer to the full statement; a failed recount, to the answers.
 */
async function readyToAnswer(db: Db, shape: MaintainedShape, recount: boolean): Promise<boolean> {
  const key = shapeKey(shape);
  const [state] = (await db.reads('statistics').query<{ built: boolean; stale: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM stats_shapes WHERE shape = $1) AS built,
            (SELECT count(*) FROM (SELECT 1 FROM stats_stale_articles LIMIT $2) marked) >= $2 AS stale`, [key, RECOUNT_AT])).rows;
  try {
    if (!state.built) await build(db, shape);
    else if (state.stale && recount) recountInBackground(db);
    return true;
  } catch {
    return state.built;
  }
}

/** The databases this process is recounting marked articles of. */
const recounting = new WeakSet<Db>();

/**
 * Starts a recount of the marked articles (`flushStale`) unless this process has one under way on
 * `db`. An answer that waited for it (seconds for 200 articles and both kept shapes, 2.7 s on an idle
 * `mixed100k` against 0.14 s for the answer alone) made every request waiting for its claim wait too.
 * A failed recount leaves the marks, for the answers to count afresh and the next answer to recount.
 */
function recountInBackground(db: Db): void {
  if (recounting.has(db)) return;
  recounting.add(db);
  flushStale(db).catch(() => undefined).finally(() => recounting.delete(db));
}

/**
 * Builds the kept contributions of every shape in `shapes` not built yet, so that no dashboard waits
 * for it (`npm run migrate` does this after migrating).
 */
export async function buildKeptStatistics(db: Db, shapes: readonly MaintainedShape[] = MATERIALIZED_SHAPES): Promise<void> {
  for (const shape of shapes) await build(db, shape);
}

/** Builds `shape`'s contributions from every article (once; a concurrent builder waits, then finds them built). */
async function build(db: Db, shape: MaintainedShape): Promise<void> {
  const key = shapeKey(shape);
  await db.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(${CONTRIBUTIONS_LOCK})`);
    if ((await tx.query(`SELECT 1 FROM stats_shapes WHERE shape = $1`, [key])).rows.length) return;
    // The shapes built are brought up to date first, so the marks can go: the new shape counts
    // every article as it is now.
    await recountStale(tx);
    await tx.query(STATEMENT_SETTINGS);
    for (const table of ['stats_contributions', 'stats_article_spans', 'stats_rollup']) await tx.query(`DELETE FROM ${table} WHERE shape = $1`, [key]);
    // In batches of articles: the statement's hash joins stay small, whatever the corpus.
    const [{ first, last }] = (await tx.query<{ first: number | null; last: number | null }>(
      `SELECT min(id) AS first, max(id) AS last FROM articles`)).rows;
    for (let from = first ?? 0; last != null && from <= last; from += BUILD_BATCH) {
      await count(tx, shape, { from, to: from + BUILD_BATCH }, false);
    }
    await addToRollup(tx, key, null, 1);
    await tx.query(`INSERT INTO stats_shapes (shape, definition) VALUES ($1, $2)`, [key, JSON.stringify(shape)]);
  }, { timeoutMs: BUILD_TIMEOUT_MS });
}

/**
 * Recounts every article marked changed, for every shape built: its old contribution taken out of
 * the sums, its new one counted by the statement and added. Skipped while another transaction
 * recounts (the answer counts the articles still marked afresh meanwhile).
 */
export async function flushStale(db: Db): Promise<void> {
  await db.transaction(async (tx) => {
    const [{ locked }] = (await tx.query<{ locked: boolean }>(`SELECT pg_try_advisory_xact_lock(${CONTRIBUTIONS_LOCK}) AS locked`)).rows;
    if (locked) await recountStale(tx);
  }, { timeoutMs: BUILD_TIMEOUT_MS });
}

/** Recounts the articles marked changed for every shape built, and unmarks them (the caller holds the lock). */
async function recountStale(tx: Queryable): Promise<void> {
  // A mark committed after this statement stays for the next recount; one before it is of a change
  // the statements below see.
  const ids = (await tx.query<{ article_id: number }>(`DELETE FROM stats_stale_articles RETURNING article_id`)).rows.map((row) => row.article_id);
  if (!ids.length) return;
  await tx.query(STATEMENT_SETTINGS);
  const shapes = (await tx.query<{ definition: MaintainedShape | string }>(`SELECT definition FROM stats_shapes ORDER BY shape`)).rows
    .map((row) => (typeof row.definition === 'string' ? JSON.parse(row.definition) : row.definition) as MaintainedShape);
  for (const shape of shapes) {
    await addToRollup(tx, shapeKey(shape), ids, -1);
    for (const table of ['stats_contributions', 'stats_article_spans']) {
      await tx.query(`DELETE FROM ${table} WHERE shape = $1 AND article_id = ANY($2::int[])`, [shapeKey(shape), ids]);
    }
    await count(tx, shape, ids);
  }
}

/** How many article ids a build counts in one statement. */
const BUILD_BATCH = 2_000;

/**
 * Counts the contributions and spans of the articles `ids` (or those with ids in the range) for
 * `shape`, and adds them to its sums unless told not to (a build adds every batch at once).
 */
async function count(tx: Queryable, shape: MaintainedShape, ids: number[] | { from: number; to: number }, summed = true): Promise<void> {
  const key = shapeKey(shape);
  const p = new Params();
  const keyParam = p.add(key);
  const articles = (params: Params) => (Array.isArray(ids)
    ? `f.article_id = ANY(${params.add(ids)}::int[])`
    : `f.article_id >= ${params.add(ids.from)} AND f.article_id < ${params.add(ids.to)}`);
  const only = articles(p);
  const { ctes, keys } = countingCtes(p, shapeQuery(shape), { unpublished: shape.unpublished }, shape.verifications, { figures: only });
  await tx.query(`INSERT INTO stats_contributions (shape, article_id, set, ${keys.join(', ')}, figures, low, best, best_known, high, high_known, disputed)
    ${ctes}
    SELECT ${keyParam}, article_id, set, ${keys.join(', ')}, figures, low, best, best_known, high, high_known, disputed FROM per_article`, p.values);
  const s = new Params();
  const conditions = figureConditions(s, {}, { unpublished: shape.unpublished });
  const sKey = s.add(key);
  conditions.push(articles(s));
  // Each figure's country: the place itself or its ancestor of that kind (null when it lies in
  // none: the filter on a country never reads it). An article whose figures all have the same
  // one lies wholly in it: that is its sole region, whatever the shape's level (for a shape by
  // COUNTRY, the region at its level, as migration 0015 put it). A server still writing the
  // region at the shape's level writes a province for a shape by ADMIN1: never a country, so
  // the article is counted afresh, not wrongly kept.
  await tx.query(`INSERT INTO stats_article_spans (shape, article_id, first_month, end_month, undated, sole_region_id)
    WITH f AS MATERIALIZED (SELECT f.article_id, f.location_id, ${FIGURE_DATE} AS d FROM casualty_figures f WHERE ${conditions.join(' AND ')}),
    country AS (SELECT p.descendant_id AS location_id, min(a.id) AS country_id
                  FROM location_paths p JOIN locations a ON a.id = p.ancestor_id
                 WHERE a.kind = 'COUNTRY' AND p.descendant_id IN (SELECT location_id FROM f)
                 GROUP BY p.descendant_id)
    SELECT ${sKey}, f.article_id, date_trunc('month', min(f.d) AT TIME ZONE 'UTC') AT TIME ZONE 'UTC',
           (date_trunc('month', max(f.d) AT TIME ZONE 'UTC') + interval '1 month') AT TIME ZONE 'UTC', bool_or(f.d IS NULL),
           CASE WHEN bool_and(c.country_id IS NOT NULL) AND min(c.country_id) = max(c.country_id) THEN min(c.country_id) END
      FROM f LEFT JOIN country c ON c.location_id = f.location_id
     GROUP BY f.article_id`, s.values);
  if (summed && Array.isArray(ids)) await addToRollup(tx, key, ids, 1);
}

/**
 * Adds the contributions of the articles `ids` (all: null) to `shape`'s sums (`sign` -1: takes them
 * out), per bucket, span and sole region, dropping buckets left with none.
 */
async function addToRollup(tx: Queryable, key: string, ids: number[] | null, sign: 1 | -1): Promise<void> {
  const keys = STORED_KEYS.map((k) => `c.${k}`).join(', ');
  const sums = { n: 'count(*)', figures: 'sum(c.figures)', articles: 'count(*) FILTER (WHERE c.figures > 0)', low: 'coalesce(sum(c.low), 0)',
    best: 'coalesce(sum(c.best), 0)', best_unknown: 'count(*) FILTER (WHERE NOT c.best_known)', high: 'coalesce(sum(c.high), 0)',
    high_unknown: 'count(*) FILTER (WHERE NOT c.high_known)', disputed: 'sum(c.disputed)' };
  const names = Object.keys(sums);
  await tx.query(`INSERT INTO stats_rollup AS r (shape, sole_region_id, first_month, end_month, undated, ${STORED_KEYS.join(', ')}, ${names.join(', ')})
    SELECT c.shape, s.sole_region_id, s.first_month, s.end_month, s.undated, ${keys}, ${Object.values(sums).map((sum) => `${sign} * ${sum}`).join(', ')}
      FROM stats_contributions c JOIN stats_article_spans s ON s.shape = c.shape AND s.article_id = c.article_id
     WHERE c.shape = $1${ids ? ' AND c.article_id = ANY($2::int[])' : ''}
     GROUP BY c.shape, s.sole_region_id, s.first_month, s.end_month, s.undated, ${keys}
    ON CONFLICT (shape, sole_region_id, first_month, end_month, undated, ${STORED_KEYS.join(', ')})
    DO UPDATE SET ${names.map((name) => `${name} = r.${name} + EXCLUDED.${name}`).join(', ')}`, ids ? [key, ids] : [key]);
  if (sign < 0) await tx.query(`DELETE FROM stats_rollup WHERE shape = $1 AND n = 0`, [key]);
}

/**
 * The statement answering `query` from `shape`'s sums: the buckets of the articles whose span the
 * period holds whole, less the kept contributions of those changed since (still marked), plus what
 * the full statement counts for every article not answered so: the changed ones, and those whose
 * span the period cuts. The answer is the full statement's: each article adds its contribution to
 * the same sums (`articles` included: a bucket's article count is a sum over articles too).
 *
 * A query filtered to a place (`answers`) is answered so from the articles lying wholly in that
 * place as a country (their sole region): the filter reads every figure they have, so each adds
 * its kept contribution. Every other article with a figure there is counted afresh: one with figures
 * elsewhere too counts differently (a part outside takes its share out of no whole here, a whole
 * outside is no effective parent), and a place that is no country is no article's sole region,
 * so its articles are all counted afresh.
 */
function maintainedStatement(p: Params, shape: MaintainedShape, query: StatsQuery): string {
  const key = p.add(shapeKey(shape));
  const { periodFrom, periodTo, locationId } = query.filter;
  const from = periodFrom != null ? p.add(periodFrom) : null;
  const to = periodTo != null ? p.add(periodTo) : null;
  const region = locationId != null ? p.add(toDbId(locationId)) : null;
  const dated = from != null || to != null;
  // Holds the span of an article (or a sum's) whole; of the articles lying wholly in the place only, when asked for one.
  const holds = (s: string) => [
    ...region ? [`${s}.sole_region_id = ${region}`] : [],
    ...dated ? [`NOT ${s}.undated AND ${s}.first_month IS NOT NULL`, ...from ? [`${s}.first_month >= ${from}`] : [], ...to ? [`${s}.end_month <= ${to}`] : []] : [],
  ].join(' AND ') || 'true';
  // The articles whose span the period cuts (neither holds nor misses it; never one it holds): a
  // bound inside the span, or an undated figure beside dated ones. Found by the spans' index.
  const cut = (bound: string) => `SELECT s.article_id FROM stats_article_spans s
     WHERE tstzrange(s.first_month, s.end_month, '()') @> ${bound}::timestamptz AND s.shape = ${key}`;
  const cuts = dated ? [...from ? [cut(from)] : [], ...to ? [cut(to)] : [],
    `SELECT s.article_id FROM stats_article_spans s WHERE s.undated AND s.shape = ${key} AND s.first_month IS NOT NULL`] : [];
  const restriction: Restriction = region
    ? {
      ctes: `stale_articles AS MATERIALIZED (SELECT article_id FROM stats_stale_articles),
  kept_articles AS MATERIALIZED (
    -- The articles answered by their kept contributions: lying wholly in the place, held whole, unchanged.
    SELECT s.article_id FROM stats_article_spans s
     WHERE s.shape = ${key} AND ${holds('s')} AND NOT EXISTS (SELECT 1 FROM stale_articles x WHERE x.article_id = s.article_id)
  ),
  `,
      figures: 'NOT EXISTS (SELECT 1 FROM kept_articles k WHERE k.article_id = f.article_id)',
    }
    : {
      ctes: `stale_articles AS MATERIALIZED (SELECT article_id FROM stats_stale_articles),
  live_articles AS MATERIALIZED (
    -- The articles counted afresh: changed since their last count, or with a span the period cuts.
    ${['SELECT article_id FROM stale_articles', ...cuts].join('\n    UNION\n    ')}
  ),
  `,
      figures: 'f.article_id = ANY(ARRAY(SELECT article_id FROM live_articles))',
    };
  const { ctes, keys, columns } = countingCtes(p, query, { unpublished: shape.unpublished }, shape.verifications, restriction);
  const list = (prefix = '') => keys.map((k) => `${prefix}${k}`).join(', ');
  return `${ctes},
  summed (set, ${list()}, n, figures, articles, low, best, best_unknown, high, high_unknown, disputed) AS (
    SELECT set, ${list()}, n, figures, articles, low, best, best_unknown, high, high_unknown, disputed
      FROM stats_rollup r WHERE r.shape = ${key} AND ${holds('r')}
    UNION ALL
    SELECT c.set, ${list('c.')}, -1, -c.figures, -(c.figures > 0)::int, -coalesce(c.low, 0), -coalesce(c.best, 0), -(NOT c.best_known)::int,
           -coalesce(c.high, 0), -(NOT c.high_known)::int, -c.disputed
      FROM stats_contributions c JOIN stats_article_spans s ON s.shape = c.shape AND s.article_id = c.article_id
     WHERE c.shape = ${key} AND c.article_id = ANY(ARRAY(SELECT article_id FROM stale_articles))
       AND s.shape = ${key} AND s.article_id = ANY(ARRAY(SELECT article_id FROM stale_articles)) AND ${holds('s')}
    UNION ALL
    SELECT set, ${list()}, 1, figures, (figures > 0)::int, coalesce(low, 0), coalesce(best, 0), (NOT best_known)::int,
           coalesce(high, 0), (NOT high_known)::int, disputed
      FROM per_article
  )
  SELECT CASE set WHEN 0 THEN 'total' WHEN 1 THEN 'bucket' ELSE 'left' END AS part, set AS left_set, lv AS left_verification,
         ${columns.map((c) => `${c.answer} AS ${c.name}, `).join('')}sum(figures)::int AS figures, sum(articles)::int AS articles,
         sum(low)::int AS low, CASE WHEN sum(best_unknown) = 0 THEN sum(best)::int END AS best,
         CASE WHEN sum(high_unknown) = 0 THEN sum(high)::int END AS high, sum(disputed)::int AS disputed_sets
    FROM summed GROUP BY set, ${list()} HAVING sum(n) > 0`;
}
