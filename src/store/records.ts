import type {
  ClaimantType, Group, LocationKind, Outcome, Qualifier, Verification,
} from '../domain/casualty';
import { valuesOf } from '../domain/enum-values';
import type { AliasKind } from '../domain/place-names';
import type {
  ArticleStatus as ArticleStatusEnum, FigureOrigin as FigureOriginEnum, ReviewStatus as ReviewStatusEnum,
  RevisionAction as RevisionActionEnum, Role,
} from '../generated/graphql';

export const ARTICLE_STATUSES = valuesOf<ArticleStatusEnum>()('DRAFT', 'PUBLISHED', 'UNPUBLISHED');
export type ArticleStatus = (typeof ARTICLE_STATUSES)[number];

/** Who coded a figure: an editor, an import (an editor's coding), or ingestion (to be reviewed). */
export const FIGURE_ORIGINS = valuesOf<FigureOriginEnum>()('MANUAL', 'EXTRACTED', 'IMPORTED');
export type FigureOrigin = (typeof FIGURE_ORIGINS)[number];
/** Only ACCEPTED figures are listed to the public and counted (migration 0009). */
export const REVIEW_STATUSES = valuesOf<ReviewStatusEnum>()('PENDING', 'ACCEPTED', 'REJECTED');
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

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

/** Another name of a place (see src/domain/place-names.ts). */
export interface LocationAliasRecord {
  locationId: string;
  alias: string;
  kind: AliasKind;
}

/** A place with every other name it has: one entry of the gazetteer. */
export interface GazetteerPlace extends LocationRecord {
  aliases: Omit<LocationAliasRecord, 'locationId'>[];
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
  status: ArticleStatus;
  /** Starts at 1; every change adds one. Updates name the version they read. */
  version: number;
}

/**
 * An article as a list page reads it: every field but its body. A page of twenty bodies is about
 * 50 KB, most of it TOAST-compressed, for PostgreSQL to decompress and Node to decode, and lists
 * seldom show it; whoever needs a listed article's body reads it by id (`ContentReader.articleBodies`,
 * or with the page's related records, `BundleParts.bodies`).
 */
export type ArticleSummary = Omit<ArticleRecord, 'body'>;

/** An article's body, by the article's id (see `ArticleSummary`). */
export interface ArticleBodyRecord {
  id: string;
  body: string;
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
  /** The first mention of the same people (a restated or competing count): one set with it in totals. */
  restatesId: string | null;
  /** The earlier count this one revises: only the newest of a chain is totalled. */
  supersedesId: string | null;
  /** The text's own words for the people counted ("police officers", "children"). */
  who: string | null;
  /** A count about another, undated event: kept and listed, never totalled. */
  background: boolean;
  /** Who coded it; EXTRACTED figures carry the extractor's `confidence` (0..1), the others null. */
  origin: FigureOrigin;
  confidence: number | null;
  /** Only ACCEPTED figures are listed to the public and counted; editors see every status. */
  reviewStatus: ReviewStatus;
  version: number;
  /** Set when the figure was retracted: kept in the record, left out of lists and totals. */
  retractedAt: Date | null;
  retractionReason: string | null;
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
  /** Any of these articles. */
  ids?: string[] | null;
  /** Signed by any of these authors. */
  authorIds?: string[] | null;
  /** Reporting on any of these places or anything below them. */
  locationIds?: string[] | null;
  /** Carrying any of these tags. */
  tags?: string[] | null;
  /** In any of these languages (exact tags, as stored). */
  languages?: string[] | null;
  /** Any of these states; the public's scope sees PUBLISHED only whatever this says. */
  status?: ArticleStatus[] | null;
}

/** `RELEVANCE` ranks by `ArticleFilter.search`, and needs it. */
export type ArticleOrder = 'PUBLISHED_AT_DESC' | 'PUBLISHED_AT_ASC' | 'UPDATED_AT_DESC' | 'RELEVANCE';

export interface AuthorFilter {
  /** Names with a word starting with each of `nameSearchWords(search)`, without regard to case. */
  search?: string | null;
}

/** The words of a name search, lower case: its runs of letters and digits (none: it matches nothing). */
export function nameSearchWords(search: string): string[] {
  return search.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** `CODED`: by id. The others by the figure's date (period start, else its article's publication), undated last. */
export type FigureOrder = 'CODED' | 'DATE_DESC' | 'DATE_ASC';

export interface LocationFilter {
  kind?: LocationKind | null;
  parentId?: string | null;
  withinId?: string | null;
  nameContains?: string | null;
}

