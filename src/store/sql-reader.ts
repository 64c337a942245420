/** The SQL of reading (`ContentReader`, `GazetteerReader`): records by key, lists and counts of them, the gazetteer. */
import type { Db, Lane } from './db';
import {
  ARTICLE_STATUSES, REVIEW_STATUSES, nameSearchWords, reviveDates,
  type ArticleBodyRecord, type ArticleBundle, type ArticleFilter, type ArticleKey, type ArticleOrder, type ArticleRecord, type ArticleSummary, type AuthorFilter, type AuthorRecord,
  type BundleParts, type CasualtyFigureRecord, type CasualtyFilter, type FigureOrder, type GazetteerPlace, type LocationAliasRecord,
  type LocationFilter, type LocationRecord, type Page, type PageRequest,
  type ReadScope, type SortKey,
} from './records';
import { BundleBatches } from './bundle-batches';
import type { ContentReader } from './store';
import {
  ARTICLE_COLUMNS, ARTICLE_SUMMARY_COLUMNS, AUTHOR_COLUMNS, FIGURE_COLUMNS, FIGURE_VALUES, LOCATION_COLUMNS, Params, articleVisible, figureFromValues,
  figureVisible, groupedInKeyOrder, inKeyOrder, toDbId, toDbIds, whereClause,
} from './sql-common';

/** How a list sorts: the key expression (a cursor's value is compared with it as `cast`) and the direction. */
interface SortOrder {
  key: string;
  direction: 'ASC' | 'DESC';
  cast: 'timestamptz' | 'real';
}

/** The search of an article filter as a query; the same in the filter and in the relevance order. */
function searchQuery(p: Params, search: string): string {
  return `websearch_to_tsquery('english', ${p.add(search)})`;
}

/**
 * The setting of a searching count, for its transaction only (as the statistics statement runs its
 * own, ./sql-stats.ts). The planner does not cost the decompression of each article's search vector
 * (a TOAST-compressed column): for a common word it estimates a sequential scan, which decompresses
 * every vector, a little cheaper than a bitmap scan of the GIN index, which takes the matches from
 * the index and decompresses none ("killed", 94 % of 100,000 articles: 0.38-0.61 s warm, over 1 s
 * cold, against 0.10-0.14 s). With sequential scans off it takes an index: that one, or another
 * condition's when the planner finds it cheaper (a tag's, a region's). A rare word took the search
 * index already; a count needs no order, so nothing else is lost.
 */
const SEARCH_COUNT_SETTINGS = `SELECT set_config('enable_seqscan', 'off', true)`;

/**
 * An article's publication as the newest-first indexes hold it (0005_public_order.sql), undated
 * articles at `-infinity`: the form a filter's publication bounds take, so that both delimit one
 * range of those indexes (a bound on the bare column is read by a scan of every article).
 */
const PUBLISHED_OR_PAST = `coalesce(a.published_at, '-infinity'::timestamptz)`;

/** How each article ordering sorts. Relevance ranks by the filter's search, which it needs. */
function articleOrder(p: Params, order: ArticleOrder, filter: ArticleFilter): SortOrder {
  switch (order) {
    case 'PUBLISHED_AT_DESC': return { key: PUBLISHED_OR_PAST, direction: 'DESC', cast: 'timestamptz' };
    case 'PUBLISHED_AT_ASC': return { key: `coalesce(a.published_at, 'infinity'::timestamptz)`, direction: 'ASC', cast: 'timestamptz' };
    case 'UPDATED_AT_DESC': return { key: `a.updated_at`, direction: 'DESC', cast: 'timestamptz' };
    case 'RELEVANCE':
      if (filter.search == null) throw new Error('the RELEVANCE order needs a search in the filter');
      return { key: `ts_rank(a.search, ${searchQuery(p, filter.search)})`, direction: 'DESC', cast: 'real' };
  }
}

/**
 * A figure's date, as the statistics date it (its period's start, else its article's publication),
 * with undated figures at one end: at `-infinity` they come last newest first, and never reach a
 * lower bound; at `infinity` they come last oldest first, and never pass an upper bound. The forms
 * 0013_filters.sql indexes.
 */
