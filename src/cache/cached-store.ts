/*
 * The read-through decorator of the content store (`CachedStore`). Long because `ContentStore` is
 * wide: one short method per store method, routing it through the cache (`batch`, `single`,
 * `writeThrough`) or past it. The tags entries depend on, and what a write touches, are in ./store-tags.
 */
import { type Cache, type CacheRequest, checkPositive } from './cache';
import { argumentsKey, sortedLists } from './keys';
import type { ReadTags } from './read-tags';
import { ReadThrough } from './read-through';
import {
  EVERYTHING, TAGS, type Touched, articleCountTags, articleListTags, articlePageTags, emptyReach, figureListTags, notingReach, placeTags, statsTags, tagsOf, textOnly, verifiedOnly,
} from './store-tags';
import type {
  ArticleFilter, ArticleKey, ArticleOrder, AuthorFilter, BundleParts, CasualtyFilter, FigureOrder, LocationFilter, NewArticle, NewAuthor, NewCasualtyFigure,
  ArticleSummary, NewLocation, Page, PageRequest, ReadScope, RevisionEntity, StatsQuery,
} from '../store/records';
import { type ContentStore, type IdKind, PUBLIC_SCOPE, type Writer } from '../store/store';
import { DEFAULT_VERIFICATIONS } from '../domain/casualty';

export interface CachedStoreOptions {
  /** How long a record (or a record's children, ancestors, figures, parts) is cached, in seconds. Default 300. */
  entityTtlSeconds?: number;
  /** How long a list page or a count is cached, in seconds. Default 60. */
  listTtlSeconds?: number;
  /** The scope the inner store reads with (default: the public's). Entries are kept apart per scope. */
  scope?: ReadScope;
}

/** Every status: what invalidation needs to see of an article's figures. */
const EVERY_STATUS: ReadScope = { unpublished: true };

/** A bundle of articles without their bodies and without what they reference. */
const ARTICLES_ALONE: BundleParts = { articles: true, authors: false, places: false, figures: false, figurePlaces: false, bodies: false };

/**
 * How long an instance's claim to count a statistic lasts at most, in milliseconds: past the
 * statistics statement's default bound (15 s), so that it ends before its count only when that
 * instance stopped (a claim that ends early merely lets another instance count too).
 */
const STATISTICS_CLAIM_MS = 20_000;

/**
 * How long a request waits at most for another instance's count of a statistic before counting it
 * itself: a statistic takes well under a second to count from the kept contributions, and a claim
 * whose instance could not end it (Redis timing out under load) would otherwise keep its waiters
 * for the claim's whole 20 s, past a client's patience.
 */
const STATISTICS_CLAIM_WAIT_MS = 5_000;

/** One read-through (so one single-flight table) per cache, shared by every store over it. */
const readThroughs = new WeakMap<Cache, ReadThrough>();

function readThroughOf(cache: Cache): ReadThrough {
  let reads = readThroughs.get(cache);
  if (!reads) readThroughs.set(cache, reads = new ReadThrough(cache));
  return reads;
}

/**
 * A content store that answers reads from a cache and the inner store behind it, and invalidates
 * on every write (see src/cache/cache.ts for the contract of tags and generations).
 *
 * - Batch reads look every key up in one cache round-trip, load only the misses from the inner
 *   store in one call, and write them back; one cold key asked for by many callers at once is loaded
 *   once (src/cache/read-through.ts). Results keep the inner store's contract: key order, `null` or
 *   `[]` for what does not exist.
 * - List pages and counts are cached under a digest of their normalised arguments.
 * - Writes go to the inner store; when one resolves, everything it could have changed has been
 *   invalidated. A write that rejects is taken to have changed nothing (the store's writes are
 *   transactional).
 * - Api keys, revisions, past states and housekeeping (ping, schema version) are never cached:
 *   they read the inner store.
 *
 * A new write method is one line: pass it through `writeThrough` with what it touched (`Touched`),
 * computed from its arguments and result, e.g.
 * `retractFigure(id) { return this.writeThrough(() => this.inner.retractFigure(id), (figure) => this.reachOf({ figures: [id], articles: [figure.articleId] })); }`;
 * one that reports `Changes` passes `(result) => this.reachOf(result.changes)`, and one whose
 * reach is unknown `() => EVERYTHING`. Any write that may move a figure must name the place it
 * left (`reachOf`'s second argument), or the region it left keeps its statistics.
 *
 * Values from the cache may be shared between callers: treat records as immutable.
 * `close` closes the inner store, not the cache, which may serve other stores.
 */
