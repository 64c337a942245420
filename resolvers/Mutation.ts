import * as editorial from '../src/editorial/editorial';
import { LIMITS } from '../src/editorial/inputs';
import { BadUserInputError } from '../src/errors';
import type { MutationResolvers } from '../src/generated/graphql';
import { toGlobalId } from '../src/global-ids';

/** Every mutation runs behind `@requires` (see schema/mutation.graphql), so a viewer with an actor. */
const actor = (context: { viewer: { actor: string | null } }) => context.viewer.actor!;

export const Mutation: MutationResolvers = {
  createAuthor: (_, { input }, ctx) => editorial.createAuthor(ctx.store, actor(ctx), input),
  updateAuthor: (_, { id, input }, ctx) => editorial.updateAuthor(ctx.store, actor(ctx), id, input),
  deleteAuthor: async (_, { id }, ctx) => toGlobalId('Author', await editorial.deleteAuthor(ctx.store, actor(ctx), id)),

  createLocation: (_, { input }, ctx) => editorial.createLocation(ctx.store, actor(ctx), input),
  updateLocation: (_, { id, input }, ctx) => editorial.updateLocation(ctx.store, actor(ctx), id, input),
  deleteLocation: async (_, { id }, ctx) => toGlobalId('Location', await editorial.deleteLocation(ctx.store, actor(ctx), id)),

  createArticle: (_, { input }, ctx) => editorial.createArticle(ctx.store, actor(ctx), input),
  updateArticle: (_, { id, version, input }, ctx) => editorial.updateArticle(ctx.store, actor(ctx), id, version, input),
  publishArticle: (_, { id, version }, ctx) => editorial.setArticleStatus(ctx.store, actor(ctx), id, version, 'PUBLISHED'),
  unpublishArticle: (_, { id, version }, ctx) => editorial.setArticleStatus(ctx.store, actor(ctx), id, version, 'UNPUBLISHED'),

  addCasualtyFigure: (_, { articleId, input }, ctx) => editorial.addFigure(ctx.store, actor(ctx), articleId, input),
  updateCasualtyFigure: (_, { id, version, input }, ctx) => editorial.updateFigure(ctx.store, actor(ctx), id, version, input),
  retractCasualtyFigure: (_, { id, version, reason }, ctx) => editorial.retractFigure(ctx.store, actor(ctx), id, version, reason),
  reviewCasualtyFigure: (_, { id, version, decision, edit }, ctx) =>
    editorial.reviewFigure(ctx.store, actor(ctx), id, version, decision, edit),

  importArticles(_, { articles }, ctx) {
    if (articles.length > LIMITS.importBatch) {
      throw new BadUserInputError('articles', `must list at most ${LIMITS.importBatch} records per call; split larger imports`);
    }
    return editorial.importArticles(ctx.store, actor(ctx), articles);
  },
};
