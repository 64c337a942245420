import type { Cache } from './cache';
import { MemoryCache } from './memory';
import { RedisCache } from './redis';
import { TwoLevelCache } from './two-level';

export type { Cache, CacheMetrics } from './cache';
export { MemoryCache } from './memory';
export { RedisCache } from './redis';
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

export interface CacheSettings {
  mode: CacheMode;
  /** One Redis server (`redis://…`). */
  redisUrl?: string;
  /** A Redis Cluster's seed nodes (`host:port`). */
  redisClusterNodes?: string[];
  /** Starts every Redis key; instances that must agree share it. Default `ng`. */
  prefix?: string;
  /** Bound on one Redis operation, in milliseconds. Default 200. */
  operationTimeoutMs?: number;
  /** Failed Redis operations in a row that open the breaker. Default 5. */
  breakerThreshold?: number;
  /** How long the open breaker keeps the cache off Redis, in milliseconds. Default 1000. */
  breakerCooldownMs?: number;
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
 * The cache `settings` ask for, or null for `off`. Throws a TypeError naming what is wrong when
 * a mode needs Redis and none is configured, or an option is out of range. `onError` hears of every
 * failed Redis operation (the cache answers without Redis meanwhile).
 */
export function createCache(settings: CacheSettings, onError?: (error: Error) => void): Cache | null {
  const mode = resolveCacheMode(settings);
  if (mode === 'off') return null;
  if (mode === 'memory') return new MemoryCache({ maxBytes: settings.maxBytesInProcess, maxEntries: settings.maxEntriesInProcess });
  if (!redisConfigured(settings)) {
    throw new TypeError(`cache mode "${mode}" needs Redis: set a Redis URL or cluster nodes, or choose "memory" or "auto"`);
  }
  const redis = new RedisCache({
    url: settings.redisUrl || undefined,
    clusterNodes: settings.redisClusterNodes?.length ? settings.redisClusterNodes : undefined,
    prefix: settings.prefix,
    operationTimeoutMs: settings.operationTimeoutMs,
    breakerThreshold: settings.breakerThreshold,
    breakerCooldownMs: settings.breakerCooldownMs,
    onError,
  });
  if (mode === 'redis') return redis;
  try {
    return new TwoLevelCache(redis, {
      l1TtlSeconds: settings.l1TtlSeconds, l1MaxBytes: settings.maxBytesInProcess, l1MaxEntries: settings.maxEntriesInProcess,
      syncIntervalMs: settings.syncIntervalMs,
    });
  } catch (error) {
    void redis.close();
    throw error;
  }
}
