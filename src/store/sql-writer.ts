/**
 * The SQL of editorial writes (`EditorialWrites`, `Writer`): one transaction's creates, updates and
 * deletes, the revision each change to an article or a figure records, and the database's refusals
 * turned into the store's errors. One file because one class makes every write of a transaction:
 * they share its change set, its revision log and its translation of refusals.
 */
import { isDeepStrictEqual } from 'node:util';
import { countWords } from '../domain/article-text';
import { normalizePlaceName } from '../domain/place-names';
import type { Db, Queryable } from './db';
import {
  InUseError, MissingReferenceError, NotFoundError, RuleViolationError, UniqueViolationError, VersionConflictError,
  type StoreEntity,
} from './errors';
import type {
  ArticlePatch, ArticleRecord, IngestedPageRecord, AuthorPatch, AuthorRecord, CasualtyFigureRecord, Changes, FigurePatch,
  LocationAliasRecord, LocationPatch, LocationRecord, NewArticle, NewAuthor, NewCasualtyFigure, NewLocation, RevisionAction,
  RevisionEntity,
} from './records';
import {
  ARTICLE_COLUMNS, AUTHOR_COLUMNS, FIGURE_COLUMNS, LOCATION_COLUMNS, linkAncestors, toDbId,
} from './sql-common';
import type { EditorialWrites, Writer } from './store';

/** Which field a unique or foreign-key constraint protects, for errors that name the input field. */
const CONSTRAINT_FIELDS: Record<string, string> = {
  authors_slug_key: 'slug',
  articles_slug_key: 'slug',
  articles_source_url_key: 'sourceUrl',
  locations_iso_code_key: 'isoCode',
  locations_natural_key: 'name',
  locations_parent_id_fkey: 'parentId',
  location_aliases_pkey: 'alias',
  location_aliases_location_id_fkey: 'locationId',
  article_authors_author_id_fkey: 'authorIds',
  article_authors_pkey: 'authorIds',
  article_locations_location_id_fkey: 'locationIds',
  article_locations_pkey: 'locationIds',
  casualty_figures_location_id_fkey: 'locationId',
  casualty_figures_part_of_id_fkey: 'partOfId',
  casualty_figures_restates_id_fkey: 'restatesId',
  casualty_figures_supersedes_id_fkey: 'supersedesId',
  casualty_figures_import_key_idx: 'key',
};

/** The review rules (migration 0009) the database enforces, as the field and rule a refusal names. */
const CHECK_RULES: Record<string, [field: string, rule: string]> = {
  casualty_figures_confidence_check: ['confidence', 'must be given, from 0 to 1, for an extracted figure, and only for one'],
  casualty_figures_reviewed_check: ['reviewStatus', 'only an extracted figure can await review or be rejected'],
};

/** Turns the database's refusals into the store's own errors; anything else passes unchanged. */
function translate(error: unknown): unknown {
  const { code, constraint, routine } = (error ?? {}) as { code?: string; constraint?: string; routine?: string };
  const field = constraint ? CONSTRAINT_FIELDS[constraint] ?? constraint : 'value';
  if (code === '23505') return new UniqueViolationError(field, undefined);
  if (code === '23503') return new MissingReferenceError(field);
  if (code === '23514' && constraint && CHECK_RULES[constraint]) return new RuleViolationError(...CHECK_RULES[constraint]);
  // An article's search vector (its distinct words with their positions) is limited to 1 MB; a
  // body within the length limit can still pass it (many distinct short words).
  if (code === '54000' && /tsvector/i.test(routine ?? '')) {
    return new RuleViolationError('body', 'has more distinct words than search can index (at most 1 MB of them per article): shorten the body or split the article');
  }
  return error;
}

/** Article fields that are columns of their own, with their column names. */
const ARTICLE_FIELDS: Partial<Record<keyof ArticlePatch, string>> = {
  slug: 'slug', headline: 'headline', standfirst: 'standfirst', body: 'body', publishedAt: 'published_at',
  sourceUrl: 'source_url', language: 'language', tags: 'tags', status: 'status',
};

