import { ALL_TAG, type Cache, type CacheEntry, type CacheLookup, type CacheRequest, type Release, type Stamp } from './cache';

/** TTLs are shortened by up to this fraction at random, so entries filled together expire apart. */
const TTL_JITTER = 0.1;

/** How often a caller waiting for another instance's load looks the entry up, in milliseconds. */
const CLAIM_POLL_MS = 50;

interface Pending {
  /** The tags of the entry being looked up: an invalidation of one of them detaches the lookup. */
  tags: readonly string[];
  promise: Promise<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

function pending(tags: readonly string[]): Pending {
  let resolve!: (value: unknown) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<unknown>((res, rej) => { resolve = res; reject = rej; });
  // Whoever asked awaits it; this keeps a failed load nobody else waits for from being "unhandled".
  promise.catch(() => undefined);
  return { tags, promise, resolve, reject };
}

/**
 * Reads through a cache to a source, in batches, with one load per key at a time in this process
 * (single-flight): while a key is being looked up or loaded, every other request for it waits for
 * that lookup instead of starting its own, so a burst of requests for one cold entry costs one cache
 * round-trip and one source load.
 *
 * After an invalidation through `invalidate`, new requests never join a lookup that started before
 * it of an entry depending on an invalidated tag: a write through this process is never followed by
 * a read of what it replaced. Lookups of other entries stay shared: a write elsewhere does not make
 * every request under way for a slow entry start a load of its own.
 */
export class ReadThrough {
  private readonly inFlight = new Map<string, Pending>();

  constructor(readonly cache: Cache) {}

  /**
   * Resolves one value per request, in request order: from the cache where it holds a current
   * entry, otherwise from `load`, which is called at most once, with the positions (in `requests`)
   * of the misses that no concurrent call is already loading, and must resolve to their values in
   * that order. Loaded values are written back for `ttlSeconds` before this resolves. Rejects only
   * when `load` rejects (the cache fails open).
   */
  async many<T>(requests: readonly CacheRequest[], ttlSeconds: number, load: (misses: number[]) => Promise<T[]>): Promise<T[]> {
    const results = new Array<T>(requests.length);
    const waits: Promise<void>[] = [];
    const own = new Map<number, Pending>();
    requests.forEach((request, i) => {
      const current = this.inFlight.get(request.key);
      if (current) {
        const wait = current.promise.then((value) => { results[i] = value as T; });
        // Awaited below, after this call's own lookup: a shared load that fails meanwhile must not
        // count as unhandled (Node would end the process).
        wait.catch(() => undefined);
        waits.push(wait);
        return;
      }
      const entry = pending(request.tags);
      this.inFlight.set(request.key, entry);
      own.set(i, entry);
    });
    try {
      if (own.size) await this.lookUp(requests, ttlSeconds, load, own, results);
    } catch (error) {
      for (const entry of own.values()) entry.reject(error);
      await Promise.allSettled(waits); // they may fail too; nobody else will look at them
      throw error;
    } finally {
      for (const [i, entry] of own) {
        if (this.inFlight.get(requests[i].key) === entry) this.inFlight.delete(requests[i].key);
      }
    }
    await Promise.all(waits);
    return results;
  }

  /** Resolves one value: see `many`. */
  async one<T>(request: CacheRequest, ttlSeconds: number, load: () => Promise<T>): Promise<T> {
    const [value] = await this.many<T>([request], ttlSeconds, async () => [await load()]);
    return value;
  }

