/**
 * `news`: the store's published articles and every selected remote source's items in one list,
 * newest first, merged k ways. Each list is read in its own order and the cursor keeps each one's
 * position (./cursor), so walking every page yields every item once: no duplicates, no gaps,
 * whatever the page size. Between lists, the newest head goes first; ties go by source id, then by
 * the item's id within its source; undated items come after dated ones. A remote page is read in that
 * order too, so the order within a source does not depend on how the remote sorts equal dates.
 */
import type { Context } from '../context';
import { BadUserInputError, SourceUnavailableGatewayError } from '../errors';
import { listDigest } from '../pagination';
import type { ArticleFilter, ArticleSummary, SortKey } from '../store/records';
import { PUBLIC_SCOPE } from '../store/store';
import { SourceUnavailableError } from '../sources/errors';
import type { ExternalItem, RemoteQuery, ServedPage } from '../sources/source';
import { type NewsPosition, type RemotePosition, decodeNewsCursor, encodeNewsCursor } from './cursor';
import { type ExternalArticleModel, LOCAL_SOURCE_ID, type NewsConnectionModel, type NewsItemModel } from './models';
import { anyWithin, placesOfHints } from './places';
import { matchesSearch } from './search';

/** `news`'s filter, checked (see resolvers/News.ts). */
export interface NewsFilter extends Omit<ArticleFilter, 'authorId'> {
  sourceIds?: string[] | null;
}

/** The page size every remote source is asked for (a cursor keeps the one its walk began with). */
export const REMOTE_PAGE_SIZE = 20;
/**
 * How many pages one request reads from one source looking for items the filter keeps. When a
 * source spends it, the answer's page ends early (`hasNextPage` stays true): no item of another
 * list may pass one this source has not yet shown.
 */
const MAX_PAGES_PER_SOURCE = 5;

/** One list's next item, and how it compares with other lists' (see the file comment). */
interface Head {
  node: NewsItemModel;
  date: Date | null;
  sourceId: string;
  itemId: string;
}

/** One merged list: its next item (null when done; 'blocked' when it cannot tell this request). */
interface Lane {
  readonly id: string;
  head(): Promise<Head | null | 'blocked'>;
  /** Takes the current head. */
  take(): void;
}

/** Newest first, undated last, then by source id, then by id within the source. */
export function compareHeads(a: Pick<Head, 'date' | 'sourceId' | 'itemId'>, b: Pick<Head, 'date' | 'sourceId' | 'itemId'>): number {
  const at = a.date?.getTime() ?? -Infinity;
  const bt = b.date?.getTime() ?? -Infinity;
  if (at !== bt) return bt > at ? 1 : -1;
  if (a.sourceId !== b.sourceId) return a.sourceId < b.sourceId ? -1 : 1;
  return a.itemId < b.itemId ? -1 : a.itemId > b.itemId ? 1 : 0;
}

/** The store's published articles matching the filter (editors' drafts too are left out), newest first, from `after`. */
class StoreLane implements Lane {
  readonly id = LOCAL_SOURCE_ID;
  private rows: { article: ArticleSummary; key: SortKey }[] = [];
  private more = true;

  constructor(private readonly context: Context, private readonly filter: ArticleFilter, private position: SortKey | null | 'done',
    private readonly size: number) {
    if (position === 'done') this.more = false;
  }

  get at(): SortKey | null | 'done' {
    return this.position;
  }

  async head(): Promise<Head | null> {
    if (this.rows.length === 0 && this.more) {
      const { store, loaders } = this.context;
      const after = this.position === 'done' ? null : this.position;
      const page = await store.scoped(PUBLIC_SCOPE).listArticles(this.filter, 'PUBLISHED_AT_DESC', { first: Math.max(this.size, 1), after });
      loaders.primeArticles(page.rows);
      this.rows = page.rows.map((article, i) => ({ article, key: page.keys[i] }));
      this.more = page.hasNextPage;
      if (this.rows.length === 0) this.position = 'done';
    }
    const next = this.rows[0];
    return next ? { node: next.article, date: next.article.publishedAt, sourceId: this.id, itemId: next.article.id } : null;
  }

  take(): void {
    const taken = this.rows.shift()!;
    this.position = this.rows.length === 0 && !this.more ? 'done' : taken.key;
  }
}

/** A page of a source as this request read it: items in merge order, and which the filter keeps. */
interface ReadPage {
  items: ExternalArticleModel[];
  kept: boolean[];
  next: string | null;
}

