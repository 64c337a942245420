import type { Db, Queryable } from './db';
import type {
  ArticleFilter, ArticleOrder, ArticleRecord, AuthorRecord, CasualtyFigureRecord, CasualtyFilter,
  LocationFilter, LocationRecord, NewArticle, NewAuthor, NewCasualtyFigure, NewLocation, Page, PageRequest,
  SortKey,
} from './records';
import type { ContentStore, IdKind } from './store';

/** Collects positional parameters while a statement is built. */
class Params {
  readonly values: unknown[] = [];
  /** Adds a value and returns its placeholder (`$1`, `$2`, ...). */
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** Ids arrive as GraphQL `ID` strings; one that is not a stored integer id matches nothing. */
const NO_ROW = -1;
function toDbId(id: string | null | undefined): number {
  return id && /^\d{1,9}$/.test(id) ? Number(id) : NO_ROW;
}
function toDbIds(ids: readonly string[]): number[] {
  return ids.map(toDbId);
}

/** Words in a clean body: runs of non-space characters. */
export function countWords(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

const AUTHOR_COLUMNS = `au.id::text AS id, au.slug, au.name, au.bio`;

const LOCATION_COLUMNS = `l.id::text AS id, l.parent_id::text AS "parentId", l.name, l.kind,
  l.iso_code AS "isoCode", l.latitude, l.longitude`;

const ARTICLE_COLUMNS = `a.id::text AS id, a.slug, a.headline, a.standfirst, a.body,
  a.published_at AS "publishedAt", a.updated_at AS "updatedAt", a.source_url AS "sourceUrl",
  a.language, a.tags, a.word_count AS "wordCount",
  array(SELECT x.author_id::text FROM article_authors x WHERE x.article_id = a.id
        ORDER BY x.position, x.author_id) AS "authorIds",
  array(SELECT x.location_id::text FROM article_locations x WHERE x.article_id = a.id
        ORDER BY x.position, x.location_id) AS "locationIds"`;

const FIGURE_COLUMNS = `f.id::text AS id, f.article_id::text AS "articleId", f.outcome, f.population AS "group",
  f.low, f.best, f.high, f.qualifier, f.claimed_by AS "claimedBy", f.claimant_type AS "claimantType",
  f.verification, f.quote, f.location_id::text AS "locationId", f.period_start AS "periodStart",
  f.period_end AS "periodEnd", f.part_of_id::text AS "partOfId"`;

/** How each article ordering sorts, and how a cursor's key is compared. */
const ARTICLE_ORDERS: Record<ArticleOrder, { key: string; direction: 'ASC' | 'DESC' }> = {
  PUBLISHED_AT_DESC: { key: `coalesce(a.published_at, '-infinity'::timestamptz)`, direction: 'DESC' },
  PUBLISHED_AT_ASC: { key: `coalesce(a.published_at, 'infinity'::timestamptz)`, direction: 'ASC' },
  UPDATED_AT_DESC: { key: `a.updated_at`, direction: 'DESC' },
};

/** The place `id` and every place below it, as a subquery of location ids. */
function within(p: Params, locationId: string): string {
  return `(SELECT descendant_id FROM location_paths WHERE ancestor_id = ${p.add(toDbId(locationId))})`;
}

function articleConditions(p: Params, filter: ArticleFilter): string[] {
  const where: string[] = [];
  if (filter.authorId != null) {
    where.push(`EXISTS (SELECT 1 FROM article_authors x WHERE x.article_id = a.id AND x.author_id = ${p.add(toDbId(filter.authorId))})`);
  }
  if (filter.locationId != null) {
    where.push(`EXISTS (SELECT 1 FROM article_locations x WHERE x.article_id = a.id
      AND x.location_id IN ${within(p, filter.locationId)})`);
  }
  if (filter.tag != null) where.push(`a.tags @> ARRAY[${p.add(filter.tag)}::text]`);
  if (filter.search != null) where.push(`a.search @@ websearch_to_tsquery('english', ${p.add(filter.search)})`);
  if (filter.publishedFrom != null) where.push(`a.published_at >= ${p.add(filter.publishedFrom)}`);
  if (filter.publishedTo != null) where.push(`a.published_at < ${p.add(filter.publishedTo)}`);
  return where;
}

function figureConditions(p: Params, filter: CasualtyFilter): string[] {
  const where: string[] = [];
  if (filter.locationId != null) where.push(`f.location_id IN ${within(p, filter.locationId)}`);
  if (filter.outcome != null) where.push(`f.outcome = ${p.add(filter.outcome)}`);
  if (filter.group != null) where.push(`f.population = ${p.add(filter.group)}`);
  if (filter.verification != null) where.push(`f.verification = ANY(${p.add(filter.verification)}::text[])`);
  if (filter.claimantType != null) where.push(`f.claimant_type = ANY(${p.add(filter.claimantType)}::text[])`);
  if (filter.articleId != null) where.push(`f.article_id = ${p.add(toDbId(filter.articleId))}`);
  return where;
}

function locationConditions(p: Params, filter: LocationFilter): string[] {
  const where: string[] = [];
  if (filter.kind != null) where.push(`l.kind = ${p.add(filter.kind)}`);
  if (filter.parentId != null) where.push(`l.parent_id = ${p.add(toDbId(filter.parentId))}`);
  if (filter.withinId != null) where.push(`l.id IN ${within(p, filter.withinId)}`);
  if (filter.nameContains != null) where.push(`strpos(lower(l.name), lower(${p.add(filter.nameContains)})) > 0`);
  return where;
}

function whereClause(conditions: string[]): string {
  return conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
}

/**
 * Indexes rows by `field` and maps `keys` onto them: the result has one entry per key, in key
 * order, `null` where no row matched.
 */
function inKeyOrder<Row, K>(keys: readonly K[], rows: Row[], keyOf: (row: Row) => K): (Row | null)[] {
  const byKey = new Map(rows.map((row) => [keyOf(row), row]));
  return keys.map((key) => byKey.get(key) ?? null);
}

/** Groups rows under `keys` (a list per key, in key order, rows in their query order). */
function groupedInKeyOrder<Row, K>(keys: readonly K[], rows: Row[], keyOf: (row: Row) => K): Row[][] {
  const groups = new Map<K, Row[]>(keys.map((key) => [key, []]));
  for (const row of rows) groups.get(keyOf(row))?.push(row);
  return keys.map((key) => groups.get(key) ?? []);
}

/** Column values for a bulk `INSERT ... SELECT FROM unnest(...)`, one array per column. */
function columns<T>(rows: readonly T[], pick: Record<string, (row: T) => unknown>): unknown[][] {
  return Object.values(pick).map((get) => rows.map(get));
}

/**
 * The content store over any PostgreSQL engine (`pg` or PGlite). All SQL lives here, in one
 * dialect. Bulk writes send whole columns as arrays and `unnest` them: one statement per table,
 * whatever the number of rows.
 */
export class SqlStore implements ContentStore {
  constructor(private readonly db: Db) {}

  get engine() {
    return this.db.engine;
  }

  // ---- batch reads ----------------------------------------------------------------------------

  async authorsByIds(ids: readonly string[]) {
    const { rows } = await this.db.query<AuthorRecord>(
      `SELECT ${AUTHOR_COLUMNS} FROM authors au WHERE au.id = ANY($1::int[])`, [toDbIds(ids)]);
    return inKeyOrder(ids, rows, (row) => row.id);
  }

  async authorsBySlugs(slugs: readonly string[]) {
    const { rows } = await this.db.query<AuthorRecord>(
      `SELECT ${AUTHOR_COLUMNS} FROM authors au WHERE au.slug = ANY($1::text[])`, [slugs]);
    return inKeyOrder(slugs, rows, (row) => row.slug);
  }

  async articlesByIds(ids: readonly string[]) {
    const { rows } = await this.db.query<ArticleRecord>(
      `SELECT ${ARTICLE_COLUMNS} FROM articles a WHERE a.id = ANY($1::int[])`, [toDbIds(ids)]);
    return inKeyOrder(ids, rows, (row) => row.id);
  }

  async articlesBySlugs(slugs: readonly string[]) {
    const { rows } = await this.db.query<ArticleRecord>(
      `SELECT ${ARTICLE_COLUMNS} FROM articles a WHERE a.slug = ANY($1::text[])`, [slugs]);
    return inKeyOrder(slugs, rows, (row) => row.slug);
  }

  async locationsByIds(ids: readonly string[]) {
    const { rows } = await this.db.query<LocationRecord>(
      `SELECT ${LOCATION_COLUMNS} FROM locations l WHERE l.id = ANY($1::int[])`, [toDbIds(ids)]);
    return inKeyOrder(ids, rows, (row) => row.id);
  }

  async locationsByIsoCodes(codes: readonly string[]) {
    const upper = codes.map((code) => code.toUpperCase());
    const { rows } = await this.db.query<LocationRecord>(
      `SELECT ${LOCATION_COLUMNS} FROM locations l WHERE l.iso_code = ANY($1::text[])`, [upper]);
    return inKeyOrder(upper, rows, (row) => row.isoCode);
  }

  async figuresByIds(ids: readonly string[]) {
    const { rows } = await this.db.query<CasualtyFigureRecord>(
      `SELECT ${FIGURE_COLUMNS} FROM casualty_figures f WHERE f.id = ANY($1::int[])`, [toDbIds(ids)]);
    return inKeyOrder(ids, rows, (row) => row.id);
  }

  async childrenOf(locationIds: readonly string[]) {
    const { rows } = await this.db.query<LocationRecord>(
      `SELECT ${LOCATION_COLUMNS} FROM locations l WHERE l.parent_id = ANY($1::int[]) ORDER BY l.name, l.id`,
      [toDbIds(locationIds)]);
    return groupedInKeyOrder(locationIds, rows, (row) => row.parentId);
  }

  async ancestorsOf(locationIds: readonly string[]) {
    const { rows } = await this.db.query<LocationRecord & { of: string }>(
      `SELECT p.descendant_id::text AS of, ${LOCATION_COLUMNS}
         FROM location_paths p JOIN locations l ON l.id = p.ancestor_id
        WHERE p.descendant_id = ANY($1::int[]) AND p.distance > 0
        ORDER BY p.descendant_id, p.distance`,
      [toDbIds(locationIds)]);
    return groupedInKeyOrder(locationIds, rows, (row) => row.of).map((list) => list.map(({ of, ...rest }) => rest));
  }

  async figuresOfArticles(articleIds: readonly string[], filter: CasualtyFilter = {}) {
    const p = new Params();
    const where = [`f.article_id = ANY(${p.add(toDbIds(articleIds))}::int[])`, ...figureConditions(p, filter)];
    const { rows } = await this.db.query<CasualtyFigureRecord>(
      `SELECT ${FIGURE_COLUMNS} FROM casualty_figures f ${whereClause(where)}
        ORDER BY f.article_id, f.position, f.id`, p.values);
    return groupedInKeyOrder(articleIds, rows, (row) => row.articleId);
  }

  async partsOf(figureIds: readonly string[]) {
    const { rows } = await this.db.query<CasualtyFigureRecord>(
      `SELECT ${FIGURE_COLUMNS} FROM casualty_figures f WHERE f.part_of_id = ANY($1::int[])
        ORDER BY f.position, f.id`, [toDbIds(figureIds)]);
    return groupedInKeyOrder(figureIds, rows, (row) => row.partOfId);
  }

  // ---- lists ----------------------------------------------------------------------------------

  async listArticles(filter: ArticleFilter, order: ArticleOrder, page: PageRequest) {
    const { key, direction } = ARTICLE_ORDERS[order];
    const p = new Params();
    const where = articleConditions(p, filter);
    if (page.after) {
      const comparison = direction === 'DESC' ? '<' : '>';
      where.push(`(${key}, a.id) ${comparison} (${p.add(page.after[0])}::timestamptz, ${p.add(toDbId(page.after[1]))})`);
    }
    const sql = `SELECT ${ARTICLE_COLUMNS}, (${key})::text AS "sortKey" FROM articles a ${whereClause(where)}
      ORDER BY ${key} ${direction}, a.id ${direction} LIMIT ${p.add(page.first + 1)}`;
    return this.page<ArticleRecord>(sql, p.values, page.first);
  }

  async countArticles(filter: ArticleFilter) {
    const p = new Params();
    return this.count(`SELECT count(*)::int AS n FROM articles a ${whereClause(articleConditions(p, filter))}`, p.values);
  }

  async listAuthors(page: PageRequest) {
    const p = new Params();
    const where = page.after ? [`(au.name, au.id) > (${p.add(page.after[0])}, ${p.add(toDbId(page.after[1]))})`] : [];
    return this.page<AuthorRecord>(
      `SELECT ${AUTHOR_COLUMNS}, au.name AS "sortKey" FROM authors au ${whereClause(where)}
        ORDER BY au.name, au.id LIMIT ${p.add(page.first + 1)}`, p.values, page.first);
  }

  countAuthors() {
    return this.count(`SELECT count(*)::int AS n FROM authors`, []);
  }

  async listLocations(filter: LocationFilter, page: PageRequest) {
    const p = new Params();
    const where = locationConditions(p, filter);
    if (page.after) where.push(`(l.name, l.id) > (${p.add(page.after[0])}, ${p.add(toDbId(page.after[1]))})`);
    return this.page<LocationRecord>(
      `SELECT ${LOCATION_COLUMNS}, l.name AS "sortKey" FROM locations l ${whereClause(where)}
        ORDER BY l.name, l.id LIMIT ${p.add(page.first + 1)}`, p.values, page.first);
  }

  countLocations(filter: LocationFilter) {
    const p = new Params();
    return this.count(`SELECT count(*)::int AS n FROM locations l ${whereClause(locationConditions(p, filter))}`, p.values);
  }

  async listFigures(filter: CasualtyFilter, page: PageRequest) {
    const p = new Params();
    const where = figureConditions(p, filter);
    if (page.after) where.push(`f.id > ${p.add(toDbId(page.after[1]))}`);
    return this.page<CasualtyFigureRecord>(
      `SELECT ${FIGURE_COLUMNS}, NULL::text AS "sortKey" FROM casualty_figures f ${whereClause(where)}
        ORDER BY f.id LIMIT ${p.add(page.first + 1)}`, p.values, page.first);
  }

  countFigures(filter: CasualtyFilter) {
    const p = new Params();
    return this.count(`SELECT count(*)::int AS n FROM casualty_figures f ${whereClause(figureConditions(p, filter))}`, p.values);
  }

  /** Runs a list query that selects `first + 1` rows with a "sortKey" column, and pages it. */
  private async page<T extends { id: string }>(sql: string, params: unknown[], first: number): Promise<Page<T>> {
    const { rows } = await this.db.query<T & { sortKey: string | null }>(sql, params);
    const hasNextPage = rows.length > first;
    const kept = rows.slice(0, first);
    return {
      rows: kept.map(({ sortKey, ...row }) => row as unknown as T),
      keys: kept.map((row): SortKey => [row.sortKey, row.id]),
      hasNextPage,
    };
  }

  private async count(sql: string, params: unknown[]): Promise<number> {
    const { rows } = await this.db.query<{ n: number }>(sql, params);
    return rows[0].n;
  }

  // ---- writes ---------------------------------------------------------------------------------

  allocateIds(kind: IdKind, count: number) {
    return allocateIds(this.db, kind, count);
  }

  async insertAuthors(authors: readonly NewAuthor[]) {
    const ids = await assignIds(this.db, 'authors', authors);
    await this.db.query(
      `INSERT INTO authors (id, slug, name, bio) SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::text[])`,
      [ids, ...columns(authors, { slug: (a) => a.slug, name: (a) => a.name, bio: (a) => a.bio })]);
    return ids;
  }

  async upsertLocations(locations: readonly NewLocation[]) {
    if (locations.length === 0) return [];
    return this.db.transaction(async (tx) => {
      const params = columns(locations, {
        id: (l) => l.id ?? null, parent: (l) => l.parentId, name: (l) => l.name, kind: (l) => l.kind,
        iso: (l) => l.isoCode, lat: (l) => l.latitude, lon: (l) => l.longitude,
      });
      const { rows: created } = await tx.query<{ id: number }>(
        `INSERT INTO locations (id, parent_id, name, kind, iso_code, latitude, longitude)
         SELECT coalesce(t.id, nextval(pg_get_serial_sequence('locations', 'id'))), t.parent, t.name, t.kind,
                t.iso, t.lat, t.lon
           FROM unnest($1::int[], $2::int[], $3::text[], $4::text[], $5::text[], $6::float8[], $7::float8[])
                AS t(id, parent, name, kind, iso, lat, lon)
         ON CONFLICT DO NOTHING
         RETURNING id`, params);
      await linkAncestors(tx, created.map((row) => row.id));
      // Every input finds exactly one place: the one with its ISO code, else the one with its
      // parent, kind and name. A place that matches by name but carries another code is refused.
      const { rows } = await tx.query<{ id: string | null }>(
        `SELECT found.id::text AS id
           FROM unnest($1::int[], $2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS t(parent, name, kind, iso, n)
           LEFT JOIN LATERAL (
             SELECT l.id FROM locations l
              WHERE l.iso_code = t.iso
                 OR (l.parent_id IS NOT DISTINCT FROM t.parent AND l.kind = t.kind AND l.name = t.name
                     AND (t.iso IS NULL OR l.iso_code IS NULL OR l.iso_code = t.iso))
              ORDER BY (l.iso_code = t.iso) DESC NULLS LAST
              LIMIT 1) found ON true
          ORDER BY t.n`, [params[1], params[2], params[3], params[4]]);
      const missing = rows.findIndex((row) => row.id === null);
      if (missing >= 0) {
        const place = locations[missing];
        throw new Error(`place "${place.name}" (${place.kind}, ISO ${place.isoCode}) clashes with a stored place of the ` +
          'same parent, kind and name but another ISO code; correct one of them');
      }
      return rows.map((row) => row.id!);
    });
  }

  async insertArticles(articles: readonly NewArticle[]) {
    if (articles.length === 0) return [];
    return this.db.transaction(async (tx) => {
      const ids = await assignIds(tx, 'articles', articles);
      await tx.query(
        `INSERT INTO articles (id, slug, headline, standfirst, body, published_at, updated_at, source_url,
                               language, tags, word_count)
         SELECT t.id, t.slug, t.headline, t.standfirst, t.body, t.published_at, coalesce(t.updated_at, now()),
                t.source_url, t.language, array(SELECT jsonb_array_elements_text(t.tags::jsonb)), t.word_count
           FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[],
                       $7::timestamptz[], $8::text[], $9::text[], $10::text[], $11::int[])
                AS t(id, slug, headline, standfirst, body, published_at, updated_at, source_url,
                     language, tags, word_count)`,
        [ids, ...columns(articles, {
          slug: (a) => a.slug, headline: (a) => a.headline, standfirst: (a) => a.standfirst,
          body: (a) => a.body, publishedAt: (a) => a.publishedAt, updatedAt: (a) => a.updatedAt ?? null,
          sourceUrl: (a) => a.sourceUrl, language: (a) => a.language, tags: (a) => JSON.stringify(a.tags),
          wordCount: (a) => countWords(a.body),
        })]);
      const links = (pick: (a: NewArticle) => string[]) => articles.flatMap((article, i) =>
        pick(article).map((target, position) => [ids[i], target, position] as const));
      const authorLinks = links((a) => a.authorIds);
      const locationLinks = links((a) => a.locationIds);
      await tx.query(
        `INSERT INTO article_authors (article_id, author_id, position)
         SELECT * FROM unnest($1::int[], $2::int[], $3::int[])`,
        [authorLinks.map((l) => l[0]), authorLinks.map((l) => l[1]), authorLinks.map((l) => l[2])]);
      await tx.query(
        `INSERT INTO article_locations (article_id, location_id, position)
         SELECT * FROM unnest($1::int[], $2::int[], $3::int[])`,
        [locationLinks.map((l) => l[0]), locationLinks.map((l) => l[1]), locationLinks.map((l) => l[2])]);
      return ids;
    });
  }

  async insertFigures(figures: readonly NewCasualtyFigure[]) {
    const ids = await assignIds(this.db, 'casualty_figures', figures);
    await this.db.query(
      `INSERT INTO casualty_figures (id, article_id, position, outcome, population, low, best, high, qualifier,
                                     claimed_by, claimant_type, verification, quote, location_id, period_start,
                                     period_end, part_of_id)
       SELECT * FROM unnest($1::int[], $2::int[], $3::int[], $4::text[], $5::text[], $6::int[], $7::int[],
                            $8::int[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::int[],
                            $15::timestamptz[], $16::timestamptz[], $17::int[])`,
      [ids, ...columns(figures, {
        article: (f) => f.articleId, position: (f) => f.position ?? 0,
        outcome: (f) => f.outcome, group: (f) => f.group, low: (f) => f.low, best: (f) => f.best, high: (f) => f.high,
        qualifier: (f) => f.qualifier, claimedBy: (f) => f.claimedBy, claimantType: (f) => f.claimantType,
        verification: (f) => f.verification, quote: (f) => f.quote, location: (f) => f.locationId,
        periodStart: (f) => f.periodStart, periodEnd: (f) => f.periodEnd, partOf: (f) => f.partOfId,
      })]);
    return ids;
  }

  // ---- housekeeping ---------------------------------------------------------------------------

  async isEmpty() {
    const { rows } = await this.db.query(`SELECT 1 FROM articles LIMIT 1`);
    return rows.length === 0;
  }

  async ping() {
    await this.db.query('SELECT 1');
  }

  close() {
    return this.db.close();
  }
}

/** Takes `count` fresh ids from the sequence of table `kind`. */
async function allocateIds(db: Queryable, kind: IdKind, count: number): Promise<string[]> {
  if (count === 0) return [];
  const { rows } = await db.query<{ id: string }>(
    `SELECT nextval(pg_get_serial_sequence($1, 'id'))::text AS id FROM generate_series(1, $2)`, [kind, count]);
  return rows.map((row) => row.id);
}

/** The ids of new records in input order: their own where given, fresh ones (one round-trip) elsewhere. */
async function assignIds(db: Queryable, kind: IdKind, records: readonly { id?: string }[]): Promise<string[]> {
  const fresh = await allocateIds(db, kind, records.filter((record) => record.id == null).length);
  let next = 0;
  return records.map((record) => record.id ?? fresh[next++]);
}

/** Adds the closure-table rows of newly inserted places (whose ancestors are already linked). */
async function linkAncestors(tx: Queryable, ids: number[]): Promise<void> {
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
