import type { AuthorResolvers } from '../src/generated/graphql';
import { articleConnection } from './article-connection';

export const Author: AuthorResolvers = {
  articles: (author, args, context) => articleConnection({ authorId: author.id }, 'PUBLISHED_AT_DESC', args, context),
};
