import type { Context } from '../src/context';
import type { EntityKey } from '../src/federation/entities';
import type { LocationResolvers } from '../src/generated/graphql';
import { articleConnection } from './article-connection';

export const Location: LocationResolvers = {
  /** Keyed by `id` or by `isoCode`; a reference with both is read by `id`. */
  __resolveReference: (key: EntityKey<'id'> | EntityKey<'isoCode'>, { loaders }: Context) =>
    ('id' in key ? loaders.locationById.load(key.id) : loaders.locationByIsoCode.load(key.isoCode)),
  parent: (location, _, { loaders }) => (location.parentId ? loaders.locationById.get(location.parentId) : null),
  ancestors: (location, _, { loaders }) => loaders.ancestorsOfLocation.load(location.id),
  children: (location, _, { loaders }) => loaders.childrenOfLocation.load(location.id),
  aliases: (location, _, { loaders }) => loaders.aliasesOfLocation.load(location.id),
  articles: (location, args, context, info) =>
    articleConnection({ locationId: location.id }, 'PUBLISHED_AT_DESC', args, context, info),
};