const FIGURE_DATE_OR_PAST = `coalesce(f.period_start, f.article_published_at, '-infinity'::timestamptz)`;
const FIGURE_DATE_OR_FUTURE = `coalesce(f.period_start, f.article_published_at, 'infinity'::timestamptz)`;

/** How each figure ordering sorts (`CODED`: by id alone, with no key). */
const FIGURE_ORDERS: Record<Exclude<FigureOrder, 'CODED'>, SortOrder> = {
  DATE_DESC: { key: FIGURE_DATE_OR_PAST, direction: 'DESC', cast: 'timestamptz' },
  DATE_ASC: { key: FIGURE_DATE_OR_FUTURE, direction: 'ASC', cast: 'timestamptz' },
};

/** `column = value` for one value (so an index led by the column keeps its order), `= ANY` for several. */
function anyOfTexts(p: Params, column: string, values: readonly string[]): string {
  return values.length === 1 ? `${column} = ${p.add(values[0])}` : `${column} = ANY(${p.add(values)}::text[])`;
}

/**
 * `column IN (...)` over the values of `closed` that `wanted` names, as literals, so that a partial
 * index on one of them applies (a parameter would hide which state is asked for); false for none.
 */
function inClosedList<T extends string>(column: string, closed: readonly T[], wanted: readonly T[]): string {
  const values = closed.filter((value) => wanted.includes(value));
  if (values.length === 0) return 'false';
  return values.length === 1 ? `${column} = '${values[0]}'` : `${column} IN (${values.map((value) => `'${value}'`).join(', ')})`;
}

/** The place `id` and every place below it, as a subquery of location ids. */
function within(p: Params, locationId: string): string {
  return `(SELECT descendant_id FROM location_paths WHERE ancestor_id = ${p.add(toDbId(locationId))})`;
}

/** Articles reporting on a place in any of `regionIds` (itself or below it), by `article_regions` (0014). */
function inAnyRegion(p: Params, regionIds: readonly string[]): string {
  return `EXISTS (SELECT 1 FROM article_regions r WHERE r.article_id = a.id AND r.region_id = ANY(${p.add(toDbIds(regionIds))}::int[]))`;
}

function articleConditions(p: Params, filter: ArticleFilter, scope: ReadScope): string[] {
  const where = articleVisible(scope);
  if (filter.authorId != null) {
    where.push(`EXISTS (SELECT 1 FROM article_authors x WHERE x.article_id = a.id AND x.author_id = ${p.add(toDbId(filter.authorId))})`);
  }
  if (filter.locationId != null) {
    where.push(inAnyRegion(p, [filter.locationId]));
  }
  if (filter.tag != null) where.push(`a.tags @> ARRAY[${p.add(filter.tag)}::text]`);
  if (filter.search != null) where.push(`a.search @@ ${searchQuery(p, filter.search)}`);
  where.push(...dateBounds(p, PUBLISHED_OR_PAST, 'past', filter.publishedFrom, filter.publishedTo));
  if (filter.ids != null) where.push(`a.id = ANY(${p.add(toDbIds(filter.ids))}::int[])`);
  if (filter.authorIds != null) {
    where.push(`EXISTS (SELECT 1 FROM article_authors x WHERE x.article_id = a.id AND x.author_id = ANY(${p.add(toDbIds(filter.authorIds))}::int[]))`);
  }
  if (filter.locationIds != null) {
    where.push(inAnyRegion(p, filter.locationIds));
  }
  if (filter.tags != null) where.push(`a.tags && ${p.add(filter.tags)}::text[]`);
  if (filter.languages != null) where.push(anyOfTexts(p, 'a.language', filter.languages));
  if (filter.status != null) where.push(inClosedList('a.status', ARTICLE_STATUSES, filter.status));
  return where;
}

/**
 * Date bounds, `from` inclusive and `to` exclusive, on `key`: a date as an index holds it, undated
 * rows at `-infinity` ('past') or `infinity` ('future'), so that both bounds delimit one range of
 * that index. Undated rows pass no bound.
 */