const FIGURE_FIELDS: Record<keyof FigurePatch, string> = {
  outcome: 'outcome', group: 'population', low: 'low', best: 'best', high: 'high', qualifier: 'qualifier',
  claimedBy: 'claimed_by', claimantType: 'claimant_type', verification: 'verification', quote: 'quote',
  locationId: 'location_id', periodStart: 'period_start', periodEnd: 'period_end', partOfId: 'part_of_id',
  restatesId: 'restates_id', supersedesId: 'supersedes_id', who: 'who', background: 'background',
  reviewStatus: 'review_status', retractedAt: 'retracted_at', retractionReason: 'retraction_reason',
};

const AUTHOR_FIELDS: Record<keyof AuthorPatch, string> = { slug: 'slug', name: 'name', bio: 'bio' };

const LOCATION_FIELDS: Record<keyof LocationPatch, string> = {
  parentId: 'parent_id', name: 'name', kind: 'kind', isoCode: 'iso_code', latitude: 'latitude', longitude: 'longitude',
};

/** The fields of `patch` whose value differs from `current` (dates and lists compared by value). */
function changedFields<T extends object>(current: T, patch: Partial<T>): (keyof T)[] {
  return (Object.keys(patch) as (keyof T)[]).filter((field) =>
    patch[field] !== undefined && !isDeepStrictEqual(normalise(current[field]), normalise(patch[field])));
}

function normalise(value: unknown): unknown {
  return value instanceof Date ? value.getTime() : value;
}

/** `SET a = $n, ...` for the changed fields that are columns, with their values appended to `params`. */
function assignments<T>(fields: (keyof T)[], patch: Partial<T>, columnsOf: Partial<Record<keyof T, string>>, params: unknown[]): string[] {
  return fields.filter((field) => columnsOf[field]).map((field) => {
    params.push(field === 'partOfId' || field === 'locationId' || field === 'parentId'
      ? (patch[field] == null ? null : toDbId(patch[field] as string))
      : patch[field]);
    return `${columnsOf[field]} = $${params.length}`;
  });
}

/** The editorial role over any PostgreSQL engine: each `write` is one transaction of `SqlWriter`. */
export class SqlEditorial implements EditorialWrites {
  constructor(private readonly db: Db) {}

  write<T>(actor: string, work: (writer: Writer) => Promise<T>) {
    return this.db.transaction(async (tx) => {
      const writer = new SqlWriter(tx, actor);
      const value = await work(writer);
      return { value, changes: writer.changes };
    });
  }
}

/**
 * The writes of one transaction (see `Writer` in ./store). Remembers what it touched in `changes`
 * and writes a revision, with the replaced state, for every change to an article or a figure.
 */
export class SqlWriter implements Writer {
  readonly changes: Changes = { authors: new Set(), locations: new Set(), articles: new Set(), figures: new Set() };

  constructor(private readonly tx: Queryable, private readonly actor: string) {}

  private async run<Row>(sql: string, params: unknown[]): Promise<Row[]> {
    try {
      return (await this.tx.query<Row>(sql, params)).rows;
    } catch (error) {
      throw translate(error);
    }
  }

  private async one<Row>(entity: StoreEntity, id: string, sql: string, params: unknown[]): Promise<Row> {
    const [row] = await this.run<Row>(sql, params);
    if (!row) throw new NotFoundError(entity, id);
    return row;
  }

  private async revision(entity: RevisionEntity, id: string, version: number, action: RevisionAction,
    fields: string[], previous: unknown): Promise<void> {
    await this.run(
      `INSERT INTO revisions (entity, entity_id, version, action, changed_fields, changed_by, changed_at, previous)
       VALUES ($1, $2, $3, $4, $5, $6, now(), $7::jsonb)`,
      [entity, toDbId(id), version, action, fields, this.actor, previous === null ? null : JSON.stringify(previous)]);
  }

  // ---- authors and places ---------------------------------------------------------------------

  async createAuthor(author: NewAuthor): Promise<AuthorRecord> {
    const [row] = await this.run<AuthorRecord>(
      `INSERT INTO authors AS au (slug, name, bio) VALUES ($1, $2, $3) RETURNING ${AUTHOR_COLUMNS}`,
      [author.slug, author.name, author.bio]);
    this.changes.authors.add(row.id);
    return row;
  }

  async updateAuthor(id: string, patch: AuthorPatch): Promise<AuthorRecord> {
    const params: unknown[] = [toDbId(id)];
    const set = assignments(Object.keys(patch) as (keyof AuthorPatch)[], patch, AUTHOR_FIELDS, params);
    const row = await this.one<AuthorRecord>('author', id,
      `UPDATE authors AS au SET ${[...set, 'updated_at = now()'].join(', ')} WHERE au.id = $1 RETURNING ${AUTHOR_COLUMNS}`, params);
    this.changes.authors.add(id);
    return row;
  }