export class CachedStore implements ContentStore {
  private readonly reads: ReadThrough;
  private readonly namespace: string;
  private readonly entityTtlSeconds: number;
  private readonly listTtlSeconds: number;

  /**
   * `noted`: where to note the tags of every cached read (`noting`); every read that passes the
   * cache is noted there as one no tag describes.
   */
  constructor(
    private readonly inner: ContentStore, private readonly cache: Cache, private readonly options: CachedStoreOptions = {},
    private readonly noted?: ReadTags,
  ) {
    const { entityTtlSeconds = 300, listTtlSeconds = 60, scope = PUBLIC_SCOPE } = options;
    checkPositive({ entityTtlSeconds, listTtlSeconds });
    this.entityTtlSeconds = entityTtlSeconds;
    this.listTtlSeconds = listTtlSeconds;
    this.reads = readThroughOf(cache);
    // A digest, not the scope's JSON: braces in a key would pin a cluster's keys to one slot.
    this.namespace = `v1:${argumentsKey(scope).slice(0, 8)}`;
  }

  get engine() {
    return this.inner.engine;
  }

  scoped(scope: ReadScope): CachedStore {
    return new CachedStore(this.inner.scoped(scope), this.cache, { ...this.options, scope }, this.noted);
  }

  /** This store, noting in `reads` the tags of every read through it (one request's, see ./read-tags). */
  noting(reads: ReadTags): CachedStore {
    return new CachedStore(this.inner, this.cache, this.options, reads);
  }

  // ---- batch reads ----------------------------------------------------------------------------

  authorsByIds(ids: readonly string[]) {
    return this.batch('author', ids, (id) => [TAGS.author(id)], (missing) => this.inner.authorsByIds(missing));
  }

  authorsBySlugs(slugs: readonly string[]) {
    return this.batch('author-slug', slugs, () => [TAGS.authors], (missing) => this.inner.authorsBySlugs(missing));
  }

  articlesByIds(ids: readonly string[]) {
    return this.batch('article', ids, (id) => [TAGS.article(id)], (missing) => this.inner.articlesByIds(missing));
  }

  /** By the slug's tag, which every write to the article the slug names bumps, and `articleSlugs` (see `TAGS.slug`). */
  articlesBySlugs(slugs: readonly string[]) {
    return this.batch('article-slug', slugs, (slug) => [TAGS.slug(slug), TAGS.articleSlugs], (missing) => this.inner.articlesBySlugs(missing));
  }

  locationsByIds(ids: readonly string[]) {
    return this.batch('location', ids, (id) => [TAGS.location(id)], (missing) => this.inner.locationsByIds(missing));
  }

  locationsByIsoCodes(codes: readonly string[]) {
    // ISO codes are matched without regard to case (as the store does): one entry per code.
    return this.batch('location-iso', codes.map((code) => code.toUpperCase()), () => [TAGS.locations],
      (missing) => this.inner.locationsByIsoCodes(missing));
  }

  locationsByNames(names: readonly string[]) {
    // Matched without regard to case (as the store does): one entry per lower-case name.
    return this.batch('location-name', names.map((name) => name.toLowerCase()), () => [TAGS.locations],
      (missing) => this.inner.locationsByNames(missing));
  }

  /** A figure's entry depends on its own tag, which every change to its article also bumps (see `write`). */
  figuresByIds(ids: readonly string[]) {
    return this.batch('figure', ids, (id) => [TAGS.figure(id)], (missing) => this.inner.figuresByIds(missing));
  }

  childrenOf(locationIds: readonly string[]) {
    return this.batch('children', locationIds, () => [TAGS.locations], (missing) => this.inner.childrenOf(missing));
  }

