import { ALL_TAG, type Cache, type CacheEntry, type CacheLookup, type CacheMetrics, type CacheRequest, type Release, type Stamp } from './cache';
import { MemoryCache } from './memory';
import type { RedisCache } from './redis';

/** The longest an in-process entry may be served without asking Redis, in seconds. */
export const MAX_L1_TTL_SECONDS = 1;

/** How long one check of Redis's write marker vouches for what this process holds, in milliseconds. */
export const SYNC_VOUCHES_MS = MAX_L1_TTL_SECONDS * 1000;

/** What a check of Redis's write marker found (see `TwoLevelCache.onSync`). */
export interface Sync {
  /**
   * Some instance (maybe this one) wrote since the previous check, or this is the first: what
   * depends on `tags` has just been dropped from the in-process level.
   */
  changed: boolean;
  /**
   * When `changed`, the tags other instances invalidated since the previous check, as Redis's
   * invalidation log holds them (see ./redis), but for those whose pub/sub message this instance
   * heard: a listener that drops by these tags must also listen to those messages
   * (`RedisCache.onInvalidate`), as src/main.ts wires the response cache. Null when the log cannot
   * tell (the first check, or the log no longer reaches back to the previous one), and then the
   * in-process level has been emptied.
   */
  tags: readonly string[] | null;
  /**
   * When the check began (epoch milliseconds): what this process holds reflects every write that
   * reached Redis before then.
   */
  checkedAt: number;
  /**
   * Until when (epoch milliseconds) what this process holds is known to be no older than the last
   * write: `SYNC_VOUCHES_MS` after the check began. Checks that fail do not move it.
   */
  currentUntil: number;
}

export interface TwoLevelCacheOptions {
  /**
   * How long an entry is served from this process's memory before Redis is asked again, in seconds
   * (at most 1, the default): the bound on how stale this instance can be after another instance's
   * write whose pub/sub message it lost.
   */
  l1TtlSeconds?: number;
  /** The most bytes kept in this process's memory (see `MemoryCacheOptions.maxBytes`). Default 64 MiB. */
  l1MaxBytes?: number;
  /** Also at most this many entries in this process's memory (unset: only bytes bound them). */
  l1MaxEntries?: number;
  /**
   * How often this instance asks Redis whether any instance wrote, in milliseconds (default 250,
   * at most 500): how soon it notices a write whose pub/sub message it lost.
   */
  syncIntervalMs?: number;
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
 * - Every `syncIntervalMs` it also reads Redis's write marker (a generation every invalidation
 *   replaces, see ./redis): when it changed, some instance wrote, and what depends on the tags
 *   logged since the last check is dropped from the in-process level (all of it, when the log cannot
 *   tell), but for this instance's own writes and those whose message it heard, applied already. Listeners (`onSync`) learn of
 *   each check, so a level kept longer than `l1TtlSeconds` (the whole answers of
 *   ../http/response-cache) can be dropped by the same tags, and trusted while checks succeed (and,
 *   while they fail, for a bounded grace of its own: its staleness is then its age).
 * - An entry is copied into the in-process level with the in-process stamp taken before Redis was
 *   asked, so an invalidation that arrives while Redis answers keeps it out.
 */
export class TwoLevelCache implements Cache {
  readonly l1: MemoryCache;
  private readonly unsubscribe: () => void;
  private readonly syncListeners = new Set<(sync: Sync) => void>();
  private readonly syncTimer: NodeJS.Timeout;
  /** The write marker the last successful check read; undefined before the first. */
  private marker: string | null | undefined;
  private syncing = false;

  constructor(readonly l2: RedisCache, options: TwoLevelCacheOptions = {}) {
    const { l1TtlSeconds = MAX_L1_TTL_SECONDS, l1MaxBytes, l1MaxEntries, syncIntervalMs = 250 } = options;
    if (!(l1TtlSeconds > 0 && l1TtlSeconds <= MAX_L1_TTL_SECONDS)) {
      throw new TypeError(`l1TtlSeconds must be above 0 and at most ${MAX_L1_TTL_SECONDS} (got ${l1TtlSeconds}): ` +
        'it bounds how stale an instance may be when an invalidation message is lost');
    }
    if (!(syncIntervalMs >= 10 && syncIntervalMs <= SYNC_VOUCHES_MS / 2)) {
      throw new TypeError(`syncIntervalMs must be between 10 and ${SYNC_VOUCHES_MS / 2} (got ${syncIntervalMs}): ` +
        `each check vouches for ${SYNC_VOUCHES_MS} ms, and the next must come before that ends`);
    }
    this.l1 = new MemoryCache({ maxBytes: l1MaxBytes, maxEntries: l1MaxEntries, maxTtlSeconds: l1TtlSeconds });
    this.unsubscribe = l2.onInvalidate((tags) => { void this.l1.invalidate(tags); });
    this.syncTimer = setInterval(() => { void this.sync(); }, syncIntervalMs);
    this.syncTimer.unref();
  }

  /**
   * Calls `listener` after every successful check of Redis's write marker (see `Sync`). Returns the
   * unsubscribe function.
   */
  onSync(listener: (sync: Sync) => void): () => void {
    this.syncListeners.add(listener);
    return () => { this.syncListeners.delete(listener); };
  }

  /** One check of the write marker (skipped while the previous one is still waiting for Redis). */
  private async sync(): Promise<void> {
    if (this.syncing) return;
    this.syncing = true;
    try {
      const started = Date.now();
      const found = await this.l2.writesSince(this.marker);
      if (found === undefined) return; // Redis not answering: nothing is vouched for.
      // The first check drops everything: what was kept before it may predate a write it cannot see.
      const first = this.marker === undefined;
      const changed = first || found.marker !== this.marker;
      const tags = first ? null : found.tags;
      this.marker = found.marker;
      if (changed) await this.l1.invalidate(tags ?? [ALL_TAG]);
      const sync: Sync = { changed, tags, checkedAt: started, currentUntil: started + SYNC_VOUCHES_MS };
      for (const listener of this.syncListeners) listener(sync);
    } finally {
      this.syncing = false;
    }
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

  /** Claims are held in Redis, where the other instances see them, at the generations Redis gave the miss. */
  claim(key: string, stamp: Stamp, ms: number): Promise<Release | null> {
    return this.l2.claim(key, (stamp as unknown as TwoLevelStamp).l2, ms);
  }

  /** Where claims are: in Redis. */
  readAt(request: CacheRequest, stamp: Stamp): Promise<{ value: unknown } | null> {
    return this.l2.readAt(request, (stamp as unknown as TwoLevelStamp).l2);
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
      bytes: near.bytes,
      levels: { memory: near, redis: far },
    };
  }

  async close(): Promise<void> {
    clearInterval(this.syncTimer);
    this.syncListeners.clear();
    this.unsubscribe();
    await this.l1.close();
    await this.l2.close();
  }
}
