import { BadUserInputError } from '../src/errors';
import type { ArticleResolvers } from '../src/generated/graphql';
import { splitParagraphs } from '../src/domain/article-text';

export const Article: ArticleResolvers = {
  paragraphs: (article) => splitParagraphs(article.body),
  authors: (article, _, { loaders }) => loadAll(article.authorIds, (id) => loaders.authorById.load(id)),
  locations: (article, _, { loaders }) => loadAll(article.locationIds, (id) => loaders.locationById.load(id)),
  casualtyFigures(article, { filter }, { loaders }) {
    if (article.asOfFigures) {
      if (filter && Object.values(filter).some((value) => value != null && value !== false)) {
        throw new BadUserInputError('filter', 'is not supported on an article read `asOf`: it lists the figures as they stood then');
      }
      return article.asOfFigures;
    }
    return loaders.figuresOfArticle.load({ articleId: article.id, filter: filter ?? {} });
  },
  revisions: (article, _, { loaders }) => loaders.revisionsOfArticle.load(article.id),
};

/** Loads every id (batched by the loader) and drops the ones that no longer exist. */
export async function loadAll<T>(ids: readonly string[], load: (id: string) => Promise<T | null>): Promise<T[]> {
  const rows = await Promise.all(ids.map(load));
  return rows.filter((row): row is Awaited<T> => row !== null);
}
