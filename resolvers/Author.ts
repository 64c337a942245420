import type { Context } from '../src/context';
import type { EntityKey } from '../src/federation/entities';
import type { AuthorResolvers } from '../src/generated/graphql';
import { articleConnection } from './article-connection';

export const Author: AuthorResolvers = {
  __resolveReference: ({ id }: EntityKey, { loaders }: Context) => loaders.authorById.load(id),
  articles: (author, args, context, info) => articleConnection({ authorId: author.id }, 'PUBLISHED_AT_DESC', args, context, info),
};