  ancestorsOf(locationIds: readonly string[]) {
    return this.batch('ancestors', locationIds, () => [TAGS.locations], (missing) => this.inner.ancestorsOf(missing));
  }

  /** Every alias write touches its place (`Changes.locations`, `insertLocationAliases`), bumping the place's tag. */
  aliasesOf(locationIds: readonly string[]) {
    return this.batch('aliases', locationIds, (id) => [TAGS.location(id)], (missing) => this.inner.aliasesOf(missing));
  }

  figuresOfArticles(articleIds: readonly string[], filter: CasualtyFilter = {}) {
    const normal = normalFigureFilter(filter);
    return this.batch(`figures-of:${argumentsKey(normal)}`, articleIds,
      (id) => [TAGS.article(id), ...placeTags(filter.locationId)],
      (missing) => this.inner.figuresOfArticles(missing, filter));
  }

  /** Parts are figures of the whole's article, so every change to them bumps the whole's tag (see `write`). */
  partsOf(figureIds: readonly string[]) {
    return this.batch('parts', figureIds, (id) => [TAGS.figure(id)], (missing) => this.inner.partsOf(missing));
  }

  /**
   * One entry per call (its keys and parts), for as long as a record's. It holds records of several
   * kinds, so it depends on each: on its articles' own tags (every change to an article or one of
   * its figures bumps them; by slug, on the slugs' tags, as slug lookups do, which every such
   * change bumps too) and on every author's and every place's (a bundle holds whichever its
   * articles name).
   */
  articleBundle(by: ArticleKey, keys: readonly string[], parts: BundleParts) {
    const tags = [...(by === 'id' ? keys.map(TAGS.article) : [...keys.map(TAGS.slug), TAGS.articleSlugs]), TAGS.authors, TAGS.locations];
    this.noted?.add(tags);
    return this.reads.one({ key: `${this.namespace}:bundle-by-${by}:${argumentsKey({ keys, parts })}`, tags }, this.entityTtlSeconds,
      () => this.inner.articleBundle(by, keys, parts));
  }

  /** A body's entry depends on its article's tag, as the article's own entry does. */
  articleBodies(ids: readonly string[]) {
    return this.batch('article-body', ids, (id) => [TAGS.article(id)], (missing) => this.inner.articleBodies(missing));
  }

  // ---- lists and counts -----------------------------------------------------------------------

  /** A request's answer depends on the page's own articles, and on what decides which articles it holds (`articlePageTags`). */
  listArticles(filter: ArticleFilter, order: ArticleOrder, page: PageRequest) {
    const read = this.single('articles', { filter: normalArticleFilter(filter), order, page }, articleListTags(filter),
      () => this.inner.listArticles(filter, order, page), articlePageTags(filter, order));
    return this.notingArticles(read);
  }

  countArticles(filter: ArticleFilter) {
    return this.single('count-articles', normalArticleFilter(filter), articleCountTags(filter), () => this.inner.countArticles(filter));
  }

  listAuthors(page: PageRequest, filter: AuthorFilter = {}) {
    return this.single('authors', { page, filter }, [TAGS.authors], () => this.inner.listAuthors(page, filter));
  }

  countAuthors(filter: AuthorFilter = {}) {
    return this.single('count-authors', filter, [TAGS.authors], () => this.inner.countAuthors(filter));
  }

  listLocations(filter: LocationFilter, page: PageRequest) {
    return this.single('locations', { filter, page }, [TAGS.locations], () => this.inner.listLocations(filter, page));
  }

  countLocations(filter: LocationFilter) {
    return this.single('count-locations', filter, [TAGS.locations], () => this.inner.countLocations(filter));
  }

  listFigures(filter: CasualtyFilter, page: PageRequest, order: FigureOrder = 'CODED') {
    return this.single('figures', { filter: normalFigureFilter(filter), page, order }, figureListTags(filter),
      () => this.inner.listFigures(filter, page, order));
  }

  countFigures(filter: CasualtyFilter) {
    return this.single('count-figures', normalFigureFilter(filter), figureListTags(filter),
      () => this.inner.countFigures(filter));
  }