function dateBounds(p: Params, key: string, undatedAt: 'past' | 'future', from: Date | null | undefined, to: Date | null | undefined): string[] {
  if (from == null && to == null) return [];
  const bounds: string[] = [];
  if (from != null) bounds.push(`${key} >= ${p.add(from)}`);
  if (to != null) bounds.push(`${key} < ${p.add(to)}`);
  // The bound on the undated rows' side of the key is missing: they would pass the other one.
  if (undatedAt === 'past' && from == null) bounds.push(`${key} > '-infinity'::timestamptz`);
  if (undatedAt === 'future' && to == null) bounds.push(`${key} < 'infinity'::timestamptz`);
  return bounds;
}

/** A figure filter's period on `key`, the figure's date its list is ordered by (above). */
function figureDateBounds(p: Params, filter: CasualtyFilter, key: string): string[] {
  return dateBounds(p, key, key === FIGURE_DATE_OR_PAST ? 'past' : 'future', filter.periodFrom, filter.periodTo);
}

function figureConditions(p: Params, filter: CasualtyFilter, scope: ReadScope, order: FigureOrder = 'CODED'): string[] {
  const where = figureVisible(scope);
  if (!filter.includeRetracted) where.push('f.retracted_at IS NULL');
  if (filter.locationId != null) where.push(`f.location_id IN ${within(p, filter.locationId)}`);
  if (filter.outcome != null) where.push(`f.outcome = ${p.add(filter.outcome)}`);
  if (filter.group != null) where.push(`f.population = ${p.add(filter.group)}`);
  if (filter.verification != null) where.push(`f.verification = ANY(${p.add(filter.verification)}::text[])`);
  if (filter.claimantType != null) where.push(`f.claimant_type = ANY(${p.add(filter.claimantType)}::text[])`);
  if (filter.articleId != null) where.push(`f.article_id = ${p.add(toDbId(filter.articleId))}`);
  if (filter.outcomes != null) where.push(`f.outcome = ANY(${p.add(filter.outcomes)}::text[])`);
  if (filter.groups != null) where.push(`f.population = ANY(${p.add(filter.groups)}::text[])`);
  where.push(...figureDateBounds(p, filter, order === 'DATE_ASC' ? FIGURE_DATE_OR_FUTURE : FIGURE_DATE_OR_PAST));
  // Literals, so the review queue's partial index applies to PENDING.
  if (filter.reviewStatus != null) where.push(inClosedList('f.review_status', REVIEW_STATUSES, filter.reviewStatus));
  return where;
}

/** Each word of the search (letters and digits) must start a word of the name: the form 0013_filters.sql indexes. */
function authorConditions(p: Params, filter: AuthorFilter): string[] {
  if (filter.search == null) return [];
  const words = nameSearchWords(filter.search);
  if (words.length === 0) return ['false'];
  // The words hold letters and digits only, so quoting them as tsquery lexemes is safe.
  return [`to_tsvector('simple', au.name) @@ to_tsquery('simple', ${p.add(words.map((word) => `'${word}':*`).join(' & '))})`];
}

/**
 * A sort key as text that its cast reads back exactly: JSON's form of a timestamp is ISO 8601
 * whatever the server's DateStyle, and of a `real` its shortest exact digits (see sort-keys.ts).
 */
function sortKeyText(key: string): string {
  return `to_json(${key}) #>> '{}'`;
}

function locationConditions(p: Params, filter: LocationFilter): string[] {
  const where: string[] = [];
  if (filter.kind != null) where.push(`l.kind = ${p.add(filter.kind)}`);
  if (filter.parentId != null) where.push(`l.parent_id = ${p.add(toDbId(filter.parentId))}`);
  if (filter.withinId != null) where.push(`l.id IN ${within(p, filter.withinId)}`);
  if (filter.nameContains != null) where.push(`strpos(lower(l.name), lower(${p.add(filter.nameContains)})) > 0`);
  return where;
}

/** How a list sorts: by `key` (none for a list sorted by id alone), ties broken by `id`, both in `direction`. */
interface ListSort {
  key: string | null;
  id: string;
  /** The cast a cursor's key value takes to compare with `key` (`::timestamptz`), or ''. */
  cast: string;
  direction: 'ASC' | 'DESC';
}

