/**
 * What the store's SQL files (./sql-*.ts) share: parameters, ids, the columns of each record, what
 * a scope may see, and the closure table's links for new places.
 */
import type { Queryable } from './db';
import { type CasualtyFigureRecord, DATE_FIELDS, type ReadScope, reviveDate } from './records';

/** Collects positional parameters while a statement is built. */
export class Params {
  readonly values: unknown[] = [];
  /** Adds a value and returns its placeholder (`$1`, `$2`, ...). */
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** Whether `id` can be a stored id: a decimal integer that fits the `int` columns. */
export function isStoredId(id: string | null | undefined): id is string {
  return !!id && /^\d{1,9}$/.test(id);
}

/** Ids arrive as GraphQL `ID` strings; one that is not a stored integer id matches nothing. */
const NO_ROW = -1;
export function toDbId(id: string | null | undefined): number {
  return isStoredId(id) ? Number(id) : NO_ROW;
}
export function toDbIds(ids: readonly string[]): number[] {
  return ids.map(toDbId);
}

export const AUTHOR_COLUMNS = `au.id::text AS id, au.slug, au.name, au.bio`;

export const LOCATION_COLUMNS = `l.id::text AS id, l.parent_id::text AS "parentId", l.name, l.kind,
  l.iso_code AS "isoCode", l.latitude, l.longitude`;

/** An article's columns but its body: an `ArticleSummary`, what list pages read (see there why). */
export const ARTICLE_SUMMARY_COLUMNS = `a.id::text AS id, a.slug, a.headline, a.standfirst,
  a.published_at AS "publishedAt", a.updated_at AS "updatedAt", a.source_url AS "sourceUrl",
  a.language, a.tags, a.word_count AS "wordCount",
  array(SELECT x.author_id::text FROM article_authors x WHERE x.article_id = a.id
        ORDER BY x.position, x.author_id) AS "authorIds",
  array(SELECT x.location_id::text FROM article_locations x WHERE x.article_id = a.id
        ORDER BY x.position, x.location_id) AS "locationIds",
  a.status, a.version`;

/** An article's columns: an `ArticleRecord`. */
export const ARTICLE_COLUMNS = `${ARTICLE_SUMMARY_COLUMNS}, a.body`;

/**
 * A figure record's fields, each with the expression that reads it from `casualty_figures f`, in one
 * order: the columns of every figure read (`FIGURE_COLUMNS`), and the positions of a figure sent as
 * a JSON array (`FIGURE_VALUES`, read back by `figureFromValues`).
 */
const FIGURE_FIELDS: ReadonlyArray<readonly [keyof CasualtyFigureRecord, string]> = [
  ['id', 'f.id::text'], ['articleId', 'f.article_id::text'], ['outcome', 'f.outcome'], ['group', 'f.population'],
  ['low', 'f.low'], ['best', 'f.best'], ['high', 'f.high'], ['qualifier', 'f.qualifier'], ['claimedBy', 'f.claimed_by'],
  ['claimantType', 'f.claimant_type'], ['verification', 'f.verification'], ['quote', 'f.quote'],
  ['locationId', 'f.location_id::text'], ['periodStart', 'f.period_start'], ['periodEnd', 'f.period_end'],
  ['partOfId', 'f.part_of_id::text'], ['restatesId', 'f.restates_id::text'], ['supersedesId', 'f.supersedes_id::text'],
  ['who', 'f.who'], ['background', 'f.background'], ['origin', 'f.origin'], ['confidence', 'f.confidence::numeric::float8'],
  ['reviewStatus', 'f.review_status'], ['version', 'f.version'], ['retractedAt', 'f.retracted_at'],
  ['retractionReason', 'f.retraction_reason'],
];

export const FIGURE_COLUMNS = FIGURE_FIELDS.map(([name, expression]) => `${expression} AS "${name}"`).join(', ');

/**
 * A figure as one JSON array of its fields' values, without their names (half the text of a JSON
 * object, for PostgreSQL to write and for Node to parse); `figureFromValues` reads it back.
 */
export const FIGURE_VALUES = `json_build_array(${FIGURE_FIELDS.map(([, expression]) => expression).join(', ')})`;

/**
 * The record of a figure sent as `FIGURE_VALUES` (parsed from JSON), its dates revived. Compiled
 * from `FIGURE_FIELDS` to one object literal, so that every record is built at once with the same
 * shape (a loop of keyed stores costs several times as much and leaves more garbage).
 */
export const figureFromValues = new Function('reviveDate', `return (values) => ({ ${
  FIGURE_FIELDS.map(([name], i) => `${JSON.stringify(name)}: ${
    (DATE_FIELDS as readonly string[]).includes(name) ? `reviveDate(values[${i}])` : `values[${i}]`}`).join(', ')} });`,
)(reviveDate) as (values: readonly unknown[]) => CasualtyFigureRecord;

/**
 * Indexes rows by `field` and maps `keys` onto them: the result has one entry per key, in key
 * order, `null` where no row matched.
 */
export function inKeyOrder<Row, K>(keys: readonly K[], rows: Row[], keyOf: (row: Row) => K): (Row | null)[] {
  const byKey = new Map(rows.map((row) => [keyOf(row), row]));
  return keys.map((key) => byKey.get(key) ?? null);
}

/** Groups rows under `keys` (a list per key, in key order, rows in their query order). */
export function groupedInKeyOrder<Row, K>(keys: readonly K[], rows: Row[], keyOf: (row: Row) => K): Row[][] {
  const groups = new Map<K, Row[]>(keys.map((key) => [key, []]));
  for (const row of rows) groups.get(keyOf(row))?.push(row);
  return keys.map((key) => groups.get(key) ?? []);
}

/** Column values for a bulk `INSERT ... SELECT FROM unnest(...)`, one array per column. */
export function columns<T>(rows: readonly T[], pick: Record<string, (row: T) => unknown>): unknown[][] {
  return Object.values(pick).map((get) => rows.map(get));
}

/** Articles a reader in `scope` may see. */
export function articleVisible(scope: ReadScope, alias = 'a'): string[] {
  return scope.unpublished ? [] : [`${alias}.status = 'PUBLISHED'`];
}

/**
 * Figures a reader in `scope` may see: those of articles they may see, by the copy of the article's
 * status each figure carries (kept by triggers, see 0006_figure_article_columns.sql), and of those
 * only the accepted ones; editors also see figures awaiting review and rejected ones (0009).
 */
export function figureVisible(scope: ReadScope): string[] {
  return scope.unpublished ? [] : [`f.article_status = 'PUBLISHED'`, `f.review_status = 'ACCEPTED'`];
}

/** `WHERE` with `conditions` joined by AND; nothing for none. */
export function whereClause(conditions: string[]): string {
  return conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
}

/** Adds the closure-table rows of newly inserted places (whose ancestors are already linked). */
export async function linkAncestors(tx: Queryable, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  await tx.query(
    `WITH RECURSIVE up (descendant_id, ancestor_id, distance) AS (
       SELECT id, id, 0 FROM locations WHERE id = ANY($1::int[])
       UNION ALL
       SELECT up.descendant_id, l.parent_id, up.distance + 1
         FROM up JOIN locations l ON l.id = up.ancestor_id
        WHERE l.parent_id IS NOT NULL
     )
     INSERT INTO location_paths (ancestor_id, descendant_id, distance)
     SELECT ancestor_id, descendant_id, distance FROM up
     ON CONFLICT DO NOTHING`, [ids]);
}
