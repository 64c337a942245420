import type {
  ArticleFilter, ArticleOrder, ArticleRecord, AuthorRecord, CasualtyFigureRecord, CasualtyFilter,
  LocationFilter, LocationRecord, NewArticle, NewAuthor, NewCasualtyFigure, NewLocation, Page, PageRequest,
} from './records';

export type IdKind = 'authors' | 'locations' | 'articles' | 'casualty_figures';

/**
 * The content store: everything the graph reads and the loaders write. It knows nothing of GraphQL.
 *
 * Batch reads take a list of keys and resolve in key order, one entry per key: `null` (or an empty
 * list) for a key that matches nothing, never an error for the whole batch. Each batch read is one
 * round-trip to the database, whatever the number of keys.
 */
export interface ContentStore {
  readonly engine: 'postgres' | 'pglite';

  authorsByIds(ids: readonly string[]): Promise<(AuthorRecord | null)[]>;
  authorsBySlugs(slugs: readonly string[]): Promise<(AuthorRecord | null)[]>;
  articlesByIds(ids: readonly string[]): Promise<(ArticleRecord | null)[]>;
  articlesBySlugs(slugs: readonly string[]): Promise<(ArticleRecord | null)[]>;
  locationsByIds(ids: readonly string[]): Promise<(LocationRecord | null)[]>;
  locationsByIsoCodes(codes: readonly string[]): Promise<(LocationRecord | null)[]>;
  figuresByIds(ids: readonly string[]): Promise<(CasualtyFigureRecord | null)[]>;
  /** Direct children of each place, by name. */
  childrenOf(locationIds: readonly string[]): Promise<LocationRecord[][]>;
  /** Ancestors of each place, nearest first, without the place itself. */
  ancestorsOf(locationIds: readonly string[]): Promise<LocationRecord[][]>;
  /** Each article's figures matching `filter`, in the order they appear in the text. */
  figuresOfArticles(articleIds: readonly string[], filter?: CasualtyFilter): Promise<CasualtyFigureRecord[][]>;
  /** The figures counted inside each figure (its `parts`). */
  partsOf(figureIds: readonly string[]): Promise<CasualtyFigureRecord[][]>;

  listArticles(filter: ArticleFilter, order: ArticleOrder, page: PageRequest): Promise<Page<ArticleRecord>>;
  countArticles(filter: ArticleFilter): Promise<number>;
  listAuthors(page: PageRequest): Promise<Page<AuthorRecord>>;
  countAuthors(): Promise<number>;
  listLocations(filter: LocationFilter, page: PageRequest): Promise<Page<LocationRecord>>;
  countLocations(filter: LocationFilter): Promise<number>;
  listFigures(filter: CasualtyFilter, page: PageRequest): Promise<Page<CasualtyFigureRecord>>;
  countFigures(filter: CasualtyFilter): Promise<number>;

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

  /** True when no article is stored. */
  isEmpty(): Promise<boolean>;
  /** Resolves when the database answers. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