export interface CasualtyFilter {
  locationId?: string | null;
  /** Superseded by `outcomes` (both narrow when both are given). */
  outcome?: Outcome | null;
  /** Superseded by `groups` (both narrow when both are given). */
  group?: Group | null;
  outcomes?: Outcome[] | null;
  groups?: Group[] | null;
  /** Inclusive; on the figure's date (its period start, else its article's publication), as `StatsFilter`. */
  periodFrom?: Date | null;
  /** Exclusive. */
  periodTo?: Date | null;
  verification?: Verification[] | null;
  claimantType?: ClaimantType[] | null;
  articleId?: string | null;
  /** Any of these review states (editors' review queue: PENDING); the public's scope sees ACCEPTED only whatever this says. */
  reviewStatus?: ReviewStatus[] | null;
  /** Retracted figures are left out unless this is true. */
  includeRetracted?: boolean | null;
}

/** What a reader may see: the public sees published articles only; editors see every status. */
export interface ReadScope {
  unpublished: boolean;
}

/**
 * One page of a list: the first `first` rows after `after` (the top when absent), or with `fromEnd`
 * the last `first` rows before `before` (the bottom when absent); each bound applies whichever end
 * the page is taken from. Rows come in the list's order either way.
 */
export interface PageRequest {
  /** How many rows to return (Relay's `first`, or `last` with `fromEnd`). */
  first: number;
  /**
   * The sort key of the last row of the previous page, as the store gave it in `Page.keys`; one
   * from outside must have its list's shape (`isSortKey`, ./sort-keys.ts), or the SQL may fail.
   */
  after?: SortKey | null;
  /** The sort key of the first row of the next page, as `after`: only rows before it are listed. */
  before?: SortKey | null;
  /** Take the rows from the bottom of the list, reading its index backwards (Relay's `last`). */
  fromEnd?: boolean;
}

/** A row's position in its ordering: the ordering column's value (if any) and the id. */
export type SortKey = [value: string | null, id: string];

export interface Page<T> {
  rows: T[];
  /** The sort key of each row, for cursors. */
  keys: SortKey[];
  /** Rows follow this page: one more row was found after it (`fromEnd`: the request had a `before`). */
  hasNextPage: boolean;
  /** Rows precede this page: one more row was found before it (`fromEnd`), or the request had an `after`. */
  hasPreviousPage: boolean;
}

/** How a batch of articles is named: by id or by slug. */
export type ArticleKey = 'id' | 'slug';

/**
 * What an article bundle carries (see `ContentReader.articleBundle`): the articles themselves, and
 * of what they reference, their authors, their places, their figures (the unfiltered list: the
 * visible, unretracted ones) and those figures' places.
 */
export interface BundleParts {
  articles: boolean;
  authors: boolean;
  places: boolean;
  figures: boolean;
  figurePlaces: boolean;
  /**
   * The articles' bodies: with `articles`, in their records (without, those are summaries, see
   * `ArticleSummary`); else in `bodies`, for articles already in hand without them (a list page's).
   */
  bodies: boolean;
}

/**
 * Flat records of several kinds read together: articles and what they reference, each kind a list
 * of records equal to those the kind's own reads return. Nothing is nested: `figures` holds every
 * article's figures, in text order within each article; `places` the articles' and the figures'
 * places, each once. A kind the parts did not ask for is an empty list.
 */
export interface ArticleBundle {
  /** Whole records when the parts asked for `bodies`, else summaries. */
  articles: (ArticleSummary & { body?: string })[];
  authors: AuthorRecord[];
  places: LocationRecord[];
  figures: CasualtyFigureRecord[];
  bodies: ArticleBodyRecord[];
}

/** New content for the bulk loaders: the same records, with references by id. */
export type NewAuthor = Omit<AuthorRecord, 'id'> & { id?: string };
export type NewLocation = Omit<LocationRecord, 'id'> & { id?: string };
export type NewArticle = Omit<ArticleRecord, 'id' | 'updatedAt' | 'wordCount' | 'status' | 'version'> &
  { id?: string; updatedAt?: Date; status?: ArticleStatus };
/**
 * A figure to store; the second edition's fields (restatesId … background) default to empty and
 * false, and its review fields to an editor's figure (MANUAL, no confidence, ACCEPTED).
 */
export type NewCasualtyFigure =
  Omit<CasualtyFigureRecord, 'id' | 'version' | 'retractedAt' | 'retractionReason' | SecondEditionField | ReviewField> &
  Partial<Pick<CasualtyFigureRecord, SecondEditionField | ReviewField>> & { id?: string; position?: number; importKey?: string | null };

type SecondEditionField = 'restatesId' | 'supersedesId' | 'who' | 'background';
type ReviewField = 'origin' | 'confidence' | 'reviewStatus';

/** Changes to an article's own fields and links; absent fields stay as they are. */
export type ArticlePatch = Partial<Pick<ArticleRecord,
  'slug' | 'headline' | 'standfirst' | 'body' | 'publishedAt' | 'sourceUrl' | 'language' | 'tags' |
  'authorIds' | 'locationIds' | 'status'>>;

/** Changes to a figure; absent fields stay as they are. Origin and confidence never change. */
export type FigurePatch = Partial<Omit<CasualtyFigureRecord, 'id' | 'articleId' | 'version' | 'retractedAt' | 'origin' | 'confidence'>> &
  { retractedAt?: Date | null };