/**
 * The keyset of one page of a list sorted by `sort`: the conditions its `after` and `before` bounds
 * add, its ORDER BY and its LIMIT (one row more than asked, to tell whether more follow). A page
 * taken `fromEnd` is read in the reverse order, so the same index is scanned backwards (never an
 * OFFSET), and its rows come bottom up: `page` puts them back in the list's order.
 */
function keyset(p: Params, sort: ListSort, page: PageRequest): { bounds: string[]; orderBy: string; limit: string } {
  const columns = sort.key === null ? sort.id : `(${sort.key}, ${sort.id})`;
  const position = ([value, id]: SortKey) => (sort.key === null
    ? p.add(toDbId(id)) : `(${p.add(value)}${sort.cast}, ${p.add(toDbId(id))})`);
  const [later, earlier] = sort.direction === 'ASC' ? ['>', '<'] : ['<', '>'];
  const bounds: string[] = [];
  if (page.after) bounds.push(`${columns} ${later} ${position(page.after)}`);
  if (page.before) bounds.push(`${columns} ${earlier} ${position(page.before)}`);
  const direction = page.fromEnd ? (sort.direction === 'ASC' ? 'DESC' : 'ASC') : sort.direction;
  const orderBy = [sort.key, sort.id].filter((column) => column !== null).map((column) => `${column} ${direction}`).join(', ');
  return { bounds, orderBy, limit: p.add(page.first + 1) };
}

/** A region's articles newest first, undated last: the order `article_regions_newest_idx` keeps (0016). */
const REGION_NEWEST = `coalesce(r.published_at, '-infinity'::timestamptz)`;

/** The filters a list of one region's articles newest first may have besides its region (see `soleRegion`). */
const REGION_PAGE_FILTERS = new Set<string>(['locationId', 'publishedFrom', 'publishedTo']);

/**
 * The region of a list that is the public's articles about one region newest first, perhaps in a
 * period, and nothing else (a dashboard's commonest list), else null. Such a list reads one range of
 * an index whatever the region, a country with ten thousand articles or a town with five, so one
 * plan suits them all and its statement is prepared; a list with any other condition or order is
 * planned for its values, as a town's page and a country's need different plans there.
 */
function soleRegion(filter: ArticleFilter, order: ArticleOrder): string | null {
  if (order !== 'PUBLISHED_AT_DESC' || filter.locationId == null) return null;
  const others = Object.entries(filter).filter(([field, value]) => !REGION_PAGE_FILTERS.has(field) && value != null);
  return others.length === 0 ? filter.locationId : null;
}

/** The names of the prepared list statements, by their text: a few dozen at most (a page's bounds, direction and period vary it). */
const preparedNames = new Map<string, string>();

function preparedName(sql: string): string {
  let name = preparedNames.get(sql);
  if (name === undefined) preparedNames.set(sql, name = `newsgate_list_${preparedNames.size}`);
  return name;
}

/** The statements of `articleBundle`, by key kind, parts and scope: a few dozen at most. */
const bundleStatements = new Map<string, { sql: string; name: string }>();

/**
 * How many authors or places one row of a bundle carries at most (by ranges of ids). Node decodes
 * each JSON column from UTF-8 into one string, and on Node 20 a string of more than 128 KB (64K
 * characters once one of them is outside ASCII, as names and quotes in the news often are) is made in
 * V8's large-object space: 0.7 ms and more each (fresh pages), against a few microseconds below that
 * line. A page's figures in one column were past it (75K characters under the bench's country), so
 * a bundle comes in rows of a part each: one per article, one per article's figures, and authors and
 * places by ranges of `BUNDLE_CHUNK` ids.
 */
const BUNDLE_CHUNK = 100;

/**
 * The one statement of an article bundle (`$1`: the ids or slugs), and its name: it is prepared
 * once per connection, as its plan costs the database more than running it. The articles in a CTE,
 * their figures in another; each row a `part` of the bundle and a JSON array of its records
 * (`records`): records as each kind's own read spells them, but figures, the bulk of it, each as an
 * array of values, `FIGURE_VALUES`; JSON carries dates as text, revived by the caller. Rows are kept
 * small (`BUNDLE_CHUNK`). Authors and places are looked up by `= ANY(ARRAY(...))`, so by primary key
 * rather than by a join over every place.
 */