/** One remote source's items matching the filter, from its position. */
class RemoteLane implements Lane {
  private page: ReadPage | undefined;
  private pagesRead = 0;
  /** Set when the source failed this request: it is left out, at the position it had reached. */
  failed = false;

  constructor(readonly id: string, private readonly context: Context, private readonly query: RemoteQuery,
    private readonly filter: NewsFilter, private position: RemotePosition, private readonly size: number,
    private readonly path: readonly (string | number)[]) {}

  get at(): RemotePosition {
    return this.position;
  }

  async head(): Promise<Head | null | 'blocked'> {
    for (;;) {
      if (this.position === 'done' || this.failed) return null;
      if (!this.page) {
        if (this.pagesRead === MAX_PAGES_PER_SOURCE) return 'blocked';
        this.pagesRead += 1;
        const page = await this.read(this.position.cursor);
        if (!page) return null;
        this.page = page;
      }
      const { items, kept, next } = this.page;
      while (this.position.taken < items.length && !kept[this.position.taken]) this.position = { ...this.position, taken: this.position.taken + 1 };
      const item = items[this.position.taken];
      if (item) return { node: item, date: item.publishedAt, sourceId: this.id, itemId: item.remoteId };
      this.page = undefined;
      this.position = next === null ? 'done' : { cursor: next, taken: 0 };
    }
  }

  take(): void {
    if (this.position !== 'done') this.position = { ...this.position, taken: this.position.taken + 1 };
  }

  /** The page at `cursor`, in merge order with what the filter keeps marked; undefined when the source failed. */
  private async read(cursor: string | null): Promise<ReadPage | undefined> {
    const served = await servedPage(this.context, this.id, { query: this.query, cursor, size: this.size }, this.path);
    if (!served) {
      this.failed = true;
      return undefined;
    }
    const items = served.page.items.map((item): ExternalArticleModel => ({ ...item, fetchedAt: served.fetchedAt, stale: served.stale }))
      .sort((a, b) => compareHeads(
        { date: a.publishedAt, sourceId: this.id, itemId: a.remoteId }, { date: b.publishedAt, sourceId: this.id, itemId: b.remoteId }));
    const kept = await Promise.all(items.map((item) => keeps(this.filter, item, this.context)));
    return { items, kept, next: served.page.next };
  }
}

/**
 * A page of `sourceId` as `RemoteSources` serves it, noted in `Context.served` (its freshness bounds
 * the answer's); undefined when the source is unavailable, noted there as an error at `path`.
 */
export async function servedPage(context: Context, sourceId: string, request: Parameters<NonNullable<Context['sources']>['page']>[1],
  path: readonly (string | number)[]): Promise<ServedPage | undefined> {
  try {
    const served = await context.sources!.page(sourceId, request);
    context.served.used(sourceId, served);
    return served;
  } catch (error) {
    if (!(error instanceof SourceUnavailableError)) throw error;
    context.served.failed(path, new SourceUnavailableGatewayError(sourceId, error.reason, error));
    return undefined;
  }
}

/**
 * Whether the filter keeps a remote item: every source is asked with the whole query, but only some
 * can apply all of it, so tag, dates, words and place are checked again here (undated items never
 * match a date bound; an item none of whose place hints is in our gazetteer never matches a place).
 */
async function keeps(filter: NewsFilter, item: ExternalItem, context: Context): Promise<boolean> {
  if (filter.tag != null && !item.tags.some((tag) => tag.toLowerCase() === filter.tag!.toLowerCase())) return false;
  if (filter.publishedFrom != null && !(item.publishedAt && item.publishedAt >= filter.publishedFrom)) return false;
  if (filter.publishedTo != null && !(item.publishedAt && item.publishedAt < filter.publishedTo)) return false;
  if (filter.search != null && !matchesSearch(filter.search, [item.headline, item.standfirst ?? '', ...item.tags])) return false;
  if (filter.locationId == null) return true;
  return anyWithin(await placesOfHints(item.placeHints, context.loaders), filter.locationId, context.loaders);
}

