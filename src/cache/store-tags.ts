import { ALL_TAG } from './cache';
import { VERIFICATIONS } from '../domain/casualty';
import type { ArticleFilter, ArticleOrder, ArticlePatch, CasualtyFilter, Changes } from '../store/records';
import type { Writer } from '../store/store';

/**
 * The tags entries depend on (see src/cache/cache.ts). A record's own tag is bumped when it
 * changes; a kind's tag (`articles`, ...) whenever any record of that kind changes, for entries
 * whose dependencies the arguments cannot name: list pages and counts (any new or changed record
 * may enter or leave them), lookups by ISO code (a write may move one to another record), and
 * place trees (a move changes many places' children and ancestors).
 *
 * Lookups by an article's slug are tagged by the slug instead (`slug:<slug>`): a write bumps the
 * `slug:` tag of every article whose own tag it bumps (by its slug after the write), and
 * `article-slugs` when it may have moved a slug (changed one, made or removed an article), so an
 * article page read by slug survives writes to other articles.
 *
 * Statistics are tagged by region instead, so a write drops only those it can change: an answer
 * for region R depends on `stats:R` (one without a region on `stats:everywhere`) and on `stats`.
 * A write to figures or articles bumps `stats:P` for every place P where a figure of a touched
 * article stands or stood, and for every place above P (the statistics of a region count
 * everything below it), and `stats:everywhere`; a write to places bumps `stats`, dropping every
 * statistic (a move changes which figures lie below which region, and a kind which bucket a figure
 * falls in at a level: simpler to drop all than to follow).
 *
 * A figure's verification changed and nothing else of it (an editor confirming a reported toll)
 * bumps, instead of `stats:R`, `stats-verified:V:R` for its old and new verification V in the same
 * regions R: a figure stays in or out of the count as its verification is or is not counted, so an
 * answer that counts both (and does not group by verification) is the same before and after
 * (test/stats-property.test.ts proves it). An answer depends on `stats-verified:V:R` for every V it
 * does not count, and on all four when it groups by verification. Not for a superseded or a
 * background figure: those are reported left out under their verification, so `stats:R` goes.
 */
export const TAGS = {
  author: (id: string) => `author:${id}`,
  location: (id: string) => `location:${id}`,
  article: (id: string) => `article:${id}`,
  figure: (id: string) => `figure:${id}`,
  authors: 'authors',
  locations: 'locations',
  articles: 'articles',
  articleMembers: 'article-members',
  articleSearch: 'article-search',
  articleSlugs: 'article-slugs',
  slug: (slug: string) => `slug:${slug}`,
  figures: 'figures',
  stats: 'stats',
  statsIn: (regionId: string | null) => (regionId === null ? 'stats:everywhere' : `stats:${regionId}`),
  statsVerified: (verification: string, regionId: string | null) => `stats-verified:${verification}:${regionId ?? 'everywhere'}`,
} as const;

/**
 * The tags of a statistic of region `regionId` (null: everywhere) that counts the verifications
 * `counted` and groups by `groupBy` (see `TAGS`).
 */
export function statsTags(regionId: string | null, counted: readonly string[], groupBy: readonly string[]): string[] {
  const grouped = groupBy.includes('VERIFICATION');
  return [TAGS.stats, TAGS.statsIn(regionId),
    ...VERIFICATIONS.filter((verification) => grouped || !counted.includes(verification)).map((verification) => TAGS.statsVerified(verification, regionId))];
}

/**
 * What a write touched, by kind: the `Changes` that `ContentStore.write` reports, or ids a bulk
 * write names. A touched figure must also name its article (as `Changes` does), and a figure that
 * became or stopped being part of another must name that other figure. `regions` are the places
 * whose statistics the write may have changed, each with every place above it.
 */