  async deleteAuthor(id: string): Promise<void> {
    const [refs] = await this.run<{ articles: number }>(
      `SELECT count(*)::int AS articles FROM article_authors WHERE author_id = $1`, [toDbId(id)]);
    if (refs.articles > 0) throw new InUseError('author', id, refs);
    await this.one('author', id, `DELETE FROM authors WHERE id = $1 RETURNING id`, [toDbId(id)]);
    this.changes.authors.add(id);
  }

  async createLocation(location: NewLocation): Promise<LocationRecord> {
    const [row] = await this.run<LocationRecord>(
      `INSERT INTO locations AS l (parent_id, name, kind, iso_code, latitude, longitude)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${LOCATION_COLUMNS}`,
      [location.parentId == null ? null : toDbId(location.parentId), location.name, location.kind, location.isoCode,
        location.latitude, location.longitude]);
    await linkAncestors(this.tx, [Number(row.id)]);
    this.changes.locations.add(row.id);
    return row;
  }

  async updateLocation(id: string, patch: LocationPatch): Promise<LocationRecord> {
    const [current] = await this.run<LocationRecord>(`SELECT ${LOCATION_COLUMNS} FROM locations l WHERE l.id = $1 FOR UPDATE`, [toDbId(id)]);
    if (!current) throw new NotFoundError('location', id);
    const fields = changedFields(current, patch);
    if (fields.length === 0) return current;
    if (fields.includes('parentId') && patch.parentId != null) {
      const loops = await this.run(`SELECT 1 FROM location_paths WHERE ancestor_id = $1 AND descendant_id = $2`,
        [toDbId(id), toDbId(patch.parentId)]);
      if (loops.length > 0) throw new RuleViolationError('parentId', 'a place cannot move under itself or a place below it');
    }
    const params: unknown[] = [toDbId(id)];
    const [row] = await this.run<LocationRecord>(
      `UPDATE locations AS l SET ${assignments(fields, patch, LOCATION_FIELDS, params).join(', ')}
        WHERE l.id = $1 RETURNING ${LOCATION_COLUMNS}`, params);
    if (fields.includes('parentId')) await this.moveSubtree(id, patch.parentId ?? null);
    // Everything below a moved place moved with it.
    const below = await this.run<{ id: string }>(`SELECT descendant_id::text AS id FROM location_paths WHERE ancestor_id = $1`, [toDbId(id)]);
    for (const { id: moved } of below) this.changes.locations.add(moved);
    return row;
  }

  /** Re-links the closure table after `id` moved under `parentId` (its subtree comes along). */
  private async moveSubtree(id: string, parentId: string | null): Promise<void> {
    const subtree = `(SELECT descendant_id FROM location_paths WHERE ancestor_id = $1)`;
    await this.run(`DELETE FROM location_paths WHERE descendant_id IN ${subtree} AND ancestor_id NOT IN ${subtree}`, [toDbId(id)]);
    if (parentId === null) return;
    await this.run(
      `INSERT INTO location_paths (ancestor_id, descendant_id, distance)
       SELECT above.ancestor_id, below.descendant_id, above.distance + below.distance + 1
         FROM location_paths above CROSS JOIN location_paths below
        WHERE above.descendant_id = $2 AND below.ancestor_id = $1`, [toDbId(id), toDbId(parentId)]);
  }

  async deleteLocation(id: string): Promise<void> {
    const [refs] = await this.run<Record<string, number>>(
      `SELECT (SELECT count(*)::int FROM locations WHERE parent_id = $1) AS "places below it",
              (SELECT count(*)::int FROM article_locations WHERE location_id = $1) AS articles,
              (SELECT count(*)::int FROM casualty_figures WHERE location_id = $1) AS "casualty figures"`, [toDbId(id)]);
    if (Object.values(refs).some((n) => n > 0)) throw new InUseError('location', id, refs);
    await this.one('location', id, `DELETE FROM locations WHERE id = $1 RETURNING id`, [toDbId(id)]);
    this.changes.locations.add(id);
  }

