import type { Context } from '../src/context';
import type { EntityKey } from '../src/federation/entities';
import type { CasualtyFigureModel } from '../src/graph-models';
import type { Loaders } from '../src/loaders';
import type { CasualtyFigureResolvers } from '../src/generated/graphql';

/**
 * The live figures of `figure`'s article (one batched load for every figure asked about), or for a
 * figure read `asOf` a moment, its article's figures as they stood then: parts, restatements and
 * revisions are always of the same article.
 */
const siblingsOf = async (figure: CasualtyFigureModel, loaders: Loaders): Promise<readonly CasualtyFigureModel[]> =>
  figure.asOfFigures ?? loaders.figuresOfArticle.get({ articleId: figure.articleId, filter: {} });

/** The figure `id` links to: among the figures as they stood then, for a figure read `asOf`. */
const linked = (figure: CasualtyFigureModel, id: string | null, loaders: Loaders) => {
  if (!id) return null;
  return figure.asOfFigures ? figure.asOfFigures.find((other) => other.id === id) ?? null : loaders.figureById.get(id);
};

export const CasualtyFigure: CasualtyFigureResolvers = {
  /** Null for a figure of an article the viewer may not see, as everywhere else. */
  __resolveReference: ({ id }: EntityKey, { loaders }: Context) => loaders.figureById.load(id),
  async article(figure, _, { loaders }) {
    const article = await loaders.articleById.load(figure.articleId);
    // The foreign key makes a figure without its article impossible; say so loudly if it happens.
    if (!article) throw new Error(`casualty figure ${figure.id} refers to missing article ${figure.articleId}`);
    return article;
  },
  location: (figure, _, { loaders }) => (figure.locationId ? loaders.locationById.get(figure.locationId) : null),
  partOf: (figure, _, { loaders }) => linked(figure, figure.partOfId, loaders),
  parts: (figure, _, { loaders }) =>
    (figure.asOfFigures ? figure.asOfFigures.filter((other) => other.partOfId === figure.id) : loaders.partsOfFigure.load(figure.id)),
  restates: (figure, _, { loaders }) => linked(figure, figure.restatesId, loaders),
  restatedBy: async (figure, _, { loaders }) => (await siblingsOf(figure, loaders)).filter((other) => other.restatesId === figure.id),
  supersedes: (figure, _, { loaders }) => linked(figure, figure.supersedesId, loaders),
  supersededBy: async (figure, _, { loaders }) =>
    (await siblingsOf(figure, loaders)).find((other) => other.supersedesId === figure.id) ?? null,
  revisions: (figure, _, { loaders }) => loaders.revisionsOfFigure.load(figure.id),
};
