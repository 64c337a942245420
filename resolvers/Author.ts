import type { AuthorResolvers } from '../src/generated/graphql';
import { pageRequest, toConnection } from '../src/pagination';

export const Author: AuthorResolvers = {
  async articles(author, { first, after }, { store, loaders, pagination }) {
    const filter = { authorId: author.id };
    const result = await store.listArticles(filter, 'PUBLISHED_AT_DESC', pageRequest({ first, after }, pagination));
    loaders.primeArticles(result.rows);
    return toConnection(result, () => store.countArticles(filter));
  },
};
