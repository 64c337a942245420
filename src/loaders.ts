import DataLoader from 'dataloader';
import { canonicalJson } from './cache/keys';
import type {
  ArticleBundle, ArticleKey, ArticleRecord, ArticleSummary, BundleParts, CasualtyFigureRecord, CasualtyFilter,
} from './store/records';
import type { ContentStore } from './store/store';

/** A figure-list key: the article and the filter its `casualtyFigures` field was given. */
export interface FiguresOfArticleKey {
  articleId: string;
  filter: CasualtyFilter;
}

/** What an article's fields will ask the loaders for, to be read along with it (see `BundleParts`). */
export type RelatedParts = Omit<BundleParts, 'articles'>;

/** An `articleWith` key: an article by id or slug, and what to read along with it. */
export interface ArticleWithKey {
  by: ArticleKey;
  key: string;
  parts: RelatedParts;
}

/**
 * A DataLoader that also keeps what it has loaded or been primed with, so that `get` answers a key
 * already in hand with the value itself, not a promise. A resolver that returns a value lets
 * graphql-js complete the field at once, and an object whose fields all do so without a promise of
 * its own: on a page whose rows were fetched ahead (./prefetch.ts), the whole page below the list
 * resolves synchronously, which saves a promise, a microtask and their garbage per field.
 */
export class SettledLoader<K, V, C = K> extends DataLoader<K, V, C> {
  private readonly settled: Map<C, V>;
  private readonly keyOf: (key: K) => C;

  constructor(batch: DataLoader.BatchLoadFn<K, V>, options: DataLoader.Options<K, V, C> = {}) {
    const settled = new Map<C, V>();
    const keyOf = options.cacheKeyFn ?? ((key: K) => key as unknown as C);
    super(async (keys) => {
      const values = await batch(keys);
      keys.forEach((key, i) => {
        if (!(values[i] instanceof Error)) settled.set(keyOf(key), values[i] as V);
      });
      return values;
    }, options);
    this.settled = settled;
    this.keyOf = keyOf;
  }

  /** The value of `key` itself when it has been loaded or primed, else `load`'s promise of it. */
  get(key: K): V | Promise<V> {
    const cacheKey = this.keyOf(key);
    return this.settled.has(cacheKey) ? this.settled.get(cacheKey)! : this.load(key);
  }

  /** The values of `keys` itself when all are in hand, else a promise of them. */
  getMany(keys: readonly K[]): V[] | Promise<V[]> {
    return keys.every((key) => this.settled.has(this.keyOf(key)))
      ? keys.map((key) => this.settled.get(this.keyOf(key))!)
      : Promise.all(keys.map((key) => this.load(key)));
  }

  /** A key in hand resolves at once, without a batch, as DataLoader's own memo would answer it. */
  override load(key: K): Promise<V> {
    const cacheKey = this.keyOf(key);
    return this.settled.has(cacheKey) ? Promise.resolve(this.settled.get(cacheKey)!) : super.load(key);
  }

  /**
   * A value in hand is kept here alone (`load` and `get` answer from it): no promise is made for a
   * key that may never be asked for, which on a page is most of them (every figure, for `partOf`).
   */
  override prime(key: K, value: V | PromiseLike<V> | Error): this {
    if (value instanceof Error || isThenable(value)) return super.prime(key, value);
    const cacheKey = this.keyOf(key);
    if (!this.settled.has(cacheKey)) this.settled.set(cacheKey, value);
    return this;
  }

  override clear(key: K): this {
    this.settled.delete(this.keyOf(key));
    return super.clear(key);
  }