/** The sources `filter.sourceIds` selects (all when it names none), our store included; unknown ids are refused. */
function selectedSources(filter: NewsFilter, context: Context): { local: boolean; remote: string[] } {
  const configured = context.sources?.list().map((source) => source.id) ?? [];
  if (!filter.sourceIds) return { local: true, remote: configured };
  const known = [LOCAL_SOURCE_ID, ...configured];
  const unknown = filter.sourceIds.filter((id) => !known.includes(id));
  if (unknown.length > 0) {
    throw new BadUserInputError('filter.sourceIds', `names no source: ${unknown.join(', ')} (the sources are ${known.join(', ')})`);
  }
  return { local: filter.sourceIds.includes(LOCAL_SOURCE_ID), remote: configured.filter((id) => filter.sourceIds!.includes(id)) };
}

/** One page of `news` (see the file comment); `path` is the field's, for the sources' errors. */
export async function newsConnection(
  filter: NewsFilter, first: number, after: string | null, context: Context, path: readonly (string | number)[],
): Promise<NewsConnectionModel> {
  const digest = listDigest('news', filter);
  const start: NewsPosition = after == null ? { store: null, sources: {}, size: REMOTE_PAGE_SIZE } : decodeNewsCursor(digest, after);
  const { sourceIds, ...rest } = filter;
  const articleFilter: ArticleFilter = rest;
  const query: RemoteQuery = Object.fromEntries(Object.entries({
    search: filter.search, tag: filter.tag, publishedFrom: filter.publishedFrom, publishedTo: filter.publishedTo,
  }).filter(([, value]) => value != null));
  const selected = selectedSources(filter, context);
  const storeLane = selected.local ? new StoreLane(context, articleFilter, start.store, first) : undefined;
  const remoteLanes = selected.remote.map((id) =>
    new RemoteLane(id, context, query, filter, start.sources[id] ?? { cursor: null, taken: 0 }, start.size, path));
  const lanes: Lane[] = [...(storeLane ? [storeLane] : []), ...remoteLanes];
  const position = (): NewsPosition => ({
    store: storeLane ? storeLane.at : start.store,
    sources: { ...start.sources, ...Object.fromEntries(remoteLanes.map((lane) => [lane.id, lane.at])) },
    size: start.size,
  });

  const edges: NewsConnectionModel['edges'] = [];
  let hasNextPage = false;
  for (;;) {
    const heads = await Promise.all(lanes.map((lane) => lane.head()));
    if (heads.includes('blocked')) {
      hasNextPage = true;
      break;
    }
    let best = -1;
    heads.forEach((head, i) => {
      if (head && head !== 'blocked' && (best < 0 || compareHeads(head, heads[best] as Head) < 0)) best = i;
    });
    if (best < 0) break;
    if (edges.length === first) {
      hasNextPage = true;
      break;
    }
    lanes[best].take();
    edges.push({ node: (heads[best] as Head).node, cursor: encodeNewsCursor(digest, position()) });
  }

  let counted: Promise<{ count: number; lowerBound: boolean }> | undefined;
  const count = () => counted ??= countNews(context, articleFilter, selected, query, filter, start.size, path);
  return {
    edges,
    // A page a source ended early may be empty; its end still carries every list's position.
    // News pages forwards only: a page has earlier ones when it starts after a cursor.
    pageInfo: {
      hasNextPage,
      hasPreviousPage: after != null,
      startCursor: edges[0]?.cursor ?? after,
      endCursor: edges.at(-1)?.cursor ?? (hasNextPage ? encodeNewsCursor(digest, position()) : null),
    },
    totalCount: async () => (await count()).count,
    totalCountIsLowerBound: async () => (await count()).lowerBound,
  };
}

/**
 * The store's count plus each source's own count of its first page. A lower bound when a source
 * gives none or fails, and when the filter names a place: a source counts what it was asked for,
 * before the place is checked here.
 */
async function countNews(context: Context, articleFilter: ArticleFilter, selected: { local: boolean; remote: string[] },
  query: RemoteQuery, filter: NewsFilter, size: number, path: readonly (string | number)[]): Promise<{ count: number; lowerBound: boolean }> {
  const [local, ...remote] = await Promise.all([
    selected.local ? context.store.scoped(PUBLIC_SCOPE).countArticles(articleFilter) : 0,
    ...selected.remote.map(async (id) =>
      filter.locationId == null ? (await servedPage(context, id, { query, cursor: null, size }, path))?.page.totalCount : undefined),
  ]);
  return {
    count: local! + remote.reduce<number>((sum, n) => sum + (n ?? 0), 0),
    lowerBound: remote.some((n) => n === undefined),
  };
}
