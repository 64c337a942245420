import type {
  ClaimantType, Group, LocationKind, Outcome, Qualifier, Verification,
} from '../domain/casualty';

/**
 * The store's flat records. Ids are decimal strings (GraphQL `ID`); relations are carried as ids
 * (`authorIds`, `parentId`, `partOfId`) and resolved by the graph through loaders.
 */
export interface AuthorRecord {
  id: string;
  slug: string;
  name: string;
  bio: string | null;
}

export interface LocationRecord {
  id: string;
  parentId: string | null;
  name: string;
  kind: LocationKind;
  isoCode: string | null;
  latitude: number | null;
  longitude: number | null;
}

export interface ArticleRecord {
  id: string;
  slug: string;
  headline: string;
  standfirst: string | null;
  body: string;
  publishedAt: Date | null;
  updatedAt: Date;
  sourceUrl: string | null;
  language: string;
  tags: string[];
  wordCount: number;
  /** In byline order. */
  authorIds: string[];
  /** The places the article reports on, in the order given. */
  locationIds: string[];
}

export interface CasualtyFigureRecord {
  id: string;
  articleId: string;
  outcome: Outcome;
  group: Group;
  low: number | null;
  best: number | null;
  high: number | null;
  qualifier: Qualifier;
  claimedBy: string | null;
  claimantType: ClaimantType;
  verification: Verification;
  quote: string;
  locationId: string | null;
  periodStart: Date | null;
  periodEnd: Date | null;
  partOfId: string | null;
}

export interface ArticleFilter {
  authorId?: string | null;
  /** A place and everything below it. */
  locationId?: string | null;
  tag?: string | null;
  search?: string | null;
  /** Inclusive. */
  publishedFrom?: Date | null;
  /** Exclusive. */
  publishedTo?: Date | null;
}

export type ArticleOrder = 'PUBLISHED_AT_DESC' | 'PUBLISHED_AT_ASC' | 'UPDATED_AT_DESC';

export interface LocationFilter {
  kind?: LocationKind | null;
  parentId?: string | null;
  withinId?: string | null;
  nameContains?: string | null;
}

export interface CasualtyFilter {
  locationId?: string | null;
  outcome?: Outcome | null;
  group?: Group | null;
  verification?: Verification[] | null;
  claimantType?: ClaimantType[] | null;
  articleId?: string | null;
}

/** Where a page starts: after the row whose sort key is `after` (from a cursor), or at the top. */
export interface PageRequest {
  /** How many rows to return. */
  first: number;
  /** The sort key of the last row of the previous page, as the store gave it in `Page.keys`. */
  after?: SortKey | null;
}

/** A row's position in its ordering: the ordering column's value (if any) and the id. */
export type SortKey = [value: string | null, id: string];

export interface Page<T> {
  rows: T[];
  /** The sort key of each row, for cursors. */
  keys: SortKey[];
  hasNextPage: boolean;
}

/** New content for the bulk loaders: the same records, with references by id. */
export type NewAuthor = Omit<AuthorRecord, 'id'> & { id?: string };
export type NewLocation = Omit<LocationRecord, 'id'> & { id?: string };
export type NewArticle = Omit<ArticleRecord, 'id' | 'updatedAt' | 'wordCount'> & { id?: string; updatedAt?: Date };
export type NewCasualtyFigure = Omit<CasualtyFigureRecord, 'id'> & { id?: string; position?: number };