  override clearAll(): this {
    this.settled.clear();
    return super.clearAll();
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}

/**
 * The request's loaders. Build a new set for every request (in the context factory): a loader
 * memoises what it loaded, and that memo must never be shared between users.
 *
 * Each batch is one store round-trip (figure lists: one per distinct filter in the batch).
 */
export function createLoaders(store: ContentStore) {
  const figureById = new SettledLoader((ids: readonly string[]) => store.figuresByIds(ids));
  /**
   * Holds full records, and list pages' summaries (`primeArticles`): an article's body is read
   * through `bodyOfArticle` when its record has none (resolvers/Article.ts).
   */
  const articleById = new SettledLoader<string, ArticleSummary | null>((ids: readonly string[]) => store.articlesByIds(ids));
  /** The bodies of articles in hand without them, one statement per batch (a page's, at most). */
  const bodyOfArticle = new SettledLoader((ids: readonly string[]) => store.articleBodies(ids));

  /** Later `partOf` and `article` lookups of rows already in hand cost nothing. */
  const primeFigures = (figures: CasualtyFigureRecord[]) => {
    for (const figure of figures) figureById.prime(figure.id, figure);
  };

  const authorById = new SettledLoader((ids: readonly string[]) => store.authorsByIds(ids));
  /** Holds full records, and summaries from bundles read without bodies (`articleWith`), as `articleById`. */
  const articleBySlug = new DataLoader<string, ArticleSummary | null>((slugs: readonly string[]) => store.articlesBySlugs(slugs));
  const locationById = new SettledLoader((ids: readonly string[]) => store.locationsByIds(ids));
  const figuresOfArticle = new SettledLoader(
    async (keys: readonly FiguresOfArticleKey[]) => {
      // Grouped by the filter's canonical text: equal filters batch together whatever their key order.
      const byFilter = groupBy(keys, (key) => canonicalJson(key.filter));
      const results: CasualtyFigureRecord[][] = new Array(keys.length);
      await Promise.all([...byFilter.values()].map(async (indexes) => {
        const lists = await store.figuresOfArticles(indexes.map((i) => keys[i].articleId), keys[indexes[0]].filter);
        indexes.forEach((keyIndex, i) => {
          results[keyIndex] = lists[i];
          primeFigures(lists[i]);
        });
      }));
      return results;
    },
    { cacheKeyFn: (key) => `${key.articleId}:${canonicalJson(key.filter)}` },
  );

  /**
   * Primes the loaders with a bundle's records: its articles, their authors and places, and for
   * each of `articleIds` (when `parts` asked for figures) its unfiltered figure list and the figures.
   */
  const primeBundle = (bundle: ArticleBundle, articleIds: readonly string[], parts: RelatedParts) => {
    for (const article of bundle.articles) {
      articleById.prime(article.id, article);
      articleBySlug.prime(article.slug, article);
    }
    for (const author of bundle.authors) authorById.prime(author.id, author);
    for (const place of bundle.places) locationById.prime(place.id, place);
    for (const { id, body } of bundle.bodies) bodyOfArticle.prime(id, body);
    if (!parts.figures) return;
    const lists = new Map<string, CasualtyFigureRecord[]>(articleIds.map((id) => [id, []]));
    for (const figure of bundle.figures) lists.get(figure.articleId)?.push(figure);
    for (const [articleId, figures] of lists) {
      figuresOfArticle.prime({ articleId, filter: {} }, figures);
      primeFigures(figures);
    }
  };

  return {
    authorById,
    authorBySlug: new DataLoader((slugs: readonly string[]) => store.authorsBySlugs(slugs)),
    articleById,
    bodyOfArticle,
    articleBySlug,
    /**
     * Articles by id or slug (null for one this reader cannot see), each read in one statement with
     * what its key's `parts` names (one per kind of key and parts in a batch); those records prime
     * the other loaders, so the article's fields find them in hand.
     */
    articleWith: new DataLoader(
      async (keys: readonly ArticleWithKey[]) => {
        const results: (ArticleSummary | null)[] = new Array(keys.length);
        await Promise.all([...groupBy(keys, (key) => `${key.by}:${canonicalJson(key.parts)}`).values()].map(async (indexes) => {
          const { by, parts } = keys[indexes[0]];
          // Summaries unless the fields ask for bodies (`parts.bodies`): see `ArticleSummary`.
          const bundle = await store.articleBundle(by, indexes.map((i) => keys[i].key), { ...parts, articles: true });
          primeBundle(bundle, bundle.articles.map((article) => article.id), parts);
          const found = new Map(bundle.articles.map((article) => [by === 'id' ? article.id : article.slug, article]));
          for (const i of indexes) results[i] = found.get(keys[i].key) ?? null;
        }));
        return results;
      },
      { cacheKeyFn: (key) => `${key.by}:${key.key}:${canonicalJson(key.parts)}` },
    ),
    locationById,
    locationByIsoCode: new DataLoader((codes: readonly string[]) => store.locationsByIsoCodes(codes)),
    locationsByName: new DataLoader((names: readonly string[]) => store.locationsByNames(names)),
    figureById,
    childrenOfLocation: new DataLoader((ids: readonly string[]) => store.childrenOf(ids)),
    ancestorsOfLocation: new DataLoader((ids: readonly string[]) => store.ancestorsOf(ids)),
    aliasesOfLocation: new DataLoader((ids: readonly string[]) => store.aliasesOf(ids)),
    revisionsOfArticle: new DataLoader((ids: readonly string[]) => store.revisionsOf<ArticleRecord>('ARTICLE', ids)),
    revisionsOfFigure: new DataLoader((ids: readonly string[]) => store.revisionsOf<CasualtyFigureRecord>('CASUALTY_FIGURE', ids)),
    partsOfFigure: new DataLoader(async (ids: readonly string[]) => {
      const lists = await store.partsOf(ids);
      lists.forEach(primeFigures);
      return lists;
    }),
    figuresOfArticle,
    /** Rows from list queries, so that nested lookups of the same ids are free (but for their bodies). */
    primeArticles(articles: readonly ArticleSummary[]) {
      for (const article of articles) articleById.prime(article.id, article);
    },
    /**
     * Reads what `parts` names of the records `articles` reference, in one statement, and primes
     * the loaders with it. Resolves once they are primed; when the read fails, resolves all the
     * same, having primed nothing: each field then loads what it needs on its own, and fails there
     * if the store is still failing.
     */
    async primeRelated(articles: readonly ArticleSummary[], parts: RelatedParts): Promise<void> {
      if (articles.length === 0) return;
      const ids = articles.map((article) => article.id);
      const bundle = await store.articleBundle('id', ids, { ...parts, articles: false }).catch(() => null);
      if (bundle) primeBundle(bundle, ids, parts);
    },
    primeFigures,
  };
}

/** The positions of `items`, grouped by `keyOf`, groups in order of first appearance. */
function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  items.forEach((item, i) => {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(i);
    else groups.set(key, [i]);
  });
  return groups;
}

export type Loaders = ReturnType<typeof createLoaders>;

/**
 * The records of `ids` through `loader` (one batch with every other load of this tick), in the
 * order of `ids`, without those that no longer exist. Rejects when any load fails.
 */
export async function loadAll<T>(loader: DataLoader<string, T | null>, ids: readonly string[]): Promise<T[]> {
  return existing(await Promise.all(ids.map((id) => loader.load(id))));
}

/** `loadAll`, answered synchronously when every record is already in hand (see `SettledLoader`). */
export function getAll<T>(loader: SettledLoader<string, T | null>, ids: readonly string[]): T[] | Promise<T[]> {
  const rows = loader.getMany(ids);
  return Array.isArray(rows) ? existing(rows) : rows.then(existing);
}

function existing<T>(rows: (T | null)[]): T[] {
  return rows.filter((row): row is T => row !== null);
}
