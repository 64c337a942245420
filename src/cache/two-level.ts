import type { Cache, CacheEntry, CacheLookup, CacheMetrics, CacheRequest, Stamp } from './cache';
import { MemoryCache } from './memory';
import type { RedisCache } from './redis';

/** The longest an in-process entry may be served without asking Redis, in seconds. */
export const MAX_L1_TTL_SECONDS = 1;

export interface TwoLevelCacheOptions {
  /**
   * How long an entry is served from this process's memory before Redis is asked again, in seconds
   * (at most 1, the default): the bound on how stale this instance can be after another instance's
   * write whose pub/sub message it lost.
   */
  l1TtlSeconds?: number;
  /** The most entries kept in this process's memory. Default 10,000. */
  l1MaxEntries?: number;
}

interface TwoLevelStamp {
  l1: Stamp;
  l2: Stamp;
}

/**
 * An in-process level (./memory) in front of Redis (./redis), under the same contract.
 *
 * - A read asks the in-process level first and Redis only for what it missed; Redis hits are kept
 *   in process for `l1TtlSeconds`.
 * - This instance's own invalidations reach its in-process level synchronously, before Redis is
 *   told: its own writes are never followed by a stale read here.
 * - Another instance's invalidations reach it by pub/sub, which is only a speed-up: the in-process
 *   level never keeps an entry longer than `l1TtlSeconds`, and Redis answers by generations (not
 *   by messages), so instances agree within `l1TtlSeconds` of a write even when a message is lost.
 * - An entry is copied into the in-process level with the in-process stamp taken before Redis was
 *   asked, so an invalidation that arrives while Redis answers keeps it out.
 */
export class TwoLevelCache implements Cache {
  readonly l1: MemoryCache;
  private readonly unsubscribe: () => void;

  constructor(readonly l2: RedisCache, options: TwoLevelCacheOptions = {}) {
    const { l1TtlSeconds = MAX_L1_TTL_SECONDS, l1MaxEntries = 10_000 } = options;
    if (!(l1TtlSeconds > 0 && l1TtlSeconds <= MAX_L1_TTL_SECONDS)) {
      throw new TypeError(`l1TtlSeconds must be above 0 and at most ${MAX_L1_TTL_SECONDS} (got ${l1TtlSeconds}): ` +
        'it bounds how stale an instance may be when an invalidation message is lost');
    }
    this.l1 = new MemoryCache({ maxEntries: l1MaxEntries, maxTtlSeconds: l1TtlSeconds });
    this.unsubscribe = l2.onInvalidate((tags) => { void this.l1.invalidate(tags); });
  }

  async read(requests: readonly CacheRequest[]): Promise<CacheLookup[]> {
    const near = await this.l1.read(requests);
    const missed = near.flatMap((lookup, i) => (lookup.hit ? [] : [i]));
    if (missed.length === 0) return near;
    const far = await this.l2.read(missed.map((i) => requests[i]));
    const copies: CacheEntry[] = [];
    const lookups = [...near];
    missed.forEach((i, j) => {
      const nearStamp = (near[i] as { stamp: Stamp }).stamp;
      const lookup = far[j];
      if (lookup.hit) {
        copies.push({ ...requests[i], value: lookup.value, stamp: nearStamp, ttlSeconds: MAX_L1_TTL_SECONDS });
        lookups[i] = lookup;
      } else {
        const stamp: TwoLevelStamp = { l1: nearStamp, l2: lookup.stamp };
        lookups[i] = { hit: false, stamp: stamp as unknown as Stamp };
      }
    });
    await this.l1.write(copies);
    return lookups;
  }

  async write(entries: readonly CacheEntry[]): Promise<void> {
    const stampOf = (entry: CacheEntry) => entry.stamp as unknown as TwoLevelStamp;
    await this.l1.write(entries.map((entry) => ({ ...entry, stamp: stampOf(entry).l1 })));
    await this.l2.write(entries.map((entry) => ({ ...entry, stamp: stampOf(entry).l2 })));
  }

  async invalidate(tags: readonly string[]): Promise<void> {
    await this.l1.invalidate(tags);
    await this.l2.invalidate(tags);
  }

  /** Totals over both levels (a hit in either is a hit), with each level's own counters. */
  metrics(): CacheMetrics {
    const near = this.l1.metrics();
    const far = this.l2.metrics();
    return {
      hits: near.hits + far.hits,
      misses: far.misses,
      errors: far.errors,
      breaker: far.breaker,
      breakerOpens: far.breakerOpens,
      levels: { memory: near, redis: far },
    };
  }

  async close(): Promise<void> {
    this.unsubscribe();
    await this.l1.close();
    await this.l2.close();
  }
}