export type AuthorPatch = Partial<Omit<AuthorRecord, 'id'>>;
export type LocationPatch = Partial<Omit<LocationRecord, 'id'>>;

export type RevisionEntity = 'ARTICLE' | 'CASUALTY_FIGURE';
export type RevisionAction = RevisionActionEnum;

/** One change: the version it made, who made it and when, what it changed and the state it replaced. */
export interface RevisionRecord<State> {
  entity: RevisionEntity;
  entityId: string;
  version: number;
  action: RevisionAction;
  changedFields: string[];
  changedBy: string;
  changedAt: Date;
  /** The state before this change; null for the creation. */
  previous: State | null;
}

/** The GraphQL `Role`, as the store keeps it (lower case). */
export type ApiKeyRole = Lowercase<Role>;

export interface ApiKeyRecord {
  id: string;
  name: string;
  role: ApiKeyRole;
  secretHash: string;
  createdAt: Date;
  revokedAt: Date | null;
}

/** What one write transaction touched, for caches to drop. */
/** What ingestion last read for an article: see migration 0011_ingested_pages.sql. */
export interface IngestedPageRecord {
  articleId: string;
  sourceId: string | null;
  /** sha-256 of the page as cleaned, with what its feed said (src/ingest/ingest.ts `pageDigest`). */
  digest: string;
  firstIngested: Date;
  lastIngested: Date;
}

export interface Changes {
  authors: Set<string>;
  locations: Set<string>;
  articles: Set<string>;
  figures: Set<string>;
}

export type StatsDimension = 'REGION' | 'GROUP' | 'OUTCOME' | 'VERIFICATION' | 'CLAIMANT_TYPE' | 'TIME';
export type TimeBucket = 'DAY' | 'WEEK' | 'MONTH' | 'YEAR';
export type RegionLevel = 'COUNTRY' | 'ADMIN1' | 'ADMIN2' | 'LOCALITY';

export interface StatsFilter {
  /** A region and everything below it. */
  locationId?: string | null;
  /** Inclusive; on the figure's date (its period, else its article's publication). */
  periodFrom?: Date | null;
  /** Exclusive. */
  periodTo?: Date | null;
  outcome?: Outcome[] | null;
  group?: Group[] | null;
  /** Which verifications count; CONFIRMED and REPORTED when absent. */
  verification?: Verification[] | null;
  claimantType?: ClaimantType[] | null;
  articleIds?: string[] | null;
}

export interface StatsQuery {
  filter: StatsFilter;
  groupBy: StatsDimension[];
  regionLevel: RegionLevel;
  timeBucket: TimeBucket;
}

/** One bucket: the dimensions grouped by (others null) and the honest sums of its figures. */
export interface StatsBucket {
  regionId: string | null;
  /** The rest of a place's figures that could not be placed at the requested level. */
  unallocated: boolean;
  group: Group | null;
  outcome: Outcome | null;
  verification: Verification | null;
  claimantType: ClaimantType | null;
  /** The start of the time bucket, when grouping by time. */
  period: Date | null;
  /** Grouping by time, the bucket of figures with no date. */
  undated: boolean;
  low: number;
  best: number | null;
  high: number | null;
  figures: number;
  articles: number;
  /** Restated sets whose members contradict, counted here (in their representative's bucket). */
  disputedSets: number;
}

/** Why figures that pass the filter are not counted: their verification, a later revision, or another event. */
export type LeftOutReason = 'VERIFICATION' | 'SUPERSEDED' | 'BACKGROUND';

/** Figures left out for one reason, of one verification: how many, and the low they would add. */
export interface LeftOutFigures {
  reason: LeftOutReason;
  verification: Verification;
  figures: number;
  low: number;
}

export interface StatsResult {
  buckets: StatsBucket[];
  total: StatsBucket;
  /** Per reason and verification, what passed the filter but is not counted. */
  leftOut: LeftOutFigures[];
  includedVerifications: Verification[];
}

/** The fields records keep as `Date`, which JSON (a revision's state, an imported file) carries as ISO 8601 text. */
export const DATE_FIELDS = ['publishedAt', 'updatedAt', 'periodStart', 'periodEnd', 'retractedAt'] as const;

/** `value` made a `Date` when it is an ISO 8601 string (see `reviveDates`), else `value` itself. */
export function reviveDate(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : date;
}

/**
 * `record`, parsed from JSON, with each of its date fields that holds an ISO 8601 string made a
 * `Date`, in place. A string that is no date is left as it is, for the caller's checks to report; a
 * value that is not an object is returned as it is.
 */
export function reviveDates<T>(record: T): T {
  if (record === null || typeof record !== 'object') return record;
  const fields = record as Record<string, unknown>;
  for (const field of DATE_FIELDS) {
    if (typeof fields[field] === 'string') fields[field] = reviveDate(fields[field]);
  }
  return record;
}