  async addLocationAlias(alias: LocationAliasRecord): Promise<LocationAliasRecord> {
    const [row] = await this.run<LocationAliasRecord>(
      `INSERT INTO location_aliases (location_id, alias, normalized, kind) VALUES ($1, $2, $3, $4)
       RETURNING location_id::text AS "locationId", alias, kind`,
      [toDbId(alias.locationId), alias.alias, normalizePlaceName(alias.alias), alias.kind]);
    this.changes.locations.add(row.locationId);
    return row;
  }

  async removeLocationAlias(locationId: string, alias: string): Promise<void> {
    await this.one('locationAlias', `${locationId}/${alias}`, `DELETE FROM location_aliases WHERE location_id = $1 AND normalized = $2 RETURNING 1`,
      [toDbId(locationId), normalizePlaceName(alias)]);
    this.changes.locations.add(locationId);
  }

  // ---- articles -------------------------------------------------------------------------------

  async articleById(id: string, { lock = false } = {}): Promise<ArticleRecord | null> {
    const [row] = await this.run<ArticleRecord>(
      `SELECT ${ARTICLE_COLUMNS} FROM articles a WHERE a.id = $1${lock ? ' FOR UPDATE' : ''}`, [toDbId(id)]);
    return row ?? null;
  }

  async articleBySourceUrlOrSlug(sourceUrl: string | null, slug: string): Promise<ArticleRecord | null> {
    const [row] = await this.run<ArticleRecord>(
      `SELECT ${ARTICLE_COLUMNS} FROM articles a WHERE a.source_url = $1 OR a.slug = $2
        ORDER BY (a.source_url = $1) DESC NULLS LAST LIMIT 1 FOR UPDATE`, [sourceUrl, slug]);
    return row ?? null;
  }

  async createArticle(article: NewArticle): Promise<ArticleRecord> {
    const [{ id }] = await this.run<{ id: string }>(
      `INSERT INTO articles (slug, headline, standfirst, body, published_at, source_url, language, tags, word_count, status)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id::text AS id`,
      [article.slug, article.headline, article.standfirst, article.body, article.publishedAt, article.sourceUrl,
        article.language, article.tags, countWords(article.body), article.status ?? 'DRAFT']);
    await this.replaceLinks(id, article.authorIds, article.locationIds);
    await this.revision('ARTICLE', id, 1, 'CREATE', [], null);
    this.changes.articles.add(id);
    return (await this.articleById(id))!;
  }

  async updateArticle(id: string, expectedVersion: number, patch: ArticlePatch, action: RevisionAction = 'UPDATE'): Promise<ArticleRecord> {
    const current = await this.articleById(id, { lock: true });
    if (!current) throw new NotFoundError('article', id);
    if (current.version !== expectedVersion) throw new VersionConflictError('article', id, expectedVersion, current.version);
    const fields = changedFields(current, patch);
    if (fields.length === 0) return current;
    const params: unknown[] = [toDbId(id)];
    const set = assignments(fields, patch, ARTICLE_FIELDS, params);
    if (fields.includes('body')) set.push(`word_count = $${params.push(countWords(patch.body!))}`);
    await this.run(`UPDATE articles SET ${[...set, 'version = version + 1', 'updated_at = now()'].join(', ')} WHERE id = $1`, params);
    if (fields.includes('authorIds') || fields.includes('locationIds')) {
      await this.replaceLinks(id, fields.includes('authorIds') ? patch.authorIds! : null,
        fields.includes('locationIds') ? patch.locationIds! : null);
    }
    await this.revision('ARTICLE', id, current.version + 1, action, fields as string[], current);
    this.changes.articles.add(id);
    return (await this.articleById(id))!;
  }

  /** Replaces an article's authors and/or places (null leaves that list alone). */
  private async replaceLinks(id: string, authorIds: string[] | null, locationIds: string[] | null): Promise<void> {
    const replace = async (table: string, column: string, ids: string[]) => {
      await this.run(`DELETE FROM ${table} WHERE article_id = $1`, [toDbId(id)]);
      await this.run(
        `INSERT INTO ${table} (article_id, ${column}, position)
         SELECT $1, target, position - 1 FROM unnest($2::int[]) WITH ORDINALITY AS t(target, position)`,
        [toDbId(id), ids.map(toDbId)]);
    };
    if (authorIds) await replace('article_authors', 'author_id', authorIds);
    if (locationIds) await replace('article_locations', 'location_id', locationIds);
  }

  // ---- ingestion ------------------------------------------------------------------------------

