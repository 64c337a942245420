/**
 * The cache seam: one small interface, one file per adapter (./memory, ./redis, ./two-level).
 * Everything above it (./read-through, ./cached-store) is written once against this file.
 *
 * ## How an entry stays honest: tags and generations
 *
 * Every entry is stored with the *tags* it depends on (`article:7`, `articles`, `locations`, ...).
 * Each tag has a *generation*: an opaque token that a write replaces with a fresh, never-repeated one
 * (`invalidate`). An entry records the generations its tags had when its value was read from the
 * source, and a read returns it only while every one of them is still current. So a write makes
 * every entry that depends on what it changed unreadable at once, for every instance that shares the
 * store of generations (Redis), without knowing which keys those entries have and without any message
 * having to arrive: there is no list of keys to keep, no `KEYS` or `SCAN`, and a lost pub/sub message
 * costs nothing but the speed-up it would have given an in-process level.
 *
 * The generations an entry records are those seen by the read that missed, *before* the value was
 * loaded (`CacheLookup.stamp`). A write that lands while the value is being loaded replaces a
 * generation after the miss saw it, so the possibly stale value is stored under a generation that is
 * already gone and never served: a slow reader cannot put back what a writer has just invalidated.
 *
 * A generation that disappears (expiry, eviction, a restarted Redis) comes back as a fresh token, so
 * losing one only turns hits into misses, never a stale entry into a hit.
 *
 * Every entry also depends on `ALL_TAG`: invalidating it drops everything (used after an outage in
 * which invalidations may have been lost).
 *
 * ## Failing open
 *
 * No method rejects. An adapter that cannot reach its backing store answers misses, skips writes,
 * and counts the failure in its metrics; the caller then reads from the source, as without a cache.
 */

declare const stampBrand: unique symbol;

/**
 * What a read saw of an entry's tags when it missed: pass it back unchanged to `write` with the
 * value loaded after that read. Opaque: only the adapter that made it can use it.
 */
export type Stamp = { readonly [stampBrand]: true };

/** A tag every entry depends on: invalidating it drops the whole cache. */
export const ALL_TAG = '*';

/** One key to look up, with the tags its entry depends on. */
export interface CacheRequest {
  readonly key: string;
  /** The tags the entry depends on, in a fixed order for a given key. */
  readonly tags: readonly string[];
}

/** The answer for one key: the value when a current entry is held, else the stamp to write with. */
export type CacheLookup =
  | { readonly hit: true; readonly value: unknown }
  | { readonly hit: false; readonly stamp: Stamp };

/** A value loaded after a miss, to be stored. */
export interface CacheEntry extends CacheRequest {
  /**
   * JSON-compatible, with `Date`s and `Buffer`s allowed anywhere; `undefined` is not a value (use
   * `null`). Values may be shared between callers by an in-process adapter, and a buffer read back
   * may be a view of a larger one (see ./codec): treat them as immutable, and copy a buffer to keep it long.
   */
  readonly value: unknown;
  /** The stamp of the miss that preceded the load. */
  readonly stamp: Stamp;
  /** How long the entry may be served, in seconds; adapters may keep it for less. */
  readonly ttlSeconds: number;
}

export type BreakerState = 'closed' | 'open' | 'half-open';

/** Counters since the cache was made, for the metrics endpoint. A plain snapshot: safe to serialise. */
export interface CacheMetrics {
  /** Keys answered from the cache. */
  hits: number;
  /** Keys the cache could not answer (absent, stale, or the cache unavailable). */
  misses: number;
  /** Operations that failed or timed out (each made the cache answer as if empty). */
  errors: number;
  /** Whether the adapter is currently talking to its backing store (`closed`: yes). */
  breaker: BreakerState;
  /** How many times the circuit breaker has opened. */
  breakerOpens: number;
  /** Bytes held in this process (by an in-process cache or level), as counted against its budget. */
  bytes?: number;
  /** Per-level counters of a layered cache. */
  levels?: Record<string, CacheMetrics>;
}

/** Ends a claim (see `Cache.claim`) before its time; never rejects. */
export type Release = () => Promise<void>;

/** A cache of tagged entries, invalidated by tag. See the file comment for the contract. */
export interface Cache {
  /**
   * Looks up every request in one round-trip to the backing store. Resolves in request order, one
   * lookup per request; never rejects (an unavailable cache answers misses).
   */
  read(requests: readonly CacheRequest[]): Promise<CacheLookup[]>;
  /**
   * Stores values loaded after misses, best effort: an entry whose tags were invalidated since its
   * stamp was taken is not stored. Never rejects.
   */
  write(entries: readonly CacheEntry[]): Promise<void>;
  /**
   * Makes every entry that depends on one of `tags` unreadable, for every instance sharing the
   * cache, before it resolves. Never rejects; an adapter that could not reach its backing store
   * stops serving from it until it has dropped everything there (see ./redis).
   */
  invalidate(tags: readonly string[]): Promise<void>;
  /**
   * Claims the load of `key`, as the miss that gave `stamp` saw its tags, for at most `ms` among
   * every instance sharing the cache, so that an entry costly to load is loaded by one of them
   * while the others wait for it (see `ReadThrough.oneClaimed`). A claim is of those generations:
   * once a tag of the entry is invalidated, a miss sees new ones and may claim the load again,
   * without waiting for a load that began before the write. Resolves to the claim's release when
   * no other instance holds it, or when the cache cannot tell (the caller then loads, as without a
   * cache); null while another holds it. Never rejects. An adapter without other instances to
   * share with need not have it.
   */
  claim?(key: string, stamp: Stamp, ms: number): Promise<Release | null>;
  /**
   * The value a load stored for `request` at the generations `stamp` saw, though a write may have
   * invalidated one of its tags since (so `read` misses it), or null: for a caller that waited for
   * another instance's claim at `stamp` (see `ReadThrough.oneClaimed`), whose request was under way
   * while those generations were current. Never rejects. An adapter with `claim` should have it.
   */
  readAt?(request: CacheRequest, stamp: Stamp): Promise<{ value: unknown } | null>;
  metrics(): CacheMetrics;
  /** Releases connections; further calls answer misses. */
  close(): Promise<void>;
}

/** Counters for an adapter that has no breaker of its own. */
export function emptyMetrics(): CacheMetrics {
  return { hits: 0, misses: 0, errors: 0, breaker: 'closed', breakerOpens: 0 };
}

/** True when two generation lists are the same, element by element. */
export function sameGenerations(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}

/** The tags an entry depends on, including the one every entry depends on. */
export function withAllTag(tags: readonly string[]): string[] {
  return [...tags, ALL_TAG];
}

/** Throws a TypeError naming every option that is not a positive number. */
export function checkPositive(options: Record<string, number>): void {
  const bad = Object.entries(options).filter(([, value]) => !(value > 0));
  if (bad.length) {
    throw new TypeError(`cache options must be positive numbers: ${bad.map(([name, value]) => `${name} is ${value}`).join(', ')}`);
  }
}
