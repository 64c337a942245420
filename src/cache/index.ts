import type { Cache } from './cache';
import { MemoryCache } from './memory';
import { RedisCache } from './redis';
import { type CheckedRedisConnection, type RedisConnectionOptions, checkRedisConnection } from './redis-connection';
import { type Sync, TwoLevelCache } from './two-level';

export type { Cache, CacheMetrics } from './cache';
export { MemoryCache } from './memory';
export { RedisCache } from './redis';
export type { Sync } from './two-level';
export { TwoLevelCache } from './two-level';

/**
 * Which cache to build:
 * - `auto`: `layered` when Redis is configured, else `memory`;
 * - `layered`: an in-process level in front of Redis (./two-level);
 * - `redis`: Redis alone (every read asks Redis);
 * - `memory`: this process alone (instances share nothing: for one instance only);
 * - `off`: no cache.
 */
export type CacheMode = 'auto' | 'off' | 'memory' | 'redis' | 'layered';

/** The cache's settings: its mode, where Redis is (named as the environment names it), and the rest of the Redis connection (./redis-connection). */
export interface CacheSettings extends Omit<RedisConnectionOptions, 'url' | 'clusterNodes'> {
  mode: CacheMode;
  /** One Redis server (`redis://…`). */
  redisUrl?: string;
  /** A Redis Cluster's seed nodes (`host:port`). */
  redisClusterNodes?: string[];
  /** How long the in-process level of `layered` serves an entry, in seconds (at most 1). Default 1. */
  l1TtlSeconds?: number;
  /** How often `layered` asks Redis whether another instance wrote, in milliseconds (10–500). Default 250. */
  syncIntervalMs?: number;
  /**
   * Bytes kept in process (`memory`, or the in-process level of `layered`), as
   * `MemoryCacheOptions.maxBytes` counts them. Default 64 MiB.
   */
  maxBytesInProcess?: number;
  /** Also at most this many entries in process (unset: only bytes bound them). */
  maxEntriesInProcess?: number;
}

/** What the cache's own Redis connection offers the rest of the gateway (see `RedisCache`). */
export type CacheRedis = Pick<RedisCache, 'ready' | 'ping' | 'onInvalidate'>;

/** What `createCache` builds: the cache, and what its neighbours need of it. */
export interface CacheSetup {
  /** The mode built (what `auto` stood for). */
  readonly mode: Exclude<CacheMode, 'auto'>;
  /** The cache the content store reads through (./cached-store); null with `off`. */
  readonly cache: Cache | null;
  /**
   * The configured Redis, checked and with its defaults, for a part that keeps state there on a
   * connection of its own whatever the mode (the rate limiter's budgets); null when no Redis is configured.
   */
  readonly redisConnection: CheckedRedisConnection | null;
  /** The cache's connection to Redis (modes `redis` and `layered`): readiness, PING, other instances' invalidations; null otherwise. */
  readonly redis: CacheRedis | null;
  /**
   * Calls `listener` after every successful check of Redis's write marker (`layered` only: other
   * modes never call it). Returns the unsubscribe function.
   */
  onSync(listener: (sync: Sync) => void): () => void;
}

/** True when the settings name a Redis server or cluster nodes. */
export function redisConfigured(settings: Pick<CacheSettings, 'redisUrl' | 'redisClusterNodes'>): boolean {
  return Boolean(settings.redisUrl || settings.redisClusterNodes?.length);
}

/** The mode `auto` stands for with these settings; any other mode as given. */
export function resolveCacheMode(settings: Pick<CacheSettings, 'mode' | 'redisUrl' | 'redisClusterNodes'>): Exclude<CacheMode, 'auto'> {
  if (settings.mode !== 'auto') return settings.mode;
  return redisConfigured(settings) ? 'layered' : 'memory';
}

/**
 * The cache `settings` ask for (none for `off`), with the handles its neighbours need: the one door
 * to the cache, so nothing outside src/cache/ needs to know which adapter was built. Throws a
 * TypeError naming what is wrong when a mode needs Redis and none is configured, or an option is
 * out of range. `onError` hears of every failed Redis operation (the cache answers without Redis
 * meanwhile).
 */
export function createCache(settings: CacheSettings, onError?: (error: Error) => void): CacheSetup {
  const mode = resolveCacheMode(settings);
  const redisConnection = redisConfigured(settings) ? checkRedisConnection({
    url: settings.redisUrl || undefined,
    clusterNodes: settings.redisClusterNodes?.length ? settings.redisClusterNodes : undefined,
    prefix: settings.prefix,
    operationTimeoutMs: settings.operationTimeoutMs,
    breakerThreshold: settings.breakerThreshold,
    breakerCooldownMs: settings.breakerCooldownMs,
  }) : null;
  const setup = { mode, redisConnection, redis: null, onSync: () => () => undefined };
  if (mode === 'off') return { ...setup, cache: null };
  if (mode === 'memory') {
    return { ...setup, cache: new MemoryCache({ maxBytes: settings.maxBytesInProcess, maxEntries: settings.maxEntriesInProcess }) };
  }
  if (!redisConnection) {
    throw new TypeError(`cache mode "${mode}" needs Redis: set a Redis URL or cluster nodes, or choose "memory" or "auto"`);
  }
  const redis = new RedisCache({ ...redisConnection, onError });
  if (mode === 'redis') return { ...setup, cache: redis, redis };
  try {
    const layered = new TwoLevelCache(redis, {
      l1TtlSeconds: settings.l1TtlSeconds, l1MaxBytes: settings.maxBytesInProcess, l1MaxEntries: settings.maxEntriesInProcess,
      syncIntervalMs: settings.syncIntervalMs,
    });
    return { ...setup, cache: layered, redis, onSync: (listener) => layered.onSync(listener) };
  } catch (error) {
    void redis.close();
    throw error;
  }
}
