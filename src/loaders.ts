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
 * The request's loaders. Build a new set for every request (in the context factory): a loader
 * memoises what it loaded, and that memo must never be shared between users.
 *
 * Each batch is one store round-trip (figure lists: one per distinct filter in the batch).
 */
export function createLoaders(store: ContentStore) {
  const figureById = new DataLoader((ids: readonly string[]) => store.figuresByIds(ids));
  const articleById = new DataLoader((ids: readonly string[]) => store.articlesByIds(ids));

  /** Later `partOf` and `article` lookups of rows already in hand cost nothing. */
  const primeFigures = (figures: CasualtyFigureRecord[]) => {
    for (const figure of figures) figureById.prime(figure.id, figure);
  };

  return {
    authorById: new DataLoader((ids: readonly string[]) => store.authorsByIds(ids)),
    authorBySlug: new DataLoader((slugs: readonly string[]) => store.authorsBySlugs(slugs)),
    articleById,
    articleBySlug: new DataLoader((slugs: readonly string[]) => store.articlesBySlugs(slugs)),
    locationById: new DataLoader((ids: readonly string[]) => store.locationsByIds(ids)),
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
    figuresOfArticle: new DataLoader(
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
  const rows = await Promise.all(ids.map((id) => loader.load(id)));
  return rows.filter((row): row is Awaited<T> => row !== null);
}
