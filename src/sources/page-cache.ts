/**
 * Where source pages are kept: in this process (an LRU bounded in bytes, as ../cache/memory counts
 * them) and, when Redis is configured, in Redis for every gateway (./shared-pages), with the
 * refresh locks that let one gateway of all refresh a page. Not the content store's `Cache`: a
 * page is replaced in place by its refresh and outlives its freshness (the stale window), which the
 * cache's generations and its one-second in-process level are not made for.
 */
import { LRUCache } from 'lru-cache';
import { sweepIntervalMs } from '../cache/memory';
import { heapSizeOf, LRU_ENTRY_BYTES } from '../cache/heap-size';
import type { RedisConnectionOptions } from '../cache/redis-connection';
import type { Logger } from '../logger';
import { SharedPages } from './shared-pages';
import type { RemotePage } from './source';

/** A page as kept: what the source sent (with its validators) and when it sent or confirmed it. */
export interface StoredPage {
  page: RemotePage;
  fetchedAt: Date;
}

/** The default bytes of pages kept in process: 16 MiB. */
export const DEFAULT_PAGE_BYTES = 16 * 2 ** 20;

/** The most refresh locks this process remembers (each a key and its term). */
const MAX_LOCAL_LOCKS = 10_000;

export interface PageCacheOptions {
  /** Redis for pages and locks shared by every gateway; absent or null: this process alone. */
  redis?: RedisConnectionOptions | null;
  /** Bytes of pages kept in process. Default `DEFAULT_PAGE_BYTES`. */
  maxBytes?: number;
  log: Logger;
}

interface Held {
  sourceId: string;
  stored: StoredPage;
}

/**
 * Pages by key (a source id and its canonical request). Nothing here rejects: without Redis, or
 * while it fails, the process answers alone.
 */
export class PageCache {
  private readonly local: LRUCache<string, Held>;
  /** Refresh locks this process holds or knows another holds, with their terms. */
  private readonly locks: LRUCache<string, true>;
  private readonly shared: SharedPages | null;
  /** Items in the pages held in process, by source. */
  private readonly items = new Map<string, number>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(options: PageCacheOptions) {
    const maxBytes = options.maxBytes ?? DEFAULT_PAGE_BYTES;
    if (!(maxBytes > 0)) throw new TypeError(`remote sources: maxBytesInProcess must be a positive number of bytes (got ${maxBytes})`);
    this.local = new LRUCache<string, Held>({
      maxSize: Math.floor(maxBytes),
      sizeCalculation: (held, key) => Math.max(1, heapSizeOf(key) + heapSizeOf(held) + LRU_ENTRY_BYTES),
      dispose: (held) => this.count(held, -1),
    });
    // Counted by `maxSize` rather than `max`, which would allocate room for every lock up front.
    this.locks = new LRUCache<string, true>({ maxSize: MAX_LOCAL_LOCKS, sizeCalculation: () => 1 });
    this.shared = options.redis ? new SharedPages(options.redis, options.log) : null;
    // Through a weak reference: a cache nobody closed can still be collected.
    const local = new WeakRef(this.local);
    const sweeper: NodeJS.Timeout = setInterval(() => {
      const live = local.deref();
      if (live) live.purgeStale();
      else clearInterval(sweeper);
    }, sweepIntervalMs(Infinity));
    sweeper.unref();
    this.sweeper = sweeper;
  }

  /**
   * The newest copy of `key`: this process's when it is younger than `freshMs`, else the newer of
   * this process's and Redis's (Redis's is then kept in process too). Undefined when neither holds one.
   */
  async get(key: string, freshMs: number, keepMs: number): Promise<StoredPage | undefined> {
    const near = this.local.get(key)?.stored;
    if (near && Date.now() - near.fetchedAt.getTime() < freshMs) return near;
    const far = await this.shared?.get(key);
    if (far && (!near || far.fetchedAt > near.fetchedAt)) {
      this.keepLocally(key, far, keepMs);
      return far;
    }
    return near;
  }

  /**
   * Keeps `stored` until `keepMs` after it was fetched, here and in Redis (awaited, bounded by the
   * Redis operation timeout). Never rejects.
   */
  async set(key: string, stored: StoredPage, keepMs: number): Promise<void> {
    const left = this.keepLocally(key, stored, keepMs);
    if (left > 0) await this.shared?.set(key, stored, left);
  }

  /**
   * Takes the refresh lock of `key` for `holdMs`: true when this process may refresh it, false when
   * this process or another gateway already holds it. Held for its whole term, never released: after
   * a refresh that failed, the next try waits out the term, whichever gateway makes it.
   */
  async lock(key: string, holdMs: number): Promise<boolean> {
    if (this.locks.has(key)) return false;
    this.locks.set(key, true, { ttl: Math.max(1, Math.round(holdMs)) });
    return this.shared ? this.shared.lock(key, holdMs) : true;
  }

  /** Items in the pages of `sourceId` held in this process. */
  itemsCached(sourceId: string): number {
    this.local.purgeStale();
    return this.items.get(sourceId) ?? 0;
  }

  /** True once the shared level (if any) is connected; false after `timeoutMs`. Never rejects. */
  ready(timeoutMs: number): Promise<boolean> {
    return this.shared ? this.shared.ready(timeoutMs) : Promise.resolve(true);
  }

  close(): void {
    clearInterval(this.sweeper);
    this.local.clear();
    this.locks.clear();
    this.shared?.close();
  }

  /** Keeps `stored` in process until `keepMs` after it was fetched; the milliseconds left (0: not kept). */
  private keepLocally(key: string, stored: StoredPage, keepMs: number): number {
    const left = stored.fetchedAt.getTime() + keepMs - Date.now();
    if (left <= 0) return 0;
    const held: Held = { sourceId: sourceIdOf(key), stored };
    this.local.set(key, held, { ttl: Math.ceil(left) });
    if (this.local.peek(key) === held) this.count(held, +1);
    return left;
  }

  private count(held: Held, change: number): void {
    const total = (this.items.get(held.sourceId) ?? 0) + change * held.stored.page.items.length;
    if (total > 0) this.items.set(held.sourceId, total);
    else this.items.delete(held.sourceId);
  }
}

/** The key of a source's page: its id, a colon, and its request's digest. */
export function pageKey(sourceId: string, requestDigest: string): string {
  return `${sourceId}:${requestDigest}`;
}

function sourceIdOf(key: string): string {
  return key.slice(0, key.lastIndexOf(':'));
}
