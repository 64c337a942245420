import type { KeyValueCache, KeyValueCacheSetOptions } from '@apollo/utils.keyvaluecache';
import type { Cache } from './cache';

/** How long an entry is kept when the caller names no TTL, in seconds. */
export const DEFAULT_KEY_VALUE_TTL_SECONDS = 24 * 60 * 60;

/**
 * Apollo Server's key-value cache interface over our cache, so Apollo's own caches (automatic
 * persisted queries) live where ours do (Redis, shared by every instance, or this process) and fail
 * open the same way: an unreachable Redis reads as a miss and a lost write as nothing stored.
 *
 * Each entry depends on a tag of its own (and `ALL_TAG`), which `delete` and an overwrite invalidate.
 */
export class CacheKeyValueStore implements KeyValueCache<string> {
  constructor(
    private readonly cache: Cache,
    private readonly defaultTtlSeconds = DEFAULT_KEY_VALUE_TTL_SECONDS,
  ) {}

  async get(key: string): Promise<string | undefined> {
    const [lookup] = await this.cache.read([this.request(key)]);
    return lookup.hit && typeof lookup.value === 'string' ? lookup.value : undefined;
  }

  /** Two round-trips (three to replace a different value): a write needs the stamp of a read. */
  async set(key: string, value: string, options?: KeyValueCacheSetOptions): Promise<void> {
    const request = this.request(key);
    let [lookup] = await this.cache.read([request]);
    if (lookup.hit && lookup.value === value) return;
    if (lookup.hit) {
      await this.cache.invalidate(request.tags);
      [lookup] = await this.cache.read([request]);
      if (lookup.hit) return; // the cache could not drop it; it answers the old value until its TTL
    }
    await this.cache.write([{ ...request, value, stamp: lookup.stamp, ttlSeconds: options?.ttl ?? this.defaultTtlSeconds }]);
  }

  async delete(key: string): Promise<boolean> {
    await this.cache.invalidate(this.request(key).tags);
    return true;
  }

  /** Apollo prefixes its keys by use (`apq:`), so they go in as they are. */
  private request(key: string) {
    return { key, tags: [`kv:${key}`] };
  }
}
