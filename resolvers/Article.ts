import type { Context } from '../src/context';
import { BadUserInputError } from '../src/errors';
import type { EntityKey } from '../src/federation/entities';
import type { ArticleResolvers } from '../src/generated/graphql';
import { splitParagraphs } from '../src/domain/article-text';
import { getAll } from '../src/loaders';
import { LOCAL_SOURCE } from '../src/news/models';
import { checkFigureFilter } from './Query';

const locationsOf: ArticleResolvers['locations'] = (article, _, { loaders }) => getAll(loaders.locationById, article.locationIds);

export const Article: ArticleResolvers = {
  /** A router's reference (`_entities`): through the loader, so drafts stay hidden from the public. */
  __resolveReference: ({ id }: EntityKey, { loaders }: Context) => loaders.articleById.load(id),
  paragraphs: (article) => splitParagraphs(article.body),
  authors: (article, _, { loaders }) => getAll(loaders.authorById, article.authorIds),
  locations: locationsOf,
  url: (article) => article.sourceUrl,
  authorNames: async (article, _, { loaders }) => (await getAll(loaders.authorById, article.authorIds)).map((author) => author.name),
  places: locationsOf,
  source: () => LOCAL_SOURCE,
  casualtyFigures(article, { filter }, { loaders }) {
    if (article.asOfFigures) {
      if (filter && Object.values(filter).some((value) => value != null && value !== false)) {
        throw new BadUserInputError('filter', 'is not supported on an article read `asOf`: it lists the figures as they stood then');
      }
      return article.asOfFigures;
    }
    return loaders.figuresOfArticle.get({ articleId: article.id, filter: checkFigureFilter(filter ?? {}) });
  },
  revisions: (article, _, { loaders }) => loaders.revisionsOfArticle.load(article.id),
};

