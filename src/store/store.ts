/**
 * The content store's interfaces: one per role (reading, statistics, history, editorial writes,
 * bulk loads, API keys, housekeeping) and `ContentStore`, all of them in one. The SQL adapter is
 * ./sql-store.ts; the read-through cache decorates any `ContentStore`.
 */
import type {
  ApiKeyRecord, ArticleBundle, ArticleFilter, ArticleKey, ArticleOrder, ArticlePatch, ArticleRecord, ArticleSummary, AuthorFilter, AuthorPatch, AuthorRecord,
  BundleParts, CasualtyFigureRecord, CasualtyFilter, Changes, FigureOrder, IngestedPageRecord, FigurePatch, GazetteerPlace, LocationAliasRecord, LocationFilter, LocationPatch, LocationRecord,
  NewArticle, NewAuthor, NewCasualtyFigure, NewLocation, Page, PageRequest, ReadScope, RevisionAction,
  RevisionEntity, RevisionRecord, StatsQuery, StatsResult,
} from './records';
import type { ReadTags } from '../cache/read-tags';

/** The public's scope: published articles only. Stores read with it unless told otherwise. */
export const PUBLIC_SCOPE: ReadScope = { unpublished: false };

/**
 * Records by key and lists of them, as a reader in one scope sees them.
 *
 * Batch reads take a list of keys and resolve in key order, one entry per key: `null` (or an empty
 * list) for a key that matches nothing, never an error for the whole batch. Each batch read is one
 * round-trip to the database, whatever the number of keys.
 */
export interface ContentReader {
  /** The same reads in another scope (editors see drafts). */
  scoped(scope: ReadScope): ContentReader;

  authorsByIds(ids: readonly string[]): Promise<(AuthorRecord | null)[]>;
  authorsBySlugs(slugs: readonly string[]): Promise<(AuthorRecord | null)[]>;
  articlesByIds(ids: readonly string[]): Promise<(ArticleRecord | null)[]>;
  articlesBySlugs(slugs: readonly string[]): Promise<(ArticleRecord | null)[]>;
  locationsByIds(ids: readonly string[]): Promise<(LocationRecord | null)[]>;
  locationsByIsoCodes(codes: readonly string[]): Promise<(LocationRecord | null)[]>;
  /** Every place named each of `names` (without regard to case), by id; names are not unique. */
  locationsByNames(names: readonly string[]): Promise<LocationRecord[][]>;
  figuresByIds(ids: readonly string[]): Promise<(CasualtyFigureRecord | null)[]>;
  /** Direct children of each place, by name. */
  childrenOf(locationIds: readonly string[]): Promise<LocationRecord[][]>;
  /** Ancestors of each place, nearest first, without the place itself. */
  ancestorsOf(locationIds: readonly string[]): Promise<LocationRecord[][]>;
  /** Each article's figures matching `filter`, in the order they appear in the text. */
  figuresOfArticles(articleIds: readonly string[], filter?: CasualtyFilter): Promise<CasualtyFigureRecord[][]>;
  /** The figures counted inside each figure (its `parts`). */
  partsOf(figureIds: readonly string[]): Promise<CasualtyFigureRecord[][]>;

  /**
   * The articles named by `keys` (by id or by slug, those this scope sees) and the records `parts`
   * asks for of what they reference, flat, in one round-trip: what an article's fields would have
   * read in several. Each kind of record is equal to what that kind's own batch read returns.
   */
  articleBundle(by: ArticleKey, keys: readonly string[], parts: BundleParts): Promise<ArticleBundle>;

  /** Each article's body (`null` for one this scope does not see): what a listed article lacks. */
  articleBodies(ids: readonly string[]): Promise<(string | null)[]>;

