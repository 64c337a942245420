import { createHash } from 'node:crypto';
import type { OutgoingHttpHeaders } from 'node:http';
import { LRUCache } from 'lru-cache';
import type { Cache, Stamp } from '../cache/cache';
import { heapSizeOf, LRU_ENTRY_BYTES, ownedCopy } from '../cache/heap-size';
import { RESPONSES_TAG } from '../cache/responses';
import { type CacheableRequest, type StoredAnswer, requestKey, storedAnswer } from './answer-index';

/** An answer as the shared level keeps it; its body is kept apart, under `bodyKey(digest)`. */
interface SharedEntry {
  headers: OutgoingHttpHeaders;
  /** The body's SHA-256, base64url. */
  digest: string;
  operation: string | null;
  cost: number;
}

/** What a read of the shared level found: an answer, or the stamp to write a new one with (neither: write none). */
export interface SharedLookup {
  answer?: StoredAnswer;
  stamp?: Stamp;
}

/**
 * The response cache's shared level: answers every instance reads and writes, in a cache they share
 * (Redis). Entries there are kept by generation like every other (see ../cache/cache) and depend on
 * `RESPONSES_TAG`, which every write invalidates (`invalidatingResponses` in ../cache/responses), so
 * no instance ever reads an answer older than the last write.
 *
 * An answer's entry names its body's digest, and the body is kept under that digest apart, so a hit
 * on a body this process already holds moves only the small entry from Redis. Bodies read or written
 * are kept in process (bounded in bytes): a body never changes under its digest, so keeping it cannot
 * make an answer stale.
 */
export class SharedAnswers {
  private readonly bodies: LRUCache<string, Buffer>;

  /**
   * `ttlSeconds`: how long an answer is kept there (and its body here), at most its `max-age`;
   * `maxBytes`: the bodies kept in process, as `heapSizeOf` (../cache/heap-size) counts them.
   */
  constructor(private readonly cache: Cache, private readonly ttlSeconds: number, maxBytes: number) {
    this.bodies = new LRUCache<string, Buffer>({
      maxSize: maxBytes,
      ttlAutopurge: true,
      sizeCalculation: (body, digest) => heapSizeOf(body) + heapSizeOf(digest) + LRU_ENTRY_BYTES,
    });
  }

  /** Bytes of bodies held in process. */
  get bytes(): number {
    return this.bodies.calculatedSize;
  }

  /** The shared level's key for the answer to `request`. */
  keyFor(request: CacheableRequest): string {
    return `response:${digestOf(requestKey(request))}`;
  }

  /**
   * The answer kept under `key`, as an answer to keep in process for `lifeMs` (computed, for its
   * outage grace, when the request began: `startedAt`), its body from this process when it has it
   * (else a second read); or the stamp to store a new answer with. Both entries depend on
   * `RESPONSES_TAG`, so either read's stamp is good for writing both.
   */
  async read(request: CacheableRequest, key: string, lifeMs: number, startedAt: number): Promise<SharedLookup> {
    const [lookup] = await this.cache.read([{ key, tags: [RESPONSES_TAG] }]);
    if (!lookup.hit) return { stamp: lookup.stamp };
    const shared = asSharedEntry(lookup.value);
    if (!shared) return {};
    let body = this.bodies.get(shared.digest);
    if (!body) {
      const [stored] = await this.cache.read([{ key: bodyKey(shared.digest), tags: [RESPONSES_TAG] }]);
      if (!stored.hit) return { stamp: stored.stamp };
      if (!Buffer.isBuffer(stored.value) || digestOf(stored.value) !== shared.digest) return {};
      // Copied out of the Redis reply it is a view of, which may be larger.
      body = ownedCopy(stored.value);
      this.bodies.set(shared.digest, body, { ttl: this.ttlSeconds * 1000 });
    }
    return { answer: storedAnswer(request, shared.headers, body, shared.operation, shared.cost, lifeMs, startedAt) };
  }

  /**
   * Stores an answer under `key` with the stamp of the read that missed, for at most `maxAgeMs`;
   * best effort (not awaited), and not at all when a write has invalidated the stamp since.
   */
  write(key: string, stamp: Stamp, headers: OutgoingHttpHeaders, body: Buffer, operation: string | null, cost: number, maxAgeMs: number): void {
    const digest = digestOf(body);
    const value: SharedEntry = { headers, digest, operation, cost };
    const ttlSeconds = Math.min(this.ttlSeconds, maxAgeMs / 1000);
    this.bodies.set(digest, body, { ttl: this.ttlSeconds * 1000 });
    void this.cache.write([
      { key, tags: [RESPONSES_TAG], value, stamp, ttlSeconds },
      { key: bodyKey(digest), tags: [RESPONSES_TAG], value: body, stamp, ttlSeconds },
    ]);
  }
}

/** `value` when it is a shared entry this version wrote; undefined otherwise (a miss). */
function asSharedEntry(value: unknown): SharedEntry | undefined {
  const shared = value as Partial<SharedEntry> | null;
  if (!shared || typeof shared.digest !== 'string' || typeof shared.headers !== 'object' || shared.headers === null) return undefined;
  return { headers: shared.headers, digest: shared.digest, operation: shared.operation ?? null, cost: typeof shared.cost === 'number' ? shared.cost : 1 };
}

function digestOf(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('base64url');
}

function bodyKey(digest: string): string {
  return `response-body:${digest}`;
}
