import { readScopeOf } from '../src/context';
import { ErrorCode, GatewayError } from '../src/errors';
import type { CasualtyFigureModel, CasualtyStatsModel } from '../src/graph-models';
import type { SubscriptionResolvers } from '../src/generated/graphql';
import type { LiveUpdates } from '../src/live/live-updates';
import { checkStatsArguments } from './Stats';

/** The context's live updates; a subscription that reaches a gateway without them is refused. */
function liveOf(context: { live: LiveUpdates | null }): LiveUpdates {
  if (!context.live) throw new GatewayError(ErrorCode.BAD_REQUEST, { reason: 'subscriptions are served over WebSocket only (graphql-transport-ws, same URL)' });
  return context.live;
}

/**
 * Each event is the payload itself: the figure or the statistics, read in the subscriber's scope
 * when they are sent (src/live/live-updates.ts).
 */
export const Subscription: SubscriptionResolvers = {
  casualtyFigureChanged: {
    subscribe: (_, { regionId }, ctx) => liveOf(ctx).figureChanges(regionId, readScopeOf(ctx.viewer)),
    resolve: (figure: CasualtyFigureModel) => figure,
  },
  casualtyStatsChanged: {
    subscribe(_, { regionId, filter, groupBy, regionLevel, timeBucket }, ctx) {
      const where = filter ?? {};
      checkStatsArguments(where, groupBy);
      return liveOf(ctx).statsChanges(regionId, readScopeOf(ctx.viewer), { filter: where, groupBy, regionLevel, timeBucket });
    },
    resolve: (stats: CasualtyStatsModel) => stats,
  },
};
