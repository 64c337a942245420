import { countWords } from '../domain/article-text';
import type { Db, Lane, Queryable } from './db';
import type {
  ArticleFilter, ArticleOrder, ArticleRecord, AuthorRecord, CasualtyFigureRecord, CasualtyFilter,
  LocationFilter, LocationRecord, NewArticle, NewAuthor, NewCasualtyFigure, NewLocation, Page, PageRequest,
  ApiKeyRecord, ReadScope, RevisionEntity, RevisionRecord, SortKey, StatsQuery,
} from './records';
import { reviveDates } from './records';
import { casualtyStats } from './sql-stats';
import type { ContentStore, IdKind, Writer } from './store';
import {
  ARTICLE_COLUMNS, AUTHOR_COLUMNS, FIGURE_COLUMNS, LOCATION_COLUMNS, Params, columns, groupedInKeyOrder,
  inKeyOrder, linkAncestors, toDbId, toDbIds,
} from './sql-common';
import { SqlWriter } from './sql-writer';
import { currentVersion } from './migrate';

const API_KEY_SELECT = `SELECT id, name, role, secret_hash AS "secretHash", created_at AS "createdAt",
  revoked_at AS "revokedAt" FROM api_keys`;

/** The public's scope: published articles only. */
export const PUBLIC: ReadScope = { unpublished: false };

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

/** Articles a reader in `scope` may see. */
function articleVisible(scope: ReadScope, alias = 'a'): string[] {
  return scope.unpublished ? [] : [`${alias}.status = 'PUBLISHED'`];
}

/**
 * Figures a reader in `scope` may see: those of articles they may see, by the copy of the article's
 * status each figure carries (kept by triggers, see 0006_figure_article_columns.sql).
 */
function figureVisible(scope: ReadScope): string[] {
  return scope.unpublished ? [] : [`f.article_status = 'PUBLISHED'`];
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
 * The content store over any PostgreSQL engine (`pg` or PGlite). All SQL lives here, in one
 * dialect. Bulk writes send whole columns as arrays and `unnest` them: one statement per table,
 * whatever the number of rows.
 */
export class SqlStore implements ContentStore {
  constructor(private readonly db: Db, private readonly scope: ReadScope = PUBLIC) {}

  scoped(scope: ReadScope): SqlStore {
    return new SqlStore(this.db, scope);
  }

  get engine() {
    return this.db.engine;
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

  casualtyStats(query: StatsQuery) {
    return casualtyStats(this.db, this.scope, query);
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

  // ---- editorial writes, revisions and keys ---------------------------------------------------

  async write<T>(actor: string, work: (writer: Writer) => Promise<T>) {
    return this.db.transaction(async (tx) => {
      const writer = new SqlWriter(tx, actor);
      const value = await work(writer);
      return { value, changes: writer.changes };
    });
  }

  async revisionsOf<State>(entity: RevisionEntity, ids: readonly string[]) {
    const { rows } = await this.db.reads('revisions').query<RevisionRecord<State>>(
      `SELECT entity, entity_id::text AS "entityId", version, action, changed_fields AS "changedFields",
              changed_by AS "changedBy", changed_at AS "changedAt", previous
         FROM revisions WHERE entity = $1 AND entity_id = ANY($2::int[]) ORDER BY entity_id, version`,
      [entity, toDbIds(ids)]);
    for (const row of rows) row.previous = row.previous && reviveDates(row.previous);
    return groupedInKeyOrder(ids, rows, (row) => row.entityId);
  }

  /**
   * The public reads only articles that are published now as well as then: unpublishing takes an
   * article's past down too. Readers who see drafts read every past published state.
   */
  async articleAsOf(id: string, at: Date) {
    const [[article], figures] = await Promise.all([
      this.statesAsOf<ArticleRecord>('ARTICLE',
        `SELECT ${ARTICLE_COLUMNS} FROM articles a ${whereClause(['a.id = $1', ...articleVisible(this.scope)])}`, id, at),
      this.statesAsOf<CasualtyFigureRecord>('CASUALTY_FIGURE',
        `SELECT ${FIGURE_COLUMNS}, f.updated_at AS "updatedAt" FROM casualty_figures f WHERE f.article_id = $1
          ORDER BY f.position, f.id`, id, at),
    ]);
    if (!article || article.status !== 'PUBLISHED') return null;
    return { article, figures: figures.filter((figure) => !figure.retractedAt || figure.retractedAt > at) };
  }

  /**
   * The states the rows of `sql` (selected by `$1 = id`, each with an "updatedAt") had at `at`: the
   * current row if it has not changed since, else the state the first later change replaced; rows
   * created after `at` are left out.
   */
  private async statesAsOf<State extends { id: string }>(entity: RevisionEntity, sql: string, id: string, at: Date): Promise<State[]> {
    const { rows } = await this.db.reads('revisions').query<State & { updatedAt: Date; replaced: State | null; changedLater: boolean }>(
      `SELECT cur.*, (r.id IS NOT NULL) AS "changedLater", r.previous AS replaced
         FROM (${sql}) cur
         LEFT JOIN LATERAL (
           SELECT id, previous FROM revisions
            WHERE entity = $3 AND entity_id = cur.id::int AND changed_at > $2
            ORDER BY changed_at, version LIMIT 1) r ON cur."updatedAt" > $2`,
      [toDbId(id), at, entity]);
    return rows.flatMap(({ changedLater, replaced, ...current }) => {
      if (!changedLater) return current.updatedAt <= at ? [current as unknown as State] : [];
      return replaced ? [reviveDates(replaced) as State] : [];
    });
  }

  async apiKeyById(id: string) {
    const { rows } = await this.db.reads('keys').query<ApiKeyRecord>(`${API_KEY_SELECT} WHERE id = $1`, [id]);
    return rows[0] ?? null;
  }

  async insertApiKey(key: Omit<ApiKeyRecord, 'createdAt' | 'revokedAt'>) {
    const { rows } = await this.db.query<ApiKeyRecord>(
      `INSERT INTO api_keys (id, name, role, secret_hash) VALUES ($1, $2, $3, $4)
       RETURNING id, name, role, secret_hash AS "secretHash", created_at AS "createdAt", revoked_at AS "revokedAt"`,
      [key.id, key.name, key.role, key.secretHash]);
    return rows[0];
  }

  async revokeApiKey(id: string) {
    const { rows } = await this.db.query(`UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING id`, [id]);
    return rows.length === 1;
  }

  async listApiKeys() {
    return (await this.db.reads('keys').query<ApiKeyRecord>(`${API_KEY_SELECT} ORDER BY created_at, id`)).rows;
  }

  // ---- housekeeping ---------------------------------------------------------------------------

  async isEmpty() {
    const { rows } = await this.db.reads('articles').query(`SELECT 1 FROM articles LIMIT 1`);
    return rows.length === 0;
  }

  /** Asks on the probe connection (see `Db.probe`): busy pools do not make it fail. */
  async ping() {
    await this.db.probe('SELECT 1');
  }

  /** Asked on the probe connection, like `ping`. */
  schemaVersion() {
    return currentVersion({ query: (sql, params) => this.db.probe(sql, params) });
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

