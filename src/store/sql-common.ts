/**
 * What the store's SQL files (./sql-*.ts) share: parameters, ids, the columns of each record, what
 * a scope may see, and the closure table's links for new places.
 */
import type { Queryable } from './db';
import type { ReadScope } from './records';

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

export const ARTICLE_COLUMNS = `a.id::text AS id, a.slug, a.headline, a.standfirst, a.body,
  a.published_at AS "publishedAt", a.updated_at AS "updatedAt", a.source_url AS "sourceUrl",
  a.language, a.tags, a.word_count AS "wordCount",
  array(SELECT x.author_id::text FROM article_authors x WHERE x.article_id = a.id
        ORDER BY x.position, x.author_id) AS "authorIds",
  array(SELECT x.location_id::text FROM article_locations x WHERE x.article_id = a.id
        ORDER BY x.position, x.location_id) AS "locationIds",
  a.status, a.version`;

export const FIGURE_COLUMNS = `f.id::text AS id, f.article_id::text AS "articleId", f.outcome, f.population AS "group",
  f.low, f.best, f.high, f.qualifier, f.claimed_by AS "claimedBy", f.claimant_type AS "claimantType",
  f.verification, f.quote, f.location_id::text AS "locationId", f.period_start AS "periodStart",
  f.period_end AS "periodEnd", f.part_of_id::text AS "partOfId", f.restates_id::text AS "restatesId",
  f.supersedes_id::text AS "supersedesId", f.who, f.background, f.origin,
  f.confidence::numeric::float8 AS confidence,
  f.review_status AS "reviewStatus", f.version,
  f.retracted_at AS "retractedAt", f.retraction_reason AS "retractionReason"`;

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