function bundleStatement(by: ArticleKey, parts: BundleParts, scope: ReadScope): { sql: string; name: string } {
  // Bodies go in the articles' records when the bundle has them, else in a list of their own.
  const bodies = parts.bodies && !parts.articles;
  const id = `${by}_${(['articles', 'authors', 'places', 'figures', 'figurePlaces', 'bodies'] as const).map((part) => Number(parts[part])).join('')}_` +
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
  const articleColumns = parts.articles
    ? ` CROSS JOIN LATERAL (SELECT ${parts.bodies ? ARTICLE_COLUMNS : ARTICLE_SUMMARY_COLUMNS}) r` : '';
  // Each part's rows: the part's name, the order of its rows, and its records.
  const rows = [
    ...(parts.articles ? [`SELECT 'articles', a.id, json_build_array(a.record) FROM a`] : []),
    ...(parts.authors ? [`SELECT 'authors', au.id / ${BUNDLE_CHUNK}, json_agg(r) FROM authors au CROSS JOIN LATERAL (SELECT ${AUTHOR_COLUMNS}) r
         WHERE au.id = ANY(ARRAY(SELECT x.author_id FROM article_authors x WHERE x.article_id IN (SELECT id FROM a))) GROUP BY 2`] : []),
    ...(placesFrom.length ? [`SELECT 'places', l.id / ${BUNDLE_CHUNK}, json_agg(r) FROM locations l CROSS JOIN LATERAL (SELECT ${LOCATION_COLUMNS}) r
         WHERE l.id = ANY(ARRAY(${placesFrom.join(' UNION ALL ')})) GROUP BY 2`] : []),
    ...(figures ? [`SELECT 'figures', f.article_id, json_agg(f.record ORDER BY f.position, f.id) FROM f GROUP BY 2`] : []),
    ...(bodies ? [`SELECT 'bodies', a.id, json_build_array(json_build_object('id', a.id::text, 'body', a.body)) FROM a`] : []),
  ];
  // The unfiltered figure list's conditions take no parameters.
  const sql = `WITH a AS (SELECT a.id${articleRecord}${bodies ? ', a.body' : ''} FROM articles a${articleColumns}
                        ${whereClause([match, ...articleVisible(scope)])})${figures ? `,
    f AS (SELECT f.article_id, f.position, f.id, f.location_id, ${FIGURE_VALUES} AS record FROM casualty_figures f
            ${whereClause(['f.article_id IN (SELECT id FROM a)', ...figureConditions(new Params(), {}, scope)])})` : ''}
    SELECT part, records FROM (${rows.join('\n      UNION ALL ')}) AS bundle(part, chunk, records) ORDER BY part, chunk`;
  const statement = { sql, name: `newsgate_bundle_${id}` };
  bundleStatements.set(id, statement);
  return statement;
}

/** A record whose JSON spells it as its kind's own read does. */
const asRead = (record: never) => record;

/** How each part of a bundle's records is read back from its JSON (see `bundleStatement`). */
const BUNDLE_RECORDS: { [Part in keyof ArticleBundle]: (record: never) => ArticleBundle[Part][number] } = {
  articles: reviveDates,
  authors: asRead,
  places: asRead,
  figures: figureFromValues,
  bodies: asRead,
};

/** Reads in the scope it was made with, each in the lane of its table's family (see `Lane`). */
export class SqlReader implements ContentReader {
  /** `batches` reads bundles of concurrent requests together; every scope of one database shares it. */
  constructor(private readonly db: Db, private readonly scope: ReadScope, private readonly batches = new BundleBatches()) {}