  /**
   * Statistics depend on the figures below their region (and those figures' articles and wholes,
   * which share an article with them) and on the place tree: tagged by region (see `TAGS`). A
   * region's answer can take the store seconds to count, so instances sharing the cache count it
   * once between them (`ReadThrough.oneClaimed`).
   */
  casualtyStats(query: StatsQuery) {
    const filter = query.filter;
    const normal = { ...query, filter: { ...filter, ...sortedLists(filter, ['outcome', 'group', 'verification', 'claimantType', 'articleIds']) } };
    const tags = statsTags(filter.locationId ?? null, filter.verification?.length ? filter.verification : DEFAULT_VERIFICATIONS, query.groupBy);
    this.noted?.add(tags);
    return this.reads.oneClaimed(this.requestFor('stats', normal, tags), this.listTtlSeconds, STATISTICS_CLAIM_MS,
      () => this.inner.casualtyStats(query), STATISTICS_CLAIM_WAIT_MS);
  }

  // ---- writes ---------------------------------------------------------------------------------

  /** Ids are taken, nothing is written: nothing to invalidate. */
  allocateIds(kind: IdKind, count: number) {
    return this.inner.allocateIds(kind, count);
  }

  insertAuthors(authors: readonly NewAuthor[]) {
    return this.writeThrough(() => this.inner.insertAuthors(authors), (ids) => ({ authors: ids }));
  }

  upsertLocations(locations: readonly NewLocation[]) {
    return this.writeThrough(() => this.inner.upsertLocations(locations), (ids) => ({ locations: ids }));
  }

  /** New articles have no figures yet; their own tags and their slugs' drop any "not found" cached for their ids or slugs. */
  insertArticles(articles: readonly NewArticle[]) {
    return this.writeThrough(() => this.inner.insertArticles(articles), (ids) => ({ articles: ids, keptSlugs: true }));
  }

  /**
   * New figures change the statistics of their own places only: no other figure's whole or
   * verification changed, so no other figure counts differently. Unless one restates or revises
   * another: then the figures it links to may count differently (a revised one not at all, a set
   * in another bucket), and what their articles touch is dropped, as for any write.
   */
  insertFigures(figures: readonly NewCasualtyFigure[]) {
    return this.writeThrough(() => this.inner.insertFigures(figures), async (ids) => {
      const touched = {
        figures: [...ids, ...figures.flatMap((figure) => (figure.partOfId == null ? [] : [figure.partOfId]))],
        articles: figures.map((figure) => figure.articleId),
        keptSlugs: true,
      };
      if (figures.some((figure) => figure.restatesId != null || figure.supersedesId != null)) return this.reachOf(touched);
      return { ...touched, regions: await this.withPlacesAbove(figures.map((figure) => figure.locationId)) };
    });
  }

  write<T>(actor: string, work: (writer: Writer) => Promise<T>) {
    const reach = emptyReach();
    return this.writeThrough(() => this.inner.write(actor, (writer) => work(notingReach(writer, reach))),
      async (result) => {
        const verified = await this.countedAlike(verifiedOnly(reach));
        const full = await this.reachOf(result.changes, reach.placesLeft, new Set([...textOnly(reach), ...verified.keys()]));
        const verifiedFigures = new Set([...reach.verifiedFigures].filter(([, articleId]) => verified.has(articleId)).map(([id]) => id));
        return {
          ...full,
          ...verified.size > 0 ? {
            verified: { regions: await this.withPlacesAbove([...verified.values()].flat()), verifications: reach.verifications },
            keptStatistics: [...full.figures ?? []].every((id) => verifiedFigures.has(id)),
          } : {},
          keptArticleRows: !reach.rowsWritten, keptArticleMembers: !reach.membersChanged, keptSearchedText: !reach.searchedTextChanged,
          keptSlugs: !reach.slugsMoved,
        };
      });
  }

  insertApiKey(...args: Parameters<ContentStore['insertApiKey']>) {
    return this.inner.insertApiKey(...args);
  }

  revokeApiKey(id: string) {
    return this.inner.revokeApiKey(id);
  }

