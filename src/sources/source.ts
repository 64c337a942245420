/**
 * Remote sources: other newsrooms' GraphQL APIs, REST content APIs and feeds, whose items enter the
 * graph as `ExternalArticle`s beside our own articles. This file is the seam every part is written
 * against, as src/cache/cache.ts is for the cache:
 *
 * - a `SourceAdapter` per kind (./graphql, ./rest, ./feed) speaks to one remote and maps what it sends
 *   into `ExternalItem`s, trusting nothing (sizes capped, HTML stripped from text, URLs http(s) only);
 * - `RemoteSources` (./remote) puts every adapter behind its timeout, circuit breaker, concurrency cap
 *   and request budget, and caches its pages (stale-while-revalidate, shared through Redis);
 * - the graph (`news`, `sources`, `importExternalArticle`) reads only `RemoteSources`.
 */

/** How newsgate speaks to a source. */
export type SourceKind = 'graphql' | 'rest' | 'feed';

/** Who a source is, as every item of it says (`ExternalArticle.source`). */
export interface SourceInfo {
  id: string;
  name: string;
  kind: SourceKind;
  /** The source's base URL. */
  url: string;
  /** The licence or attribution text the source asks for. */
  licence: string;
}

/**
 * One remote item mapped into our shape. Every text field is plain text (HTML stripped) within its
 * size cap; `url` is an absolute http(s) URL. Items carry no figures, revisions or version: a remote
 * item never pretends to be ours.
 */
export interface ExternalItem {
  sourceId: string;
  /** Stable within its source (the source's own id, else its URL); with `sourceId`, the item's identity. */
  remoteId: string;
  headline: string;
  standfirst: string | null;
  url: string;
  /** Null when the source gives no date (never guessed). */
  publishedAt: Date | null;
  authorNames: string[];
  /** BCP 47 tag when the source gives one. */
  language: string | null;
  tags: string[];
  /** Where the source says the item is about: ISO 3166 codes or place names, as given; the graph matches them to our places. */
  placeHints: string[];
}

/** What the graph asks every source for (each adapter maps what its remote supports; the rest is filtered after). */
export interface RemoteQuery {
  search?: string;
  tag?: string;
  publishedFrom?: Date;
  publishedTo?: Date;
}

/** One page of a source's items, newest first. `cursor` is the adapter's own position, opaque to others; null for the first page. */
export interface RemotePageRequest {
  query: RemoteQuery;
  cursor: string | null;
  size: number;
}

/** HTTP validators a source gave with a page, sent back as `If-None-Match` / `If-Modified-Since`. */
export interface Validators {
  etag?: string;
  lastModified?: string;
}

export interface RemotePage {
  /** Newest first. */
  items: ExternalItem[];
  /** The position after the last item; null when the source has no more. */
  next: string | null;
  /** The source's own count of matching items, when it gives one. */
  totalCount?: number;
  validators?: Validators;
}

/**
 * One remote, spoken to in its own protocol. Rejects on any failure (network, status, timeout via
 * `signal`, a payload that is malformed or fails the mapping) with an Error whose message names what
 * was wrong; resolves `'not-modified'` only when `validators` were sent and the remote answered 304.
 */
export interface SourceAdapter {
  readonly info: SourceInfo;
  fetchPage(request: RemotePageRequest, signal: AbortSignal, validators?: Validators): Promise<RemotePage | 'not-modified'>;
  /** Start-up check (a GraphQL source checks its document against the remote's schema); rejects with every problem named. */
  check?(signal: AbortSignal): Promise<void>;
}

/** How a source has fared lately (`Query.sources`). */
export interface SourceHealth {
  state: 'UP' | 'DEGRADED' | 'DOWN';
  lastSuccessAt: Date | null;
  lastError: { at: Date; message: string } | null;
  latencyP50Ms: number | null;
  latencyP99Ms: number | null;
  itemsCached: number;
}

/** A page as `RemoteSources` serves it: from the remote or the cache, and how fresh. */
export interface ServedPage {
  page: RemotePage;
  /** When the remote sent (or confirmed, 304) this page. */
  fetchedAt: Date;
  /** True when served after its TTL (within the stale window) because the remote failed or is refreshing. */
  stale: boolean;
  /** Seconds this answer may still be cached by clients (0 when stale). */
  maxAgeSeconds: number;
}

/**
 * Every configured source behind its protections and its cache. `page` never hangs longer than the
 * source's timeout and rejects only with `SourceUnavailableError` (./errors) when the source failed
 * and no copy within the stale window exists.
 */
export interface RemoteSources {
  list(): SourceInfo[];
  page(sourceId: string, request: RemotePageRequest): Promise<ServedPage>;
  health(sourceId: string): SourceHealth;
  /** Resolves true once the pages every gateway shares (Redis) can be read, false after `timeoutMs`; before that, pages are only this process's. Never rejects. */
  ready?(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

/** What protects the gateway from one source, and how long its pages are kept. */
export interface SourceProtections {
  /** Each request to the source gives up after this long. */
  timeoutMs: number;
  /** A page is served from the cache without asking the source for this long. */
  ttlSeconds: number;
  /** After the TTL, a page is still served (marked stale) for this long while the source is refreshed or failing. */
  staleSeconds: number;
  /** At most this many requests to the source a minute, per gateway. */
  budgetPerMinute: number;
  /** At most this many requests to the source at once, per gateway. */
  concurrency: number;
}

/**
 * Where each `ExternalItem` field is found in one remote item: a dotted path (`fields.headline`,
 * `tags.0.webTitle`; a path to a list maps each entry: `tags.*.webTitle`). Fields left out are null/empty.
 */
export type FieldMapping = Partial<Record<Exclude<keyof ExternalItem, 'sourceId'>, string>>;

interface SourceDefinitionBase extends SourceInfo, SourceProtections {
  /** Request headers, with values already taken from the environment variables the sources file names. */
  headers: Record<string, string>;
}

/** A GraphQL API: `document` selects items; the variables it declares are filled from our arguments. */
export interface GraphqlSourceDefinition extends SourceDefinitionBase {
  kind: 'graphql';
  document: string;
  /** Our arguments (`search`, `tag`, `from`, `to`, `cursor`, `size`) by the document's variable names. */
  variables: Record<string, string>;
  /** Dotted path from `data` to the list of items. */
  itemsPath: string;
  /** Dotted path from `data` to the next page's cursor (null/absent = no more). */
  nextCursorPath?: string;
  /** Dotted path from `data` to a boolean saying whether there are more (Relay's `pageInfo.hasNextPage`); false ends the list whatever the cursor. */
  hasNextPath?: string;
  /** Dotted path from `data` to the source's count of matching items. */
  totalPath?: string;
  mapping: FieldMapping;
}

/** A JSON content API: `path` is a template over our arguments, e.g. `/search?q={search}&page={page}&page-size={size}`. */
export interface RestSourceDefinition extends SourceDefinitionBase {
  kind: 'rest';
  path: string;
  itemsPath: string;
  totalPath?: string;
  /** Dotted path to the number of pages (page-numbered APIs); without it, a short page ends the list. */
  pagesPath?: string;
  mapping: FieldMapping;
}

/** An RSS 2.0 or Atom feed at `url`. */
export interface FeedSourceDefinition extends SourceDefinitionBase {
  kind: 'feed';
}

export type SourceDefinition = GraphqlSourceDefinition | RestSourceDefinition | FeedSourceDefinition;
