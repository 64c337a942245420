import type { LocationResolvers } from '../src/generated/graphql';
import { pageRequest, toConnection } from '../src/pagination';

export const Location: LocationResolvers = {
  parent: (location, _, { loaders }) => (location.parentId ? loaders.locationById.load(location.parentId) : null),
  ancestors: (location, _, { loaders }) => loaders.ancestorsOfLocation.load(location.id),
  children: (location, _, { loaders }) => loaders.childrenOfLocation.load(location.id),
  async articles(location, { first, after }, { store, loaders, pagination }) {
    const filter = { locationId: location.id };
    const result = await store.listArticles(filter, 'PUBLISHED_AT_DESC', pageRequest({ first, after }, pagination));
    loaders.primeArticles(result.rows);
    return toConnection(result, () => store.countArticles(filter));
  },
};