export type Touched = { readonly [Kind in keyof Changes]?: Iterable<string> }
  & {
    readonly regions?: Iterable<string>;
    readonly everything?: boolean;
    /** No article's own row was written (figures only): `articles` keeps its generation. */
    readonly keptArticleRows?: boolean;
    /** No write changed which articles a filter other than a search selects: `articleMembers` keeps its generation. */
    readonly keptArticleMembers?: boolean;
    /** No write changed an article's searched text (`SEARCHED_FIELDS`): `articleSearch` keeps its generation. */
    readonly keptSearchedText?: boolean;
    /** The slugs of `articles` after the write: each one's `slug:` tag is bumped with the article's own. */
    readonly slugs?: Iterable<string>;
    /** No write moved a slug from one article to another or to none: `articleSlugs` keeps its generation. */
    readonly keptSlugs?: boolean;
    /**
     * Figures whose verification alone changed, from or to one of `verifications`, in `regions`
     * (each with every place above it): their statistics' `stats-verified:` tags are bumped, not
     * `stats:R`. With `keptStatistics`, no other change of the write reached a statistic, and
     * `stats:everywhere` keeps its generation.
     */
    readonly verified?: { readonly regions: Iterable<string>; readonly verifications: Iterable<string> };
    readonly keptStatistics?: boolean;
  };

/** Touched everything: for a write whose reach is unknown. */
export const EVERYTHING: Touched = { everything: true };

/**
 * The tags a write that touched `touched` invalidates: each record's own tag and its kind's (an
 * article named only for its figures, `keptArticleRows`, its own tag alone); `articleMembers` with
 * `articles` unless `keptArticleMembers`, `articleSearch` unless `keptSearchedText`, and
 * `articleSlugs` unless `keptSlugs`; the `slug:` tag of each of `slugs`; for touched places every
 * statistic, for touched figures the statistics of `regions` and those without a region (unless
 * `keptStatistics`), and for `verified` the `stats-verified:` tags of its verifications in its
 * regions and everywhere.
 */
export function tagsOf(touched: Touched): string[] {
  if (touched.everything) return [ALL_TAG];
  const tags = new Set<string>();
  const add = (ids: Iterable<string> | undefined, own: (id: string) => string, kind: string) => {
    for (const id of ids ?? []) tags.add(own(id)).add(kind);
  };
  add(touched.authors, TAGS.author, TAGS.authors);
  add(touched.locations, TAGS.location, TAGS.locations);
  const articles = [...touched.articles ?? []];
  for (const id of articles) tags.add(TAGS.article(id));
  if (articles.length > 0 && !touched.keptArticleRows) tags.add(TAGS.articles);
  add(touched.figures, TAGS.figure, TAGS.figures);
  if (tags.has(TAGS.articles) && !touched.keptArticleMembers) tags.add(TAGS.articleMembers);
  if (tags.has(TAGS.articles) && !touched.keptSearchedText) tags.add(TAGS.articleSearch);
  for (const slug of touched.slugs ?? []) tags.add(TAGS.slug(slug));
  if (tags.has(TAGS.articles) && !touched.keptSlugs) tags.add(TAGS.articleSlugs);
  if (tags.has(TAGS.locations)) tags.add(TAGS.stats);
  if (tags.has(TAGS.figures) && !touched.keptStatistics) tags.add(TAGS.statsIn(null));
  for (const region of touched.regions ?? []) tags.add(TAGS.statsIn(region));
  if (touched.verified) {
    const regions = [null, ...touched.verified.regions];
    for (const verification of touched.verified.verifications) for (const region of regions) tags.add(TAGS.statsVerified(verification, region));
  }
  return [...tags];
}

/**
 * Article fields no figure copies and no statistic reads (a figure copies its article's status and
 * publication date, see 0006_figure_article_columns.sql, and statistics read figures alone): an
 * edit of only these leaves the article's figures and every statistic as they were. A field added
 * to articles is outside this list until someone shows it belongs here.
 */
const UNCOPIED_FIELDS: ReadonlySet<string> = new Set<keyof ArticlePatch>([
  'slug', 'headline', 'standfirst', 'body', 'sourceUrl', 'language', 'tags', 'authorIds', 'locationIds',
]);

