import type { Context } from '../src/context';
import { BadUserInputError } from '../src/errors';
import type { EntityKey } from '../src/federation/entities';
import type { ArticleResolvers } from '../src/generated/graphql';
import { splitParagraphs } from '../src/domain/article-text';
import type { ArticleModel } from '../src/graph-models';
import { type Loaders, getAll } from '../src/loaders';
import { LOCAL_SOURCE } from '../src/news/models';
import { checkFigureFilter } from './Query';

/**
 * The article's body: the record's own, or for a list page's record (which has none, see
 * `ArticleSummary`) through `bodyOfArticle`, one statement for every body asked for in a tick (none
 * when the page's related records brought them, `BundleParts.bodies`). Synchronous when in hand.
 */
function bodyOf(article: ArticleModel, loaders: Loaders): string | Promise<string> {
  if (article.body !== undefined) return article.body;
  const found = (body: string | null) => {
    // Listed, then unpublished or deleted before its body was read.
    if (body === null) throw new Error(`article ${article.id} is gone; its body cannot be read`);
    return body;
  };
  const body = loaders.bodyOfArticle.get(article.id);
  return body instanceof Promise ? body.then(found) : found(body);
}

const locationsOf: ArticleResolvers['locations'] = (article, _, { loaders }) => getAll(loaders.locationById, article.locationIds);

export const Article: ArticleResolvers = {
  /** A router's reference (`_entities`): through the loader, so drafts stay hidden from the public. */
  __resolveReference: ({ id }: EntityKey, { loaders }: Context) => loaders.articleById.load(id),
  body: (article, _, { loaders }) => bodyOf(article, loaders),
  paragraphs: (article, _, { loaders }) => {
    const body = bodyOf(article, loaders);
    return typeof body === 'string' ? splitParagraphs(body) : body.then(splitParagraphs);
  },
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