  /**
   * Articles without their bodies (`ArticleSummary`: read them by `articleBodies`). `RELEVANCE`
   * needs `filter.search` (rejects without it); its keys are ranks (./sort-keys.ts).
   */
  listArticles(filter: ArticleFilter, order: ArticleOrder, page: PageRequest): Promise<Page<ArticleSummary>>;
  countArticles(filter: ArticleFilter): Promise<number>;
  /** By name; `filter` defaults to every author. */
  listAuthors(page: PageRequest, filter?: AuthorFilter): Promise<Page<AuthorRecord>>;
  countAuthors(filter?: AuthorFilter): Promise<number>;
  listLocations(filter: LocationFilter, page: PageRequest): Promise<Page<LocationRecord>>;
  countLocations(filter: LocationFilter): Promise<number>;
  /** In `order` (by id when omitted); by date the keys are instants (./sort-keys.ts). */
  listFigures(filter: CasualtyFilter, page: PageRequest, order?: FigureOrder): Promise<Page<CasualtyFigureRecord>>;
  countFigures(filter: CasualtyFilter): Promise<number>;
}

/** Places' names for matching text against: the gazetteer and places' other names. */
export interface GazetteerReader {
  /**
   * Every place with its aliases, by id: the whole gazetteer in one round-trip. Meant for matching
   * an article's text, once per article; fine for gazetteers of tens of thousands of places (a few
   * megabytes), not for millions.
   */
  gazetteer(): Promise<GazetteerPlace[]>;
  /** Each place's aliases, by alias; `[]` for a place without any or an unknown id. */
  aliasesOf(locationIds: readonly string[]): Promise<LocationAliasRecord[][]>;
}

/** Statistics over the figures a reader's scope sees. */
export interface StatisticsReader {
  /** Casualty statistics without double counting (see ./sql-stats.ts for the rules). */
  casualtyStats(query: StatsQuery): Promise<StatsResult>;
}

/** What articles and figures were: the revisions editorial writes recorded. */
export interface HistoryReader {
  /** Each article's or figure's changes, oldest first. */
  revisionsOf<State>(entity: RevisionEntity, ids: readonly string[]): Promise<RevisionRecord<State>[][]>;
  /**
   * The article as it stood at `at` if it was published then (null otherwise, or when it did not
   * exist yet); its figures as they stood then, retracted ones left out. In the public's scope also
   * null when the article is not published now: unpublishing withdraws its past as well.
   */
  articleAsOf(id: string, at: Date): Promise<{ article: ArticleRecord; figures: CasualtyFigureRecord[] } | null>;
  /**
   * The article's figures as they stood at `at`, whatever the article's status then, in text order:
   * retracted ones left out, and in the public's scope only those accepted then. Empty when the
   * article had none (or did not exist).
   */
  figuresAsOf(articleId: string, at: Date): Promise<CasualtyFigureRecord[]>;
}

/** Editorial writes: checked, versioned, recorded in revisions (see `Writer`). */
export interface EditorialWrites {
  /**
   * Runs `work` in one transaction on behalf of `actor` (recorded in revisions): all its writes
   * land together or none do. Resolves to what `work` returned and what it changed.
   */
  write<T>(actor: string, work: (writer: Writer) => Promise<T>): Promise<{ value: T; changes: Changes }>;
}

/** The tables whose sequences `BulkLoader.allocateIds` takes ids from. */
export type IdKind = 'authors' | 'locations' | 'articles' | 'casualty_figures';

/**
 * Bulk loads, for seeds and the worked example: whole batches in one statement per table, with no
 * revisions and no version checks.
 */
export interface BulkLoader {
  /** Takes `count` fresh ids from a table's sequence, so callers can link records before writing them. */
  allocateIds(kind: IdKind, count: number): Promise<string[]>;
  /** Bulk writes in one transaction each; resolve to the ids, in input order. */
  insertAuthors(authors: readonly NewAuthor[]): Promise<string[]>;
  /**
   * Inserts places whose parents already exist, or finds them when a place with the same parent,
   * kind and name (or the same ISO code) is already stored; resolves to the ids in input order.
   */
  upsertLocations(locations: readonly NewLocation[]): Promise<string[]>;
  insertArticles(articles: readonly NewArticle[]): Promise<string[]>;
  /** Figures may be `partOf` figures of the same call when their ids were allocated beforehand. */
  insertFigures(figures: readonly NewCasualtyFigure[]): Promise<string[]>;
  /** Adds places' aliases; an alias the place already has (in normal form) is left as it is. */
  insertLocationAliases(aliases: readonly LocationAliasRecord[]): Promise<void>;
}