/**
 * Article fields no article filter reads but a search: an update of only these, and writes to
 * figures, leave every other filter's articles as they were.
 */
const UNFILTERED_FIELDS: ReadonlySet<string> = new Set<keyof ArticlePatch>(['slug', 'headline', 'standfirst', 'body', 'sourceUrl']);

/**
 * The fields a search reads (`ArticleFilter.search` and the RELEVANCE order match and rank the
 * `search` vector, made of these alone: 0002_search.sql): an update that leaves them as they were
 * leaves every search's articles and their order as they were, unless it changes what another
 * filter reads (then `articleMembers` drops them too).
 */
const SEARCHED_FIELDS: ReadonlySet<string> = new Set<keyof ArticlePatch>(['headline', 'body']);

/** Writer calls that write no article's own row (reads, figures, what ingestion read): any other may. */
const ARTICLE_ROWS_KEPT_BY = new Set<string>([
  'articleById', 'articleBySourceUrlOrSlug', 'figureById', 'figuresOfArticle', 'ingestedPage',
  'createFigure', 'updateFigure', 'recordIngestedPage',
]);

/** What a write's calls show beyond the `Changes` it reports (see `notingReach`). */
export interface WriteReach {
  /** Places figures were moved away from (the region a figure leaves loses it). */
  readonly placesLeft: Set<string>;
  /** Articles updated in `UNCOPIED_FIELDS` only. */
  readonly textEdited: Set<string>;
  /** Articles whose figures, or what their figures copy of them, a call may have changed. */
  readonly figuresReached: Set<string>;
  /** Figures whose verification alone a call changed, by id, with their article's id (see `verifiedOnly`). */
  readonly verifiedFigures: Map<string, string>;
  /** The verifications those figures had before and have after. */
  readonly verifications: Set<string>;
  /** Whether a call may have written an article's own row: any call but those of `ARTICLE_ROWS_KEPT_BY`. */
  rowsWritten: boolean;
  /**
   * Whether a call may have changed which articles a filter other than a search selects: any call
   * but those of `ARTICLE_ROWS_KEPT_BY` and updates of `UNFILTERED_FIELDS` only.
   */
  membersChanged: boolean;
  /** Whether a call may have changed an article's searched text: any call that may change members, and updates of `SEARCHED_FIELDS`. */
  searchedTextChanged: boolean;
  /**
   * Whether a call may have moved a slug (an article's slug changed, or an article made or
   * removed): any call but those of `ARTICLE_ROWS_KEPT_BY` and updates that leave the slug alone.
   */
  slugsMoved: boolean;
}

export function emptyReach(): WriteReach {
  return {
    placesLeft: new Set(), textEdited: new Set(), figuresReached: new Set(), verifiedFigures: new Map(), verifications: new Set(),
    rowsWritten: false, membersChanged: false, searchedTextChanged: false, slugsMoved: false,
  };
}

/**
 * The articles of `reach` whose figures changed in verification alone (no other call reached their
 * figures), with those figures' ids.
 */
export function verifiedOnly(reach: WriteReach): Map<string, string[]> {
  const articles = new Map<string, string[]>();
  for (const [figureId, articleId] of reach.verifiedFigures) {
    if (!reach.figuresReached.has(articleId)) articles.set(articleId, [...articles.get(articleId) ?? [], figureId]);
  }
  return articles;
}

/** The articles of `reach` whose figures the write left as they were: updated in `UNCOPIED_FIELDS` only, no figure of theirs written. */
export function textOnly(reach: WriteReach): Set<string> {
  return new Set([...reach.textEdited].filter((id) => !reach.figuresReached.has(id)));
}

/**
 * `writer`, noting in `reach` what each call may have reached: where each figure it updates stood
 * before the update (read locked, so the place noted is the one the update replaces), the article
 * of every figure it creates or updates, whether each article update changed only its text, and
 * each figure update that changed only the figure's verification (and from what to what).
 */
