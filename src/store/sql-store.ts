import type { Db } from './db';
import type {
  ApiKeyRecord, ArticleBundle, ArticleFilter, ArticleKey, BundleParts, ArticleOrder, AuthorFilter, CasualtyFilter, FigureOrder, LocationAliasRecord, LocationFilter, NewArticle, NewAuthor, NewCasualtyFigure,
  NewLocation, PageRequest, ReadScope, RevisionEntity, StatsQuery,
} from './records';
import { SqlApiKeys } from './sql-api-keys';
import { SqlBulkLoader } from './sql-bulk-load';
import { SqlHistory } from './sql-history';
import { SqlHousekeeping } from './sql-housekeeping';
import { SqlReader } from './sql-reader';
import { buildKeptStatistics, casualtyStats } from './sql-stats';
import { SqlEditorial } from './sql-writer';
import { type ContentStore, type IdKind, PUBLIC_SCOPE, type Writer } from './store';

/**
 * The content store over any PostgreSQL engine (`pg` or PGlite), in one dialect: the adapters of
 * its roles (./store.ts) put together. This file holds no SQL; each role's SQL is in a file of its
 * own: reading in ./sql-reader.ts, statistics in ./sql-stats.ts, history in ./sql-history.ts,
 * editorial writes in ./sql-writer.ts, bulk loads in ./sql-bulk-load.ts, API keys in
 * ./sql-api-keys.ts, housekeeping in ./sql-housekeeping.ts, and what they share in ./sql-common.ts.
 */
export class SqlStore implements ContentStore {
  private readonly reader: SqlReader;
  private readonly history: SqlHistory;
  private readonly editorial: SqlEditorial;
  private readonly bulk: SqlBulkLoader;
  private readonly keys: SqlApiKeys;
  private readonly housekeeping: SqlHousekeeping;

  /** `reader`: the reads of another scope of the same database, so that they share its batches. */
  constructor(private readonly db: Db, private readonly scope: ReadScope = PUBLIC_SCOPE, reader?: SqlReader) {
    this.reader = reader?.scoped(scope) ?? new SqlReader(db, scope);
    this.history = new SqlHistory(db, scope);
    this.editorial = new SqlEditorial(db);
    this.bulk = new SqlBulkLoader(db);
    this.keys = new SqlApiKeys(db);
    this.housekeeping = new SqlHousekeeping(db);
  }

  /**
   * Builds the statistics kept per article where they are not built yet (a count of every article,
   * tens of seconds on a large store; nothing once built). See `buildKeptStatistics`.
   */
  prepareStatistics(): Promise<void> {
    return buildKeptStatistics(this.db);
  }

  scoped(scope: ReadScope): SqlStore {
    return new SqlStore(this.db, scope, this.reader);
  }

  // ---- reading --------------------------------------------------------------------------------

  authorsByIds(ids: readonly string[]) { return this.reader.authorsByIds(ids); }
  authorsBySlugs(slugs: readonly string[]) { return this.reader.authorsBySlugs(slugs); }
  articlesByIds(ids: readonly string[]) { return this.reader.articlesByIds(ids); }
  articlesBySlugs(slugs: readonly string[]) { return this.reader.articlesBySlugs(slugs); }
  locationsByIds(ids: readonly string[]) { return this.reader.locationsByIds(ids); }
  locationsByIsoCodes(codes: readonly string[]) { return this.reader.locationsByIsoCodes(codes); }
  figuresByIds(ids: readonly string[]) { return this.reader.figuresByIds(ids); }
  childrenOf(locationIds: readonly string[]) { return this.reader.childrenOf(locationIds); }
  ancestorsOf(locationIds: readonly string[]) { return this.reader.ancestorsOf(locationIds); }
  locationsByNames(names: readonly string[]) { return this.reader.locationsByNames(names); }
  gazetteer() { return this.reader.gazetteer(); }
  aliasesOf(locationIds: readonly string[]) { return this.reader.aliasesOf(locationIds); }
  figuresOfArticles(articleIds: readonly string[], filter?: CasualtyFilter) { return this.reader.figuresOfArticles(articleIds, filter); }
  partsOf(figureIds: readonly string[]) { return this.reader.partsOf(figureIds); }

  articleBundle(by: ArticleKey, keys: readonly string[], parts: BundleParts) { return this.reader.articleBundle(by, keys, parts); }
  articleBodies(ids: readonly string[]) { return this.reader.articleBodies(ids); }

  listArticles(filter: ArticleFilter, order: ArticleOrder, page: PageRequest) { return this.reader.listArticles(filter, order, page); }
  countArticles(filter: ArticleFilter) { return this.reader.countArticles(filter); }
  listAuthors(page: PageRequest, filter?: AuthorFilter) { return this.reader.listAuthors(page, filter); }
  countAuthors(filter?: AuthorFilter) { return this.reader.countAuthors(filter); }
  listLocations(filter: LocationFilter, page: PageRequest) { return this.reader.listLocations(filter, page); }
  countLocations(filter: LocationFilter) { return this.reader.countLocations(filter); }
  listFigures(filter: CasualtyFilter, page: PageRequest, order?: FigureOrder) { return this.reader.listFigures(filter, page, order); }
  countFigures(filter: CasualtyFilter) { return this.reader.countFigures(filter); }

  // ---- statistics and history -----------------------------------------------------------------

  casualtyStats(query: StatsQuery) { return casualtyStats(this.db, this.scope, query); }
  revisionsOf<State>(entity: RevisionEntity, ids: readonly string[]) { return this.history.revisionsOf<State>(entity, ids); }
  articleAsOf(id: string, at: Date) { return this.history.articleAsOf(id, at); }
  figuresAsOf(articleId: string, at: Date) { return this.history.figuresAsOf(articleId, at); }

  // ---- editorial writes and bulk loads --------------------------------------------------------

  write<T>(actor: string, work: (writer: Writer) => Promise<T>) { return this.editorial.write(actor, work); }

  allocateIds(kind: IdKind, count: number) { return this.bulk.allocateIds(kind, count); }
  insertAuthors(authors: readonly NewAuthor[]) { return this.bulk.insertAuthors(authors); }
  upsertLocations(locations: readonly NewLocation[]) { return this.bulk.upsertLocations(locations); }
  insertArticles(articles: readonly NewArticle[]) { return this.bulk.insertArticles(articles); }
  insertFigures(figures: readonly NewCasualtyFigure[]) { return this.bulk.insertFigures(figures); }
  insertLocationAliases(aliases: readonly LocationAliasRecord[]) { return this.bulk.insertLocationAliases(aliases); }

  // ---- API keys and housekeeping --------------------------------------------------------------

  apiKeyById(id: string) { return this.keys.apiKeyById(id); }
  insertApiKey(key: Omit<ApiKeyRecord, 'createdAt' | 'revokedAt'>) { return this.keys.insertApiKey(key); }
  revokeApiKey(id: string) { return this.keys.revokeApiKey(id); }
  listApiKeys() { return this.keys.listApiKeys(); }

  get engine() { return this.housekeeping.engine; }
  isEmpty() { return this.housekeeping.isEmpty(); }
  ping() { return this.housekeeping.ping(); }
  schemaVersion() { return this.housekeeping.schemaVersion(); }
  close() { return this.housekeeping.close(); }
}
