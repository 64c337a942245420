import type { Context } from '../src/context';
import type { EntityKey } from '../src/federation/entities';
import type { CasualtyFigureResolvers } from '../src/generated/graphql';

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
  revisions: (figure, _, { loaders }) => loaders.revisionsOfFigure.load(figure.id),
};