  scoped(scope: ReadScope): SqlReader {
    return new SqlReader(this.db, scope, this.batches);
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

  /** Read together with the same statement's bundles for other requests in this turn (`BundleBatches`). */
  articleBundle(by: ArticleKey, keys: readonly string[], parts: BundleParts): Promise<ArticleBundle> {
    const { sql, name } = bundleStatement(by, parts, this.scope);
    return this.batches.read(name, by, keys, parts, (batched) => this.readBundle(sql, name, by, batched));
  }

  private async readBundle(sql: string, name: string, by: ArticleKey, keys: readonly string[]): Promise<ArticleBundle> {
    const { rows } = await this.db.reads('articles').query<{ part: keyof ArticleBundle; records: never[] }>(
      sql, [by === 'id' ? toDbIds(keys) : keys], name);
    const bundle: ArticleBundle = { articles: [], authors: [], places: [], figures: [], bodies: [] };
    for (const { part, records } of rows) {
      const list: unknown[] = bundle[part];
      const read = BUNDLE_RECORDS[part];
      for (const record of records) list.push(read(record));
    }
    return bundle;
  }

  async articleBodies(ids: readonly string[]) {
    const { rows } = await this.db.reads('articles').query<ArticleBodyRecord>(
      `SELECT a.id::text AS id, a.body FROM articles a ${whereClause(['a.id = ANY($1::int[])', ...articleVisible(this.scope)])}`,
      [toDbIds(ids)]);
    return inKeyOrder(ids, rows, (row) => row.id).map((row) => row?.body ?? null);
  }

  // ---- lists ----------------------------------------------------------------------------------

  async listArticles(filter: ArticleFilter, order: ArticleOrder, page: PageRequest) {
    const region = this.scope.unpublished ? null : soleRegion(filter, order);
    if (region !== null) return this.regionPage(region, filter, page);
    const p = new Params();
    const where = articleConditions(p, filter, this.scope);
    const { key, direction, cast } = articleOrder(p, order, filter);
    const { bounds, orderBy, limit } = keyset(p, { key, id: 'a.id', cast: `::${cast}`, direction }, page);
    // Without bodies: see `ArticleSummary`.
    const sql = `SELECT ${ARTICLE_SUMMARY_COLUMNS}, ${sortKeyText(key)} AS "sortKey" FROM articles a ${whereClause([...where, ...bounds])}
      ORDER BY ${orderBy} LIMIT ${limit}`;
    return this.page<ArticleSummary>('articles', sql, p.values, page);
  }

  /**
   * The public's articles about `region` (published in `filter`'s period, if it has one), newest
   * first, as `listArticles` pages them: one range of `article_regions_newest_idx` (0016), and a
   * prepared statement, since its plan is the same for every region (see `soleRegion`).
   */
  private regionPage(region: string, filter: ArticleFilter, page: PageRequest): Promise<Page<ArticleSummary>> {
    const p = new Params();
    const where = [`r.region_id = ${p.add(toDbId(region))}`, 'r.published', ...articleVisible(this.scope),
      ...dateBounds(p, REGION_NEWEST, 'past', filter.publishedFrom, filter.publishedTo)];
    const { bounds, orderBy, limit } = keyset(p, { key: REGION_NEWEST, id: 'r.article_id', cast: '::timestamptz', direction: 'DESC' }, page);
    const sql = `SELECT ${ARTICLE_SUMMARY_COLUMNS}, ${sortKeyText(REGION_NEWEST)} AS "sortKey"
      FROM article_regions r JOIN articles a ON a.id = r.article_id ${whereClause([...where, ...bounds])}
      ORDER BY ${orderBy} LIMIT ${limit}`;
    return this.page<ArticleSummary>('articles', sql, p.values, page, preparedName(sql));
  }

  async countArticles(filter: ArticleFilter) {
    const p = new Params();
    const { locationId, locationIds, ...rest } = filter;
    // Regions and nothing else narrowing them: counted from the regions' rows alone (an index range).
    if ((locationId == null) !== (locationIds == null) && Object.values(rest).every((value) => value == null)) {
      const regions = locationIds ?? [locationId!];
      const where = [`r.region_id = ANY(${p.add(toDbIds(regions))}::int[])`, ...(this.scope.unpublished ? [] : ['r.published'])];
      const counted = regions.length === 1 ? 'count(*)' : 'count(DISTINCT r.article_id)';
      return this.count('articles', `SELECT ${counted}::int AS n FROM article_regions r ${whereClause(where)}`, p.values);
    }
    const sql = `SELECT count(*)::int AS n FROM articles a ${whereClause(articleConditions(p, filter, this.scope))}`;
    if (filter.search == null) return this.count('articles', sql, p.values);
    const { rows } = await this.db.transaction(async (tx) => {
      await tx.query(SEARCH_COUNT_SETTINGS);
      return tx.query<{ n: number }>(sql, p.values);
    }, { readLane: 'articles' });
    return rows[0].n;
  }

  async listAuthors(page: PageRequest, filter: AuthorFilter = {}) {
    const p = new Params();
    const where = authorConditions(p, filter);
    const { bounds, orderBy, limit } = keyset(p, { key: 'au.name', id: 'au.id', cast: '', direction: 'ASC' }, page);
    return this.page<AuthorRecord>('authors',
      `SELECT ${AUTHOR_COLUMNS}, au.name AS "sortKey" FROM authors au ${whereClause([...where, ...bounds])}
        ORDER BY ${orderBy} LIMIT ${limit}`, p.values, page);
  }

  countAuthors(filter: AuthorFilter = {}) {
    const p = new Params();
    return this.count('authors', `SELECT count(*)::int AS n FROM authors au ${whereClause(authorConditions(p, filter))}`, p.values);
  }

  async listLocations(filter: LocationFilter, page: PageRequest) {
    const p = new Params();
    const where = locationConditions(p, filter);
    const { bounds, orderBy, limit } = keyset(p, { key: 'l.name', id: 'l.id', cast: '', direction: 'ASC' }, page);
    return this.page<LocationRecord>('places',
      `SELECT ${LOCATION_COLUMNS}, l.name AS "sortKey" FROM locations l ${whereClause([...where, ...bounds])}
        ORDER BY ${orderBy} LIMIT ${limit}`, p.values, page);
  }

  countLocations(filter: LocationFilter) {
    const p = new Params();
    return this.count('places', `SELECT count(*)::int AS n FROM locations l ${whereClause(locationConditions(p, filter))}`, p.values);
  }

  async listFigures(filter: CasualtyFilter, page: PageRequest, order: FigureOrder = 'CODED') {
    const p = new Params();
    const where = figureConditions(p, filter, this.scope, order);
    const sort = order === 'CODED' ? null : FIGURE_ORDERS[order];
    const { bounds, orderBy, limit } = keyset(p,
      { key: sort?.key ?? null, id: 'f.id', cast: sort ? `::${sort.cast}` : '', direction: sort?.direction ?? 'ASC' }, page);
    return this.page<CasualtyFigureRecord>('figures',
      `SELECT ${FIGURE_COLUMNS}, ${sort ? sortKeyText(sort.key) : 'NULL::text'} AS "sortKey" FROM casualty_figures f
        ${whereClause([...where, ...bounds])} ORDER BY ${orderBy} LIMIT ${limit}`, p.values, page);
  }

  countFigures(filter: CasualtyFilter) {
    const p = new Params();
    return this.count('figures', `SELECT count(*)::int AS n FROM casualty_figures f ${whereClause(figureConditions(p, filter, this.scope))}`, p.values);
  }

  /**
   * Runs a list query in `lane` that selects up to `page.first + 1` rows with a "sortKey" column
   * (bottom up when `page.fromEnd`: see `keyset`), and pages it in the list's order.
   */
  private async page<T extends { id: string }>(lane: Lane, sql: string, params: unknown[], page: PageRequest, name?: string): Promise<Page<T>> {
    const { rows } = await this.db.reads(lane).query<T & { sortKey: string | null }>(sql, params, name);
    const more = rows.length > page.first;
    const kept = rows.slice(0, page.first);
    if (page.fromEnd) kept.reverse();
    return {
      rows: kept.map(({ sortKey, ...row }) => row as unknown as T),
      keys: kept.map((row): SortKey => [row.sortKey, row.id]),
      hasNextPage: page.fromEnd ? page.before != null : more,
      hasPreviousPage: page.fromEnd ? more : page.after != null,
    };
  }

  private async count(lane: Lane, sql: string, params: unknown[]): Promise<number> {
    const { rows } = await this.db.reads(lane).query<{ n: number }>(sql, params);
    return rows[0].n;
  }
}
