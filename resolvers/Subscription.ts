import { readScopeOf } from '../src/context';
import { ErrorCode, GatewayError } from '../src/errors';
import type { CasualtyFigureModel, CasualtyStatsModel } from '../src/graph-models';
import type { SubscriptionResolvers } from '../src/generated/graphql';
import type { LiveUpdates } from '../src/live/live-updates';
import { toApiError } from '../src/editorial/editorial';
import { checkStatsArguments } from './Stats';

/** `events`, with the store's refusals (a total past what the API carries) as the API's errors, as `casualtyStats` gives them. */
function withApiErrors<T>(events: AsyncIterableIterator<T>): AsyncIterableIterator<T> {
  const mapped: AsyncIterableIterator<T> = {
    next: () => events.next().catch((error: unknown) => { throw toApiError(error, ''); }),
    return: () => events.return?.() ?? Promise.resolve({ value: undefined, done: true }),
    [Symbol.asyncIterator]: () => mapped,
  };
  return mapped;
}

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
      return withApiErrors(liveOf(ctx).statsChanges(regionId, readScopeOf(ctx.viewer), { filter: where, groupBy, regionLevel, timeBucket }));
    },
    resolve: (stats: CasualtyStatsModel) => stats,
  },
};