  /** Aliases are written through `write` (one place's change) or this bulk load: both drop the place's entries. */
  insertLocationAliases(aliases: Parameters<ContentStore['insertLocationAliases']>[0]) {
    return this.writeThrough(() => this.inner.insertLocationAliases(aliases), () => ({ locations: aliases.map((a) => a.locationId) }));
  }

  // ---- never cached (a request's reads of these depend on everything, see `noting`) ------------

  /** Read once per ingested article and as large as the gazetteer: not worth a cache entry. */
  gazetteer() {
    this.noted?.readPastCache();
    return this.inner.gazetteer();
  }

  revisionsOf<State>(entity: RevisionEntity, ids: readonly string[]) {
    this.noted?.readPastCache();
    return this.inner.revisionsOf<State>(entity, ids);
  }

  articleAsOf(id: string, at: Date) {
    this.noted?.readPastCache();
    return this.inner.articleAsOf(id, at);
  }

  figuresAsOf(articleId: string, at: Date) {
    this.noted?.readPastCache();
    return this.inner.figuresAsOf(articleId, at);
  }

  apiKeyById(id: string) {
    this.noted?.readPastCache();
    return this.inner.apiKeyById(id);
  }

  listApiKeys() {
    this.noted?.readPastCache();
    return this.inner.listApiKeys();
  }

  isEmpty() {
    return this.inner.isEmpty();
  }

  ping() {
    return this.inner.ping();
  }

  schemaVersion() {
    return this.inner.schemaVersion();
  }

  close() {
    return this.inner.close();
  }

  // ---- helpers --------------------------------------------------------------------------------

  /**
   * A batch read through the cache: one entry per key (`<kind>:<key>`) tagged by `tagsOf`, the
   * misses loaded by one call of `load` with just their keys, resolved in key order. A request's
   * answer depends on those tags too, unless `noteTags` is false (the caller notes its own).
   */
  private batch<T>(kind: string, keys: readonly string[], tagsOf: (key: string) => string[],
    load: (missing: string[]) => Promise<T[]>, noteTags = true): Promise<T[]> {
    const requests = keys.map((key) => ({ key: `${this.namespace}:${kind}:${key}`, tags: tagsOf(key) }));
    if (this.noted && noteTags) for (const request of requests) this.noted.add(request.tags);
    return this.reads.many(requests, this.entityTtlSeconds, (misses) => load(misses.map((i) => keys[i])));
  }

  /**
   * One list page or count through the cache, keyed by a digest of its normalised arguments; a
   * request's answer depends on `answerTags` (by default the entry's own).
   */
  private single<T>(kind: string, args: unknown, tags: string[], load: () => Promise<T>, answerTags = tags): Promise<T> {
    this.noted?.add(answerTags);
    return this.reads.one(this.requestFor(kind, args, tags), this.listTtlSeconds, load);
  }

  /**
   * `read` of a page, noting what a request's answer depends on once it is known: the articles the
   * page holds (their own tags). Noted after the read, not before, which is sound for an answer
   * only (see ./read-tags).
   */
  private notingArticles(read: Promise<Page<ArticleSummary>>): Promise<Page<ArticleSummary>> {
    const noted = this.noted;
    if (!noted) return read;
    return read.then((found) => {
      for (const article of found.rows) noted.add([TAGS.article(article.id)]);
      return found;
    });
  }

  /** The cache entry of a `kind` of read with these arguments. */
  private requestFor(kind: string, args: unknown, tags: string[]): CacheRequest {
    return { key: `${this.namespace}:${kind}:${argumentsKey(args)}`, tags };
  }

  /**
   * Runs `write` on the inner store, then invalidates the tags of what `touched` says it touched,
   * and only then resolves to its result. If `touched` cannot tell, everything is invalidated.
   */
  private async writeThrough<R>(write: () => Promise<R>, touched: (result: R) => Touched | Promise<Touched>): Promise<R> {
    const result = await write();
    let tags: string[];
    try {
      tags = tagsOf(await this.withSlugs(await touched(result)));
    } catch {
      tags = tagsOf(EVERYTHING);
    }
    if (tags.length) await this.reads.invalidate(tags);
    return result;
  }