  /**
   * Resolves one value, as `one` does, for an entry costly to load: on a miss it is loaded by the
   * one instance sharing the cache whose claim of it `Cache.claim` grants (for at most `claimMs`),
   * and the claim ends once the value is stored. While another instance holds the claim, this one
   * looks the entry up every `CLAIM_POLL_MS` and answers with it once stored, or claims and loads it
   * itself once that claim ends without it (the other's load failed, or its instance stopped). It
   * waits for that claim alone: a write that invalidates the entry meanwhile does not send it back
   * to the start, the claimed load's value answers it (`Cache.readAt`: its request was under way
   * while those generations were current, as a hit's would have been had the write come later),
   * and lookups that begin after the write claim a load of their own. Otherwise a statistic written
   * to every few seconds and as slow to count keeps its waiters waiting through load after load
   * (the mixed-load bench saw 8 s). It waits at most `waitMs` in all, then loads it itself without
   * a claim: a claim whose instance could not store the value or end the claim (Redis timing out
   * under load) lasts its whole `claimMs`, and its waiters would wait as long.
   * Without `Cache.claim`, the same as `one`.
   */
  async oneClaimed<T>(request: CacheRequest, ttlSeconds: number, claimMs: number, load: () => Promise<T>, waitMs = claimMs): Promise<T> {
    const cache = this.cache;
    if (!cache.claim) return this.one(request, ttlSeconds, load);
    const held: { release?: Release } = {};
    try {
      return await this.one(request, ttlSeconds, async () => {
        // The generations of the claim this request waits for: it waits for that claim alone, though
        // a write may have moved them since (a claim then made at the new ones began after it).
        let waitingOn: Stamp | undefined;
        /** The current value, or the one the claim it waits for stored. */
        const stored = async (): Promise<CacheLookup> => {
          const [lookup] = await cache.read([request]);
          if (lookup.hit || waitingOn === undefined) return lookup;
          const found = await cache.readAt?.(request, waitingOn);
          return found ? { hit: true, value: found.value } : lookup;
        };
        const waitEnds = Date.now() + waitMs;
        for (;;) {
          // Looked up again for the generations to claim at (the first time, the miss `one` saw).
          const lookup = await stored();
          if (lookup.hit) return lookup.value as T;
          if (waitingOn !== undefined && Date.now() >= waitEnds) return load();
          const release = await cache.claim!(request.key, waitingOn ?? lookup.stamp, claimMs);
          if (!release) {
            waitingOn ??= lookup.stamp;
            await new Promise((resolve) => setTimeout(resolve, CLAIM_POLL_MS));
            continue;
          }
          held.release = release;
          // After a wait, the other's value may have been stored between the look and the claim.
          const again = waitingOn === undefined ? lookup : await stored();
          return again.hit ? again.value as T : load();
        }
      });
    } finally {
      // After `one` has stored the value: a waiter that finds the claim ended finds the value too.
      await held.release?.();
    }
  }

  /**
   * Invalidates `tags` in the cache (see `Cache.invalidate`), then makes later requests for entries
   * that depend on one of them (on any, for `ALL_TAG`) start lookups of their own rather than join
   * ones that began before.
   */
  async invalidate(tags: readonly string[]): Promise<void> {
    await this.cache.invalidate(tags);
    if (tags.includes(ALL_TAG)) {
      this.inFlight.clear();
      return;
    }
    const invalidated = new Set(tags);
    for (const [key, entry] of this.inFlight) {
      if (entry.tags.some((tag) => invalidated.has(tag))) this.inFlight.delete(key);
    }
  }

  /** Looks up the positions this call owns in one cache read and loads the misses in one call. */
  private async lookUp<T>(requests: readonly CacheRequest[], ttlSeconds: number,
    load: (misses: number[]) => Promise<T[]>, own: Map<number, Pending>, results: T[]): Promise<void> {
    const mine = [...own.keys()];
    const lookups = await this.cache.read(mine.map((i) => requests[i]));
    const misses: number[] = [];
    const stamps: Stamp[] = [];
    lookups.forEach((lookup, j) => {
      const i = mine[j];
      if (lookup.hit) {
        results[i] = lookup.value as T;
        own.get(i)!.resolve(lookup.value);
      } else {
        misses.push(i);
        stamps.push(lookup.stamp);
      }
    });
    if (misses.length === 0) return;
    const loaded = await load(misses);
    if (loaded.length !== misses.length) {
      throw new Error(`read-through load returned ${loaded.length} values for ${misses.length} keys`);
    }
    const entries: CacheEntry[] = misses.map((i, j) => {
      results[i] = loaded[j];
      own.get(i)!.resolve(loaded[j]);
      return { ...requests[i], value: loaded[j], stamp: stamps[j], ttlSeconds: jittered(ttlSeconds) };
    });
    await this.cache.write(entries);
  }
}

function jittered(ttlSeconds: number): number {
  return ttlSeconds * (1 - TTL_JITTER * Math.random());
}
