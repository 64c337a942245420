import DataLoader from 'dataloader';
import { canonicalJson } from './cache/keys';
import type { ArticleRecord, CasualtyFigureRecord, CasualtyFilter } from './store/records';
import type { ContentStore } from './store/store';

/** A figure-list key: the article and the filter its `casualtyFigures` field was given. */
export interface FiguresOfArticleKey {
  articleId: string;
  filter: CasualtyFilter;
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

  override prime(key: K, value: V | PromiseLike<V> | Error): this {
    const cacheKey = this.keyOf(key);
    if (!(value instanceof Error) && !isThenable(value) && !this.settled.has(cacheKey)) this.settled.set(cacheKey, value);
    return super.prime(key, value);
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
  const articleById = new SettledLoader((ids: readonly string[]) => store.articlesByIds(ids));

  /** Later `partOf` and `article` lookups of rows already in hand cost nothing. */
  const primeFigures = (figures: CasualtyFigureRecord[]) => {
    for (const figure of figures) figureById.prime(figure.id, figure);
  };

  return {
    authorById: new SettledLoader((ids: readonly string[]) => store.authorsByIds(ids)),
    authorBySlug: new DataLoader((slugs: readonly string[]) => store.authorsBySlugs(slugs)),
    articleById,
    articleBySlug: new DataLoader((slugs: readonly string[]) => store.articlesBySlugs(slugs)),
    locationById: new SettledLoader((ids: readonly string[]) => store.locationsByIds(ids)),
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
    figuresOfArticle: new SettledLoader(
      async (keys: readonly FiguresOfArticleKey[]) => {
        // Grouped by the filter's canonical text: equal filters batch together whatever their key order.
        const byFilter = new Map<string, { filter: CasualtyFilter; indexes: number[] }>();
        keys.forEach((key, index) => {
          const text = canonicalJson(key.filter);
          const group = byFilter.get(text) ?? { filter: key.filter, indexes: [] };
          group.indexes.push(index);
          byFilter.set(text, group);
        });
        const results: CasualtyFigureRecord[][] = new Array(keys.length);
        await Promise.all([...byFilter.values()].map(async ({ filter, indexes }) => {
          const lists = await store.figuresOfArticles(indexes.map((i) => keys[i].articleId), filter);
          indexes.forEach((keyIndex, i) => {
            results[keyIndex] = lists[i];
            primeFigures(lists[i]);
          });
        }));
        return results;
      },
      { cacheKeyFn: (key) => `${key.articleId}:${canonicalJson(key.filter)}` },
    ),
    /** Rows from list queries, so that nested lookups of the same ids are free. */
    primeArticles(articles: ArticleRecord[]) {
      for (const article of articles) articleById.prime(article.id, article);
    },
    primeFigures,
  };
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
