import type { ArticleRevisionResolvers, CasualtyFigureRevisionResolvers } from '../src/generated/graphql';

// Revision records are returned as they are; `previous` is a plain record that the Article and
// CasualtyFigure resolvers know how to resolve.
export const ArticleRevision: ArticleRevisionResolvers = {};
export const CasualtyFigureRevision: CasualtyFigureRevisionResolvers = {};