  /**
   * `touched` with the slugs its articles have after the write (one statement, without their bodies,
   * when it names articles): whatever bumps an article's own tag bumps its slug's too (see `TAGS.slug`).
   */
  private async withSlugs(touched: Touched): Promise<Touched> {
    const ids = [...new Set(touched.articles ?? [])];
    if (touched.everything || ids.length === 0) return touched;
    const { articles } = await this.inner.scoped(EVERY_STATUS).articleBundle('id', ids, ARTICLES_ALONE);
    return { ...touched, slugs: articles.map((article) => article.slug) };
  }

  /**
   * `changes`, every figure of the articles it names, and the regions of those figures and of
   * `placesLeft` (places figures were moved away from). An article's status decides whether the
   * public sees its figures, and a figure's parts and wholes are figures of the same article, so
   * entries keyed by figure (a figure, a figure's parts) depend on everything about their article,
   * and so do the statistics of every place where one of its figures stands. Articles in `textOnly`
   * (edited in fields no figure copies, see `notingReach`) reach none of that. Two queries per write
   * that touched other articles, none per read.
   */
  private async reachOf(changes: Touched, placesLeft: Iterable<string | null> = [], textOnly: ReadonlySet<string> = new Set()): Promise<Touched> {
    const articleIds = [...(changes.articles ?? [])].filter((id) => !textOnly.has(id));
    if (articleIds.length === 0) return { ...changes, regions: await this.withPlacesAbove(placesLeft) };
    const figures = (await this.inner.scoped(EVERY_STATUS).figuresOfArticles(articleIds, { includeRetracted: true })).flat();
    return {
      ...changes,
      figures: [...(changes.figures ?? []), ...figures.map((figure) => figure.id)],
      regions: await this.withPlacesAbove([...placesLeft, ...figures.map((figure) => figure.locationId)]),
    };
  }

  /**
   * Of `verified` (articles whose figures changed in verification alone, with those figures), the
   * ones whose statistics only the `stats-verified:` tags need follow (see `TAGS`), with the places
   * of all their figures: every one but an article where such a figure is background or superseded
   * (reported left out under its verification), which is reached as any other write's.
   */
  private async countedAlike(verified: Map<string, string[]>): Promise<Map<string, (string | null)[]>> {
    const articleIds = [...verified.keys()];
    if (articleIds.length === 0) return new Map();
    const figures = await this.inner.scoped(EVERY_STATUS).figuresOfArticles(articleIds, { includeRetracted: true });
    const alike = new Map<string, (string | null)[]>();
    articleIds.forEach((articleId, i) => {
      const changed = new Set(verified.get(articleId));
      const leftOut = figures[i].some((figure) => (changed.has(figure.id) && figure.background)
        || (figure.supersedesId !== null && changed.has(figure.supersedesId)));
      if (!leftOut) alike.set(articleId, figures[i].map((figure) => figure.locationId));
    });
    return alike;
  }

  /** The places `placeIds` names and every place above them (one query; none for no places). */
  private async withPlacesAbove(placeIds: Iterable<string | null>): Promise<string[]> {
    const places = [...new Set([...placeIds].filter((id): id is string => id !== null))];
    if (places.length === 0) return [];
    const above = await this.inner.ancestorsOf(places);
    return [...new Set([...places, ...above.flat().map((place) => place.id)])];
  }
}

/** A figure filter with its set-like lists sorted and `includeRetracted: false` as absent. */
function normalFigureFilter(filter: CasualtyFilter): CasualtyFilter {
  return {
    ...filter, ...sortedLists(filter, ['verification', 'claimantType', 'reviewStatus', 'outcomes', 'groups']),
    includeRetracted: filter.includeRetracted || null,
  };
}

/** An article filter with its set-like lists sorted: `tags: [a, b]` and `[b, a]` are one entry. */
function normalArticleFilter(filter: ArticleFilter): ArticleFilter {
  return { ...filter, ...sortedLists(filter, ['ids', 'authorIds', 'locationIds', 'tags', 'languages', 'status']) };
}
