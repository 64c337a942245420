import type { Resolvers } from '../src/generated/graphql';

/**
 * The counts of a connection: the models carry them as functions (src/pagination.ts, src/news/models.ts)
 * so that a count query runs only when a client selects the field. Resolved here rather than by
 * graphql-js's default resolver (which calls a function-valued property): the compiled executor
 * (src/execution/compiled-queries.ts) reads a field without a resolver as a plain property.
 */
const counted = { totalCount: (connection: { totalCount: () => Promise<number> }) => connection.totalCount() };

export const ArticleConnection: Resolvers['ArticleConnection'] = counted;
export const AuthorConnection: Resolvers['AuthorConnection'] = counted;
export const LocationConnection: Resolvers['LocationConnection'] = counted;
export const CasualtyFigureConnection: Resolvers['CasualtyFigureConnection'] = counted;
export const NewsConnection: Resolvers['NewsConnection'] = {
  ...counted,
  totalCountIsLowerBound: (connection) => connection.totalCountIsLowerBound(),
};