  async ingestedPage(articleId: string): Promise<IngestedPageRecord | null> {
    const [row] = await this.run<IngestedPageRecord>(
      `SELECT article_id::text AS "articleId", source_id AS "sourceId", digest, first_ingested AS "firstIngested",
              last_ingested AS "lastIngested" FROM ingested_pages WHERE article_id = $1 FOR UPDATE`, [toDbId(articleId)]);
    return row ?? null;
  }

  async recordIngestedPage({ articleId, sourceId, digest }: Omit<IngestedPageRecord, 'firstIngested' | 'lastIngested'>): Promise<void> {
    await this.run(
      `INSERT INTO ingested_pages (article_id, source_id, digest) VALUES ($1, $2, $3)
       ON CONFLICT (article_id) DO UPDATE SET source_id = excluded.source_id, digest = excluded.digest, last_ingested = now()`,
      [toDbId(articleId), sourceId, digest]);
  }

  // ---- figures --------------------------------------------------------------------------------

  async figureById(id: string, { lock = false } = {}): Promise<CasualtyFigureRecord | null> {
    const [row] = await this.run<CasualtyFigureRecord>(
      `SELECT ${FIGURE_COLUMNS} FROM casualty_figures f WHERE f.id = $1${lock ? ' FOR UPDATE' : ''}`, [toDbId(id)]);
    return row ?? null;
  }

  figuresOfArticle(articleId: string) {
    return this.run<CasualtyFigureRecord & { importKey: string | null }>(
      `SELECT ${FIGURE_COLUMNS}, f.import_key AS "importKey" FROM casualty_figures f WHERE f.article_id = $1
        ORDER BY f.position, f.id FOR UPDATE`, [toDbId(articleId)]);
  }

  async createFigure(figure: NewCasualtyFigure): Promise<CasualtyFigureRecord> {
    const [{ id }] = await this.run<{ id: string }>(
      `INSERT INTO casualty_figures (article_id, position, outcome, population, low, best, high, qualifier, claimed_by,
                                     claimant_type, verification, quote, location_id, period_start, period_end,
                                     part_of_id, import_key, restates_id, supersedes_id, who, background,
                                     origin, confidence, review_status)
       VALUES ($1, coalesce($2, (SELECT count(*) FROM casualty_figures WHERE article_id = $1)), $3, $4, $5, $6, $7,
               $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24)
       RETURNING id::text AS id`,
      [toDbId(figure.articleId), figure.position ?? null, figure.outcome, figure.group, figure.low, figure.best,
        figure.high, figure.qualifier, figure.claimedBy, figure.claimantType, figure.verification, figure.quote,
        figure.locationId == null ? null : toDbId(figure.locationId), figure.periodStart, figure.periodEnd,
        figure.partOfId == null ? null : toDbId(figure.partOfId), figure.importKey ?? null,
        figure.restatesId == null ? null : toDbId(figure.restatesId), figure.supersedesId == null ? null : toDbId(figure.supersedesId),
        figure.who ?? null, figure.background ?? false, figure.origin ?? 'MANUAL', figure.confidence ?? null,
        figure.reviewStatus ?? 'ACCEPTED']);
    await this.revision('CASUALTY_FIGURE', id, 1, 'CREATE', [], null);
    this.changes.figures.add(id);
    this.changes.articles.add(figure.articleId);
    return (await this.figureById(id))!;
  }

  async updateFigure(id: string, expectedVersion: number, patch: FigurePatch, action: RevisionAction = 'UPDATE'): Promise<CasualtyFigureRecord> {
    const current = await this.figureById(id, { lock: true });
    if (!current) throw new NotFoundError('casualtyFigure', id);
    if (current.version !== expectedVersion) throw new VersionConflictError('casualtyFigure', id, expectedVersion, current.version);
    const fields = changedFields(current, patch) as (keyof FigurePatch)[];
    if (fields.length === 0) return current;
    const params: unknown[] = [toDbId(id)];
    const set = assignments(fields, patch, FIGURE_FIELDS, params);
    await this.run(`UPDATE casualty_figures SET ${[...set, 'version = version + 1', 'updated_at = now()'].join(', ')} WHERE id = $1`, params);
    await this.revision('CASUALTY_FIGURE', id, current.version + 1, action, fields as string[], current);
    this.changes.figures.add(id);
    this.changes.articles.add(current.articleId);
    return (await this.figureById(id))!;
  }
}