/** API keys: only their secrets' hashes are stored. */
export interface ApiKeyStore {
  apiKeyById(id: string): Promise<ApiKeyRecord | null>;
  insertApiKey(key: Omit<ApiKeyRecord, 'createdAt' | 'revokedAt'>): Promise<ApiKeyRecord>;
  /** Resolves to false when there is no such key or it was already revoked. */
  revokeApiKey(id: string): Promise<boolean>;
  listApiKeys(): Promise<ApiKeyRecord[]>;
}

/** The store's own state: its engine, whether it answers, its schema, its end. */
export interface Housekeeping {
  readonly engine: 'postgres' | 'pglite';
  /** True when no article is stored. */
  isEmpty(): Promise<boolean>;
  /** Resolves when the database answers. */
  ping(): Promise<void>;
  /** The highest migration applied to the database. */
  schemaVersion(): Promise<number>;
  close(): Promise<void>;
}

/**
 * The content store: every role above in one object, for callers that need them all (the graph's
 * context, the cache in front of the store). It knows nothing of GraphQL. A caller that needs one
 * role takes that role's interface.
 */
export interface ContentStore
  extends ContentReader, GazetteerReader, StatisticsReader, HistoryReader, EditorialWrites, BulkLoader, ApiKeyStore, Housekeeping {
  /** The same store, reading with another scope (editors see drafts). */
  scoped(scope: ReadScope): ContentStore;
  /**
   * The same store, noting in `reads` the cache tags of everything read through it (see
   * src/cache/read-tags.ts); absent where nothing is cached.
   */
  noting?(reads: ReadTags): ContentStore;
}

/**
 * Writes inside one transaction (see `EditorialWrites.write`). Every change to an article or a figure
 * bumps its version and records a revision with the state it replaced. Refusals are thrown as the
 * errors of ./errors (NotFoundError, VersionConflictError, InUseError, UniqueViolationError,
 * MissingReferenceError), which roll the whole transaction back.
 */
export interface Writer {
  createAuthor(author: NewAuthor): Promise<AuthorRecord>;
  updateAuthor(id: string, patch: AuthorPatch): Promise<AuthorRecord>;
  deleteAuthor(id: string): Promise<void>;
  createLocation(location: NewLocation): Promise<LocationRecord>;
  updateLocation(id: string, patch: LocationPatch): Promise<LocationRecord>;
  deleteLocation(id: string): Promise<void>;
  /** Refused with UniqueViolationError ('alias') when the place has that alias in normal form already. */
  addLocationAlias(alias: LocationAliasRecord): Promise<LocationAliasRecord>;
  /** Removes the place's alias with `alias`'s normal form; NotFoundError('locationAlias', 'id/alias') when it has none such. */
  removeLocationAlias(locationId: string, alias: string): Promise<void>;

  /** Any status; reads ignore the scope inside a transaction. */
  articleById(id: string, options?: { lock?: boolean }): Promise<ArticleRecord | null>;
  articleBySourceUrlOrSlug(sourceUrl: string | null, slug: string): Promise<ArticleRecord | null>;
  createArticle(article: NewArticle): Promise<ArticleRecord>;
  /** Refused with VersionConflictError unless the article is still at `expectedVersion`. */
  updateArticle(id: string, expectedVersion: number, patch: ArticlePatch, action?: RevisionAction): Promise<ArticleRecord>;

  figureById(id: string, options?: { lock?: boolean }): Promise<CasualtyFigureRecord | null>;
  /** Every figure of the article, retracted ones included, in text order. */
  figuresOfArticle(articleId: string): Promise<(CasualtyFigureRecord & { importKey: string | null })[]>;
  createFigure(figure: NewCasualtyFigure): Promise<CasualtyFigureRecord>;
  updateFigure(id: string, expectedVersion: number, patch: FigurePatch, action?: RevisionAction): Promise<CasualtyFigureRecord>;

  /** What ingestion last read for the article (its page's digest), locked for this write; null if it was never ingested. */
  ingestedPage(articleId: string): Promise<IngestedPageRecord | null>;
  /** Remembers the digest of the page just ingested for the article (and the source it came from). */
  recordIngestedPage(page: Omit<IngestedPageRecord, 'firstIngested' | 'lastIngested'>): Promise<void>;
}
