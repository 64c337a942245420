import type { Context } from '../src/context';
import * as editorial from '../src/editorial/editorial';
import { NotFoundError } from '../src/errors';
import type { MutationResolvers } from '../src/generated/graphql';
import type { LocationRecord } from '../src/store/records';

/**
 * Gazetteer.ts holds the gazetteer's Mutation fields (schema/gazetteer.graphql); `Location.aliases`
 * is in Location.ts. Every one runs behind `@requires(role: EDITOR)`, so a viewer with an actor.
 */
export const GazetteerMutation: Pick<MutationResolvers, 'addLocationAlias' | 'removeLocationAlias' | 'acceptPlaceProposal'> = {
  async addLocationAlias(_, { locationId, input }, ctx) {
    await editorial.addLocationAlias(ctx.store, ctx.viewer.actor!, locationId, input);
    return placeAfterAliasWrite(ctx, locationId);
  },
  async removeLocationAlias(_, { locationId, alias }, ctx) {
    await editorial.removeLocationAlias(ctx.store, ctx.viewer.actor!, locationId, alias);
    return placeAfterAliasWrite(ctx, locationId);
  },
  acceptPlaceProposal: (_, { input }, ctx) => editorial.acceptPlaceProposal(ctx.store, ctx.viewer.actor!, input),
};

/**
 * The place whose aliases were just written, read again. This request's memo of its aliases is
 * dropped first: an earlier field of the same operation may have loaded them before the write.
 */
async function placeAfterAliasWrite({ loaders }: Context, locationId: string): Promise<LocationRecord> {
  loaders.aliasesOfLocation.clear(locationId);
  const place = await loaders.locationById.load(locationId);
  // Deleted between the write and this read: the write happened, but there is no place to show.
  if (!place) throw new NotFoundError('location', locationId);
  return place;
}
