import type { RedisConnectionOptions } from '../cache/redis-connection';
import type { Logger } from '../logger';
import type { ContentStore } from '../store/store';
import type { FigureEvents } from './events';
import { LiveUpdates, type LiveUpdatesOptions } from './live-updates';
import { MemoryFigureEvents } from './memory-events';
import { publishingChanges } from './publishing-store';
import { RedisFigureEvents } from './redis-events';

export interface Live {
  /** The bus: Redis pub/sub when `redis` was given, else this process's. */
  events: FigureEvents;
  /** What subscriptions read from (give it to `createGateway`'s `live`). */
  updates: LiveUpdates;
  /** Resolves true once events from other instances can be heard (at once without Redis), false after `timeoutMs`. */
  ready(timeoutMs?: number): Promise<boolean>;
  /** Ends every subscription and closes the bus's connections. */
  close(): Promise<void>;
}

/**
 * Live updates for the gateway's subscriptions over `store` (the store itself: see `LiveUpdates`),
 * fanned out through Redis when `redis` is given. Writes must go through `publishing(store)` (any
 * store in front of it, a cache included) for subscribers to hear of them.
 */
export function openLive(options: LiveUpdatesOptions & { store: ContentStore; log: Logger; redis?: RedisConnectionOptions | null }): Live {
  const { store, log, redis, ...updatesOptions } = options;
  const redisEvents = redis ? new RedisFigureEvents(redis, log) : null;
  const events = redisEvents ?? new MemoryFigureEvents((err) => log.error({ err }, 'live updates: a listener failed'));
  const updates = new LiveUpdates(events, store, log, updatesOptions);
  return {
    events,
    updates,
    ready: (timeoutMs) => redisEvents?.ready(timeoutMs) ?? Promise.resolve(true),
    async close() {
      await updates.close();
      await events.close();
    },
  };
}

export { publishingChanges };
