import { LRUCache } from 'lru-cache';
import {
  type Cache, type CacheEntry, type CacheLookup, type CacheMetrics, type CacheRequest, type Stamp, emptyMetrics,
  checkPositive, sameGenerations, withAllTag,
} from './cache';

export interface MemoryCacheOptions {
  /** The most entries kept; the least recently used go first. Default 10,000. */
  maxEntries?: number;
  /**
   * The longest any entry is kept, in seconds, whatever TTL its writer asked for (unset: no cap).
   * As the in-process level of a two-level cache this bounds how stale it can be when a pub/sub
   * message from another instance is lost.
   */
  maxTtlSeconds?: number;
  /** The most tag generations remembered. Default 100,000 (see `generations` below). */
  maxTags?: number;
}

interface Held {
  generations: number[];
  value: unknown;
}

/**
 * The cache in this process's memory (an LRU). It answers without a round-trip, so one instance
 * alone (`npm start`) needs no Redis; it shares nothing with other instances.
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

  constructor(options: MemoryCacheOptions = {}) {
    const { maxEntries = 10_000, maxTags = 100_000, maxTtlSeconds = Infinity } = options;
    checkPositive({ maxEntries, maxTags, maxTtlSeconds });
    this.entries = new LRUCache({ max: maxEntries });
    this.generations = new LRUCache({ max: maxTags });
    this.maxTtlMs = maxTtlSeconds * 1000;
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
    return { ...this.counters };
  }

  async close(): Promise<void> {
    this.entries.clear();
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
