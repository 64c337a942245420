/** The SQL of reading (`ContentReader`, `GazetteerReader`): records by key, lists and counts of them, the gazetteer. */
import type { Db, Lane } from './db';
import {
  REVIEW_STATUSES, reviveDates,
  type ArticleBundle, type ArticleFilter, type ArticleKey, type BundleParts, type ArticleOrder, type ArticleRecord, type AuthorRecord, type CasualtyFigureRecord, type CasualtyFilter,
  type GazetteerPlace, type LocationAliasRecord, type LocationFilter, type LocationRecord, type Page, type PageRequest,
  type ReadScope, type SortKey,
} from './records';
import type { ContentReader } from './store';
import {
  ARTICLE_COLUMNS, AUTHOR_COLUMNS, FIGURE_COLUMNS, LOCATION_COLUMNS, Params, articleVisible, figureVisible,
  groupedInKeyOrder, inKeyOrder, toDbId, toDbIds, whereClause,
} from './sql-common';

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

function articleConditions(p: Params, filter: ArticleFilter, scope: ReadScope): string[] {
  const where = articleVisible(scope);
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

function figureConditions(p: Params, filter: CasualtyFilter, scope: ReadScope): string[] {
  const where = figureVisible(scope);
  if (!filter.includeRetracted) where.push('f.retracted_at IS NULL');
  if (filter.locationId != null) where.push(`f.location_id IN ${within(p, filter.locationId)}`);
  if (filter.outcome != null) where.push(`f.outcome = ${p.add(filter.outcome)}`);
  if (filter.group != null) where.push(`f.population = ${p.add(filter.group)}`);
  if (filter.verification != null) where.push(`f.verification = ANY(${p.add(filter.verification)}::text[])`);
  if (filter.claimantType != null) where.push(`f.claimant_type = ANY(${p.add(filter.claimantType)}::text[])`);
  if (filter.articleId != null) where.push(`f.article_id = ${p.add(toDbId(filter.articleId))}`);
  // Literals (from the closed list of states), so the review queue's partial index applies to PENDING.
  if (filter.reviewStatus != null) {
    const states = REVIEW_STATUSES.filter((state) => filter.reviewStatus!.includes(state));
    where.push(states.length > 0 ? `f.review_status IN (${states.map((state) => `'${state}'`).join(', ')})` : 'false');
  }
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

/** The statements of `articleBundle`, by key kind, parts and scope: a few dozen at most. */
const bundleStatements = new Map<string, { sql: string; name: string }>();

/**
 * The one statement of an article bundle (`$1`: the ids or slugs), and its name: it is prepared
 * once per connection, as its plan costs the database more than running it. The articles in a CTE,
 * their figures in another, and each kind aggregated to one JSON array in one column of the one row
 * (records as each kind's own read spells them; JSON carries dates as text, revived by the caller).
 * Authors and places are looked up by `= ANY(ARRAY(...))`, so by primary key rather than by a join
 * over every place.
 */
function bundleStatement(by: ArticleKey, parts: BundleParts, scope: ReadScope): { sql: string; name: string } {
  const id = `${by}_${(['articles', 'authors', 'places', 'figures', 'figurePlaces'] as const).map((part) => Number(parts[part])).join('')}_` +
    `${scope.unpublished ? 'all' : 'public'}`;
  const known = bundleStatements.get(id);
  if (known) return known;
  const figures = parts.figures;
  const match = by === 'id' ? 'a.id = ANY($1::int[])' : 'a.slug = ANY($1::text[])';
  const placesFrom = [
    ...(parts.places ? ['SELECT x.location_id FROM article_locations x WHERE x.article_id IN (SELECT id FROM a)'] : []),
    ...(figures && parts.figurePlaces ? ['SELECT f.location_id FROM f'] : []),
  ];
  const articleRecord = parts.articles ? `, to_json(r) AS record` : '';
  const articleColumns = parts.articles ? ` CROSS JOIN LATERAL (SELECT ${ARTICLE_COLUMNS}) r` : '';
  // The unfiltered figure list's conditions take no parameters.
  const sql = `WITH a AS (SELECT a.id${articleRecord} FROM articles a${articleColumns}
                        ${whereClause([match, ...articleVisible(scope)])})${figures ? `,
    f AS (SELECT f.article_id, f.position, f.id, f.location_id, to_json(r) AS record
            FROM casualty_figures f CROSS JOIN LATERAL (SELECT ${FIGURE_COLUMNS}) r
            ${whereClause(['f.article_id IN (SELECT id FROM a)', ...figureConditions(new Params(), {}, scope)])})` : ''}
    SELECT ${parts.articles ? '(SELECT json_agg(a.record) FROM a)' : 'NULL::json'} AS articles,
      ${parts.authors ? `(SELECT json_agg(au) FROM (SELECT ${AUTHOR_COLUMNS} FROM authors au
         WHERE au.id = ANY(ARRAY(SELECT x.author_id FROM article_authors x WHERE x.article_id IN (SELECT id FROM a)))) au)` : 'NULL::json'} AS authors,
      ${placesFrom.length ? `(SELECT json_agg(l) FROM (SELECT ${LOCATION_COLUMNS} FROM locations l
         WHERE l.id = ANY(ARRAY(${placesFrom.join(' UNION ALL ')}))) l)` : 'NULL::json'} AS places,
      ${figures ? '(SELECT json_agg(f.record ORDER BY f.article_id, f.position, f.id) FROM f)' : 'NULL::json'} AS figures`;
  const statement = { sql, name: `newsgate_bundle_${id}` };
  bundleStatements.set(id, statement);
  return statement;
}

/** Reads in the scope it was made with, each in the lane of its table's family (see `Lane`). */
export class SqlReader implements ContentReader {
  constructor(private readonly db: Db, private readonly scope: ReadScope) {}

  scoped(scope: ReadScope): SqlReader {
    return new SqlReader(this.db, scope);
  }

  // ---- batch reads ----------------------------------------------------------------------------

  async authorsByIds(ids: readonly string[]) {
    const { rows } = await this.db.reads('authors').query<AuthorRecord>(
      `SELECT ${AUTHOR_COLUMNS} FROM authors au WHERE au.id = ANY($1::int[])`, [toDbIds(ids)]);
    return inKeyOrder(ids, rows, (row) => row.id);
  }

  async authorsBySlugs(slugs: readonly string[]) {
    const { rows } = await this.db.reads('authors').query<AuthorRecord>(
      `SELECT ${AUTHOR_COLUMNS} FROM authors au WHERE au.slug = ANY($1::text[])`, [slugs]);
    return inKeyOrder(slugs, rows, (row) => row.slug);
  }

  async articlesByIds(ids: readonly string[]) {
    const { rows } = await this.db.reads('articles').query<ArticleRecord>(
      `SELECT ${ARTICLE_COLUMNS} FROM articles a ${whereClause(['a.id = ANY($1::int[])', ...articleVisible(this.scope)])}`,
      [toDbIds(ids)]);
    return inKeyOrder(ids, rows, (row) => row.id);
  }

  async articlesBySlugs(slugs: readonly string[]) {
    const { rows } = await this.db.reads('articles').query<ArticleRecord>(
      `SELECT ${ARTICLE_COLUMNS} FROM articles a ${whereClause(['a.slug = ANY($1::text[])', ...articleVisible(this.scope)])}`,
      [slugs]);
    return inKeyOrder(slugs, rows, (row) => row.slug);
  }

  async locationsByIds(ids: readonly string[]) {
    const { rows } = await this.db.reads('places').query<LocationRecord>(
      `SELECT ${LOCATION_COLUMNS} FROM locations l WHERE l.id = ANY($1::int[])`, [toDbIds(ids)]);
    return inKeyOrder(ids, rows, (row) => row.id);
  }

  async locationsByIsoCodes(codes: readonly string[]) {
    const upper = codes.map((code) => code.toUpperCase());
    const { rows } = await this.db.reads('places').query<LocationRecord>(
      `SELECT ${LOCATION_COLUMNS} FROM locations l WHERE l.iso_code = ANY($1::text[])`, [upper]);
    return inKeyOrder(upper, rows, (row) => row.isoCode);
  }

  async locationsByNames(names: readonly string[]) {
    const lower = names.map((name) => name.toLowerCase());
    const { rows } = await this.db.reads('places').query<LocationRecord & { key: string }>(
      `SELECT lower(l.name) AS key, ${LOCATION_COLUMNS} FROM locations l WHERE lower(l.name) = ANY($1::text[]) ORDER BY l.id`, [lower]);
    return groupedInKeyOrder(lower, rows, (row) => row.key).map((list) => list.map(({ key, ...rest }) => rest));
  }

  async gazetteer() {
    const { rows } = await this.db.reads('places').query<GazetteerPlace>(
      `SELECT ${LOCATION_COLUMNS},
              coalesce((SELECT json_agg(json_build_object('alias', a.alias, 'kind', a.kind) ORDER BY a.normalized)
                          FROM location_aliases a WHERE a.location_id = l.id), '[]'::json) AS aliases
         FROM locations l ORDER BY l.id`);
    return rows;
  }

  async aliasesOf(locationIds: readonly string[]) {
    const { rows } = await this.db.reads('places').query<LocationAliasRecord>(
      `SELECT a.location_id::text AS "locationId", a.alias, a.kind FROM location_aliases a
        WHERE a.location_id = ANY($1::int[]) ORDER BY a.location_id, a.normalized`, [toDbIds(locationIds)]);
    return groupedInKeyOrder(locationIds, rows, (row) => row.locationId);
  }

  async figuresByIds(ids: readonly string[]) {
    const { rows } = await this.db.reads('figures').query<CasualtyFigureRecord>(
      `SELECT ${FIGURE_COLUMNS} FROM casualty_figures f ${whereClause(['f.id = ANY($1::int[])', ...figureVisible(this.scope)])}`,
      [toDbIds(ids)]);
    return inKeyOrder(ids, rows, (row) => row.id);
  }

  async childrenOf(locationIds: readonly string[]) {
    const { rows } = await this.db.reads('places').query<LocationRecord>(
      `SELECT ${LOCATION_COLUMNS} FROM locations l WHERE l.parent_id = ANY($1::int[]) ORDER BY l.name, l.id`,
      [toDbIds(locationIds)]);
    return groupedInKeyOrder(locationIds, rows, (row) => row.parentId);
  }

  async ancestorsOf(locationIds: readonly string[]) {
    const { rows } = await this.db.reads('places').query<LocationRecord & { of: string }>(
      `SELECT p.descendant_id::text AS of, ${LOCATION_COLUMNS}
         FROM location_paths p JOIN locations l ON l.id = p.ancestor_id
        WHERE p.descendant_id = ANY($1::int[]) AND p.distance > 0
        ORDER BY p.descendant_id, p.distance`,
      [toDbIds(locationIds)]);
    return groupedInKeyOrder(locationIds, rows, (row) => row.of).map((list) => list.map(({ of, ...rest }) => rest));
  }

  async figuresOfArticles(articleIds: readonly string[], filter: CasualtyFilter = {}) {
    const p = new Params();
    const where = [`f.article_id = ANY(${p.add(toDbIds(articleIds))}::int[])`, ...figureConditions(p, filter, this.scope)];
    const { rows } = await this.db.reads('figures').query<CasualtyFigureRecord>(
      `SELECT ${FIGURE_COLUMNS} FROM casualty_figures f ${whereClause(where)}
        ORDER BY f.article_id, f.position, f.id`, p.values);
    return groupedInKeyOrder(articleIds, rows, (row) => row.articleId);
  }

  async partsOf(figureIds: readonly string[]) {
    const { rows } = await this.db.reads('figures').query<CasualtyFigureRecord>(
      `SELECT ${FIGURE_COLUMNS} FROM casualty_figures f
        ${whereClause(['f.part_of_id = ANY($1::int[])', ...figureConditions(new Params(), {}, this.scope)])}
        ORDER BY f.position, f.id`, [toDbIds(figureIds)]);
    return groupedInKeyOrder(figureIds, rows, (row) => row.partOfId);
  }

  async articleBundle(by: ArticleKey, keys: readonly string[], parts: BundleParts): Promise<ArticleBundle> {
    const { sql, name } = bundleStatement(by, parts, this.scope);
    const { rows: [row] } = await this.db.reads('articles').query<{ [Kind in keyof ArticleBundle]: ArticleBundle[Kind] | null }>(
      sql, [by === 'id' ? toDbIds(keys) : keys], name);
    return {
      articles: (row.articles ?? []).map(reviveDates),
      authors: row.authors ?? [],
      places: row.places ?? [],
      figures: (row.figures ?? []).map(reviveDates),
    };
  }

  // ---- lists ----------------------------------------------------------------------------------

  async listArticles(filter: ArticleFilter, order: ArticleOrder, page: PageRequest) {
    const { key, direction } = ARTICLE_ORDERS[order];
    const p = new Params();
    const where = articleConditions(p, filter, this.scope);
    if (page.after) {
      const comparison = direction === 'DESC' ? '<' : '>';
      where.push(`(${key}, a.id) ${comparison} (${p.add(page.after[0])}::timestamptz, ${p.add(toDbId(page.after[1]))})`);
    }
    // JSON's form of a timestamp is ISO 8601 whatever the server's DateStyle (see sort-keys.ts).
    const sql = `SELECT ${ARTICLE_COLUMNS}, to_json(${key}) #>> '{}' AS "sortKey" FROM articles a ${whereClause(where)}
      ORDER BY ${key} ${direction}, a.id ${direction} LIMIT ${p.add(page.first + 1)}`;
    return this.page<ArticleRecord>('articles', sql, p.values, page.first);
  }

  async countArticles(filter: ArticleFilter) {
    const p = new Params();
    return this.count('articles', `SELECT count(*)::int AS n FROM articles a ${whereClause(articleConditions(p, filter, this.scope))}`, p.values);
  }

  async listAuthors(page: PageRequest) {
    const p = new Params();
    const where = page.after ? [`(au.name, au.id) > (${p.add(page.after[0])}, ${p.add(toDbId(page.after[1]))})`] : [];
    return this.page<AuthorRecord>('authors',
      `SELECT ${AUTHOR_COLUMNS}, au.name AS "sortKey" FROM authors au ${whereClause(where)}
        ORDER BY au.name, au.id LIMIT ${p.add(page.first + 1)}`, p.values, page.first);
  }

  countAuthors() {
    return this.count('authors', `SELECT count(*)::int AS n FROM authors`, []);
  }

  async listLocations(filter: LocationFilter, page: PageRequest) {
    const p = new Params();
    const where = locationConditions(p, filter);
    if (page.after) where.push(`(l.name, l.id) > (${p.add(page.after[0])}, ${p.add(toDbId(page.after[1]))})`);
    return this.page<LocationRecord>('places',
      `SELECT ${LOCATION_COLUMNS}, l.name AS "sortKey" FROM locations l ${whereClause(where)}
        ORDER BY l.name, l.id LIMIT ${p.add(page.first + 1)}`, p.values, page.first);
  }

  countLocations(filter: LocationFilter) {
    const p = new Params();
    return this.count('places', `SELECT count(*)::int AS n FROM locations l ${whereClause(locationConditions(p, filter))}`, p.values);
  }

  async listFigures(filter: CasualtyFilter, page: PageRequest) {
    const p = new Params();
    const where = figureConditions(p, filter, this.scope);
    if (page.after) where.push(`f.id > ${p.add(toDbId(page.after[1]))}`);
    return this.page<CasualtyFigureRecord>('figures',
      `SELECT ${FIGURE_COLUMNS}, NULL::text AS "sortKey" FROM casualty_figures f ${whereClause(where)}
        ORDER BY f.id LIMIT ${p.add(page.first + 1)}`, p.values, page.first);
  }

  countFigures(filter: CasualtyFilter) {
    const p = new Params();
    return this.count('figures', `SELECT count(*)::int AS n FROM casualty_figures f ${whereClause(figureConditions(p, filter, this.scope))}`, p.values);
  }

  /** Runs a list query in `lane` that selects `first + 1` rows with a "sortKey" column, and pages it. */
  private async page<T extends { id: string }>(lane: Lane, sql: string, params: unknown[], first: number): Promise<Page<T>> {
    const { rows } = await this.db.reads(lane).query<T & { sortKey: string | null }>(sql, params);
    const hasNextPage = rows.length > first;
    const kept = rows.slice(0, first);
    return {
      rows: kept.map(({ sortKey, ...row }) => row as unknown as T),
      keys: kept.map((row): SortKey => [row.sortKey, row.id]),
      hasNextPage,
    };
  }

  private async count(lane: Lane, sql: string, params: unknown[]): Promise<number> {
    const { rows } = await this.db.reads(lane).query<{ n: number }>(sql, params);
    return rows[0].n;
  }
}
