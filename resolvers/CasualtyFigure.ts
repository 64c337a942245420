import type { Context } from '../src/context';
import type { EntityKey } from '../src/federation/entities';
import type { Loaders } from '../src/loaders';
import type { CasualtyFigureRecord } from '../src/store/records';
import type { CasualtyFigureResolvers } from '../src/generated/graphql';

/**
 * The live figures of `figure`'s article (one batched load for every figure asked about): restatements
 * and revisions are always of the same article.
 */
const siblingsOf = (figure: CasualtyFigureRecord, loaders: Loaders) => loaders.figuresOfArticle.load({ articleId: figure.articleId, filter: {} });

export const CasualtyFigure: CasualtyFigureResolvers = {
  /** Null for a figure of an article the viewer may not see, as everywhere else. */
  __resolveReference: ({ id }: EntityKey, { loaders }: Context) => loaders.figureById.load(id),
  async article(figure, _, { loaders }) {
    const article = await loaders.articleById.load(figure.articleId);
    // The foreign key makes a figure without its article impossible; say so loudly if it happens.
    if (!article) throw new Error(`casualty figure ${figure.id} refers to missing article ${figure.articleId}`);
    return article;
  },
  location: (figure, _, { loaders }) => (figure.locationId ? loaders.locationById.load(figure.locationId) : null),
  partOf: (figure, _, { loaders }) => (figure.partOfId ? loaders.figureById.load(figure.partOfId) : null),
  parts: (figure, _, { loaders }) => loaders.partsOfFigure.load(figure.id),
  restates: (figure, _, { loaders }) => (figure.restatesId ? loaders.figureById.load(figure.restatesId) : null),
  restatedBy: async (figure, _, { loaders }) => (await siblingsOf(figure, loaders)).filter((other) => other.restatesId === figure.id),
  supersedes: (figure, _, { loaders }) => (figure.supersedesId ? loaders.figureById.load(figure.supersedesId) : null),
  supersededBy: async (figure, _, { loaders }) =>
    (await siblingsOf(figure, loaders)).find((other) => other.supersedesId === figure.id) ?? null,
  revisions: (figure, _, { loaders }) => loaders.revisionsOfFigure.load(figure.id),
};