export function notingReach(writer: Writer, reach: WriteReach): Writer {
  const updateFigure: Writer['updateFigure'] = async (id, version, patch, action) => {
    const before = await writer.figureById(id, { lock: true });
    const after = await writer.updateFigure(id, version, patch, action);
    if (before && Object.keys(patch).every((field) => field === 'verification')) {
      reach.verifiedFigures.set(id, after.articleId);
      reach.verifications.add(before.verification).add(after.verification);
      return after;
    }
    if (before?.locationId != null) reach.placesLeft.add(before.locationId);
    if (before) reach.figuresReached.add(before.articleId);
    reach.figuresReached.add(after.articleId);
    return after;
  };
  const createFigure: Writer['createFigure'] = (figure) => {
    reach.figuresReached.add(figure.articleId);
    return writer.createFigure(figure);
  };
  const updateArticle: Writer['updateArticle'] = (id, version, patch, action) => {
    const fields = Object.keys(patch);
    (fields.every((field) => UNCOPIED_FIELDS.has(field)) ? reach.textEdited : reach.figuresReached).add(id);
    reach.rowsWritten = true;
    if (!fields.every((field) => UNFILTERED_FIELDS.has(field))) reach.membersChanged = true;
    if (reach.membersChanged || fields.some((field) => SEARCHED_FIELDS.has(field))) reach.searchedTextChanged = true;
    if (fields.includes('slug')) reach.slugsMoved = true;
    return writer.updateArticle(id, version, patch, action);
  };
  const noted: Partial<Writer> = { updateFigure, createFigure, updateArticle };
  return new Proxy(writer, {
    get(target, name) {
      if (typeof name === 'string' && name in noted) return noted[name as keyof Writer];
      const value: unknown = Reflect.get(target, name, target);
      if (typeof value !== 'function') return value;
      if (typeof name === 'string' && ARTICLE_ROWS_KEPT_BY.has(name)) return value.bind(target);
      return (...args: unknown[]) => {
        reach.rowsWritten = true;
        reach.membersChanged = true;
        reach.searchedTextChanged = true;
        reach.slugsMoved = true;
        return Reflect.apply(value, target, args);
      };
    },
  });
}

/** Extra tags for a filter on places "and everything below them": the place tree may change. */
export function placeTags(...locationIds: (string | readonly string[] | null | undefined)[]): string[] {
  return locationIds.some((ids) => ids != null) ? [TAGS.locations] : [];
}

/**
 * Any write to an article (its status, language, tags, authors, places, text) bumps `articles`, so
 * every filter on them is covered; filters on places also follow the place tree.
 */
export function articleListTags(filter: ArticleFilter): string[] {
  return [TAGS.articles, ...placeTags(filter.locationId, filter.locationIds)];
}

/**
 * A count holds no article, only how many a filter selects: it depends on `articleMembers`, which a
 * write of figures or of an article's unfiltered fields (its text, slug, source address) leaves
 * alone (see `notingReach`), and, when the filter searches, on `articleSearch`, which only a write
 * of the searched text (headline, body) adds to that.
 */
export function articleCountTags(filter: ArticleFilter): string[] {
  return [TAGS.articleMembers, ...filter.search ? [TAGS.articleSearch] : [], ...placeTags(filter.locationId, filter.locationIds)];
}

/**
 * What decides which articles a page holds and in what order, for an answer that also depends on
 * each of its articles' own tags (see ./read-tags): as for a count (a search's relevance ranks the
 * searched text a count's `articleSearch` follows), unless the order reads the last update's time,
 * which every write of an article changes.
 */
export function articlePageTags(filter: ArticleFilter, order: ArticleOrder): string[] {
  return order === 'UPDATED_AT_DESC' ? articleListTags(filter) : articleCountTags(filter);
}

/** Which figures the public sees, and a figure's date, depend on their articles' status and publication. */
export function figureListTags(filter: CasualtyFilter): string[] {
  return [TAGS.figures, TAGS.articles, ...placeTags(filter.locationId)];
}
