import type { LocationResolvers } from '../src/generated/graphql';
import { articleConnection } from './article-connection';

export const Location: LocationResolvers = {
  parent: (location, _, { loaders }) => (location.parentId ? loaders.locationById.load(location.parentId) : null),
  ancestors: (location, _, { loaders }) => loaders.ancestorsOfLocation.load(location.id),
  children: (location, _, { loaders }) => loaders.childrenOfLocation.load(location.id),
  articles: (location, args, context) =>
    articleConnection({ locationId: location.id }, 'PUBLISHED_AT_DESC', args, context),
};
