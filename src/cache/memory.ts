import { LRUCache } from 'lru-cache';
import {
  type Cache, type CacheEntry, type CacheLookup, type CacheMetrics, type CacheRequest, type Stamp, emptyMetrics,
  checkPositive, sameGenerations, withAllTag,
} from './cache';
import { heapSizeOf, LRU_ENTRY_BYTES } from './heap-size';

/** The default byte budget of an in-process cache: 64 MiB. */
export const DEFAULT_MAX_BYTES = 64 * 2 ** 20;

/** The smallest budget: 64 KiB. */
export const MIN_BYTES = 2 ** 16;

/** The share of the budget the tags' generations may take; the entries take the rest. */
const GENERATIONS_SHARE = 1 / 8;

export interface MemoryCacheOptions {
  /**
   * The most bytes the cache holds: its entries (keys, values, what they depend on) and the tags'
   * generations, as `heapSizeOf` estimates them, with the LRU's own bookkeeping. The least recently
   * used entries go first. Default 64 MiB (`DEFAULT_MAX_BYTES`).
   */
  maxBytes?: number;
  /** Also at most this many entries (unset: only bytes bound them). */
  maxEntries?: number;
  /**
   * The longest any entry is kept, in seconds, whatever TTL its writer asked for (unset: no cap).
   * As the in-process level of a two-level cache this bounds how stale it can be when a pub/sub
   * message from another instance is lost.
   */
  maxTtlSeconds?: number;
}

interface Held {
  generations: number[];
  value: unknown;
}

/**
 * The cache in this process's memory (an LRU bounded in bytes). It answers without a round-trip, so
 * one instance alone (`npm start`) needs no Redis; it shares nothing with other instances.
 *
 * Expired entries are dropped by a periodic sweep (`sweepIntervalMs`), not by a timer per entry:
 * the sweep costs nothing per read or write, where a timer per write would cost one on every copy
 * the two-level cache makes from Redis, its busiest path.
 */
export class MemoryCache implements Cache {
  private readonly entries: LRUCache<string, Held>;
  /**
   * Each tag's current generation. A forgotten tag (evicted from this LRU) comes back with a fresh
   * number, which only turns the entries that recorded the old one into misses.
   */
  private readonly generations: LRUCache<string, number>;
  private nextGeneration = 1;
  private readonly counters = emptyMetrics();
  private readonly maxTtlMs: number;
  private readonly sweeper: NodeJS.Timeout;

  constructor(options: MemoryCacheOptions = {}) {
    const { maxBytes = DEFAULT_MAX_BYTES, maxEntries = Infinity, maxTtlSeconds = Infinity } = options;
    checkPositive({ maxEntries, maxTtlSeconds });
    if (!(maxBytes >= MIN_BYTES)) {
      throw new TypeError(`maxBytes must be at least ${MIN_BYTES} (got ${maxBytes}): smaller, the cache could hold next to nothing`);
    }
    const generationBytes = Math.floor(maxBytes * GENERATIONS_SHARE);
    this.entries = new LRUCache<string, Held>({
      maxSize: Math.floor(maxBytes) - generationBytes,
      ...(Number.isFinite(maxEntries) ? { max: maxEntries } : {}),
      sizeCalculation: (held, key) => heapSizeOf(key) + heapSizeOf(held) + LRU_ENTRY_BYTES,
    });
    this.generations = new LRUCache<string, number>({
      maxSize: generationBytes,
      sizeCalculation: (_generation, tag) => heapSizeOf(tag) + LRU_ENTRY_BYTES,
    });
    this.maxTtlMs = maxTtlSeconds * 1000;
    // Through a weak reference (and no `this`): a cache nobody closed can still be collected.
    const entries = new WeakRef(this.entries);
    const sweeper: NodeJS.Timeout = setInterval(() => {
      const live = entries.deref();
      if (live) live.purgeStale();
      else clearInterval(sweeper);
    }, sweepIntervalMs(this.maxTtlMs));
    sweeper.unref();
    this.sweeper = sweeper;
  }

  /** Bytes held, as counted against `maxBytes`. */
  get bytes(): number {
    return this.entries.calculatedSize + this.generations.calculatedSize;
  }

  async read(requests: readonly CacheRequest[]): Promise<CacheLookup[]> {
    return requests.map((request) => {
      const current = this.current(request.tags);
      const held = this.entries.get(request.key);
      if (held && sameGenerations(held.generations, current)) {
        this.counters.hits += 1;
        return { hit: true, value: held.value };
      }
      this.counters.misses += 1;
      return { hit: false, stamp: current as unknown as Stamp };
    });
  }

  async write(entries: readonly CacheEntry[]): Promise<void> {
    for (const entry of entries) {
      const seen = entry.stamp as unknown as number[];
      // Checked and stored in one synchronous step: no invalidation can fall in between.
      if (!sameGenerations(seen, this.current(entry.tags))) continue;
      const ttl = Math.min(entry.ttlSeconds * 1000, this.maxTtlMs);
      if (ttl > 0) this.entries.set(entry.key, { generations: seen, value: entry.value }, { ttl });
    }
  }

  async invalidate(tags: readonly string[]): Promise<void> {
    for (const tag of tags) this.generations.set(tag, this.nextGeneration++);
  }

  metrics(): CacheMetrics {
    return { ...this.counters, bytes: this.bytes };
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.entries.clear();
    this.generations.clear();
  }

  /** The current generations of `tags` and of the tag every entry depends on. */
  private current(tags: readonly string[]): number[] {
    return withAllTag(tags).map((tag) => {
      let generation = this.generations.get(tag);
      if (generation === undefined) {
        generation = this.nextGeneration++;
        this.generations.set(tag, generation);
      }
      return generation;
    });
  }
}

/**
 * How often expired entries are swept: as often as the longest TTL when that is short (the
 * in-process level of a two-level cache, 1 s), else every 10 s. A sweep visits every entry (about
 * a millisecond for 20,000), so it is not done more often than once a second.
 */
export function sweepIntervalMs(maxTtlMs: number): number {
  return Math.min(10_000, Math.max(1_000, maxTtlMs));
}
