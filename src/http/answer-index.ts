import type { OutgoingHttpHeaders } from 'node:http';
import { LRUCache } from 'lru-cache';
import { heapSizeOf, LRU_ENTRY_BYTES } from '../cache/heap-size';
import { REQUEST_ID_HEADER } from './request-log';
import { ALL_TAG } from '../cache/cache';

/**
 * A request the response cache can answer, as its lookup needs it: a `POST`'s body is kept as bytes
 * and compared as bytes, so a hit never decodes, joins or hashes it.
 */
export interface CacheableRequest {
  method: string;
  url: string;
  accept: string;
  body: Buffer | undefined;
  /** `requestKey(this)`, once computed. */
  key?: string;
}

/** An answer kept in this process: its bytes and what the response cache decides with. */
export interface StoredAnswer {
  /** What it answers: the request's method, URL, `Accept` header and body. */
  request: CacheableRequest;
  /**
   * Names and values in turn, as `writeHead` takes them fastest; the last pair is the request id,
   * its value replaced for each exchange.
   */
  headers: string[];
  body: Buffer;
  /** Its `ETag` (GET answers have Express's), for answering a conditional GET with 304. */
  etag: string | undefined;
  expiresAt: number;
  /**
   * When the request that computed it began: it reflects every write made before then, except
   * through records this process kept (at most `CACHE_L1_TTL_SECONDS` older). Starts its outage
   * grace if that comes after the last check of Redis that vouched (see `ResponseCacheOptions.outageGraceMs`).
   */
  computedAt: number;
  /**
   * From then on, the next request fetches a newer answer while the others are sent this one. Late in
   * the answer's life (three quarters): each refresh executes the query and holds up the requests
   * behind it, so the fewer the better, but it must land before the answer expires.
   */
  refreshAt: number;
  /** True while a request is fetching the newer answer. */
  refreshing: boolean;
  /** When the LRU last heard it was used. */
  usedAt: number;
  /** The operation's name and estimated cost, for counting and rate-limiting each hit. */
  operation: string | null;
  cost: number;
  /**
   * The cache tags of what it was built from (../cache/read-tags): a write that invalidates one of
   * them drops it (`AnswerIndex.drop`). `[ALL_TAG]`: it depends on everything.
   */
  tags: readonly string[];
}

/**
 * An answer to keep for `lifeMs` milliseconds from now, computed (or read from the shared level) by
 * a request that began at `computedAt`.
 */
export function storedAnswer(
  request: CacheableRequest, headers: OutgoingHttpHeaders, body: Buffer, operation: string | null, cost: number, lifeMs: number, computedAt: number,
  tags: readonly string[] = [ALL_TAG],
): StoredAnswer {
  const now = Date.now();
  return {
    request, headers: [...headerList(headers), REQUEST_ID_HEADER, ''], body, etag: headers.etag?.toString(), operation, cost,
    expiresAt: now + lifeMs, computedAt, refreshAt: now + lifeMs * 0.75, refreshing: false, usedAt: now, tags,
  };
}

/**
 * The key an answer is kept under: the whole request. Built once, when the answer is stored or
 * missed, and kept on the request, so its string hash is computed once too.
 */
export function requestKey(request: CacheableRequest): string {
  request.key ??= `${request.method} ${request.url} ${request.accept}${request.body ? `\n${request.body.toString('latin1')}` : ''}`;
  return request.key;
}

/** Bytes one answer's place in the index by tag costs beyond the tag's own string (a `Set` slot, about). */
const TAG_INDEX_ENTRY_BYTES = 40;

/**
 * The response cache's lookup index: this process's answers, bounded in bytes (least recently used
 * first out, each gone when it expires), found by their request with two short map lookups (URL, then
 * body length) and a comparison of bytes, never a string built or hashed from the body; and by the
 * tags they depend on, so that a write drops only the answers built from what it changed.
 */
export class AnswerIndex {
  /** Every answer, by `requestKey`: the LRU that bounds their bytes and drops the expired. */
  private readonly answers: LRUCache<string, StoredAnswer>;
  /** The same answers by URL and body length (-1 for none). */
  private readonly buckets = new Map<string, Map<number, StoredAnswer[]>>();
  /** The same answers by each tag they depend on (`ALL_TAG` for those that depend on everything). */
  private readonly byTag = new Map<string, Set<StoredAnswer>>();

  /** `maxBytes` as `heapSizeOf` (../cache/heap-size) counts them. */
  constructor(maxBytes: number) {
    this.answers = new LRUCache<string, StoredAnswer>({
      maxSize: maxBytes,
      // One timer drops the expired; it is set when an answer is kept, after a query ran, never on a hit.
      ttlAutopurge: true,
      // The key is the answer's `request.key`, counted with it.
      sizeCalculation: (answer) => heapSizeOf(answer) + LRU_ENTRY_BYTES + answer.tags.length * TAG_INDEX_ENTRY_BYTES,
      // Overwritten, evicted, expired or cleared: gone from its bucket too.
      dispose: (answer) => this.unindex(answer),
    });
  }

  /** Bytes held, as counted against the budget. */
  get bytes(): number {
    return this.answers.calculatedSize;
  }

  get size(): number {
    return this.answers.size;
  }

  /** The answer kept for `request`, if any (expired or not: the caller decides). */
  find(request: CacheableRequest, now: number): StoredAnswer | undefined {
    const bucket = this.buckets.get(request.url)?.get(request.body?.length ?? -1);
    if (!bucket) return undefined;
    for (const answer of bucket) {
      const { method, accept, body } = answer.request;
      if (method !== request.method || accept !== request.accept) continue;
      if (body !== request.body && !(body && request.body && body.equals(request.body))) continue;
      // Every answer in a bucket is in the LRU (leaving it takes the answer out of its bucket). Its
      // recency is renewed at most once a second: that is precise enough to choose what to evict,
      // and keeps the LRU's bookkeeping off most hits.
      if (now - answer.usedAt >= 1000) {
        answer.usedAt = now;
        this.answers.get(requestKey(answer.request));
      }
      return answer;
    }
    return undefined;
  }

  /** Keeps `answer` until it expires, findable by its request (unless it is larger than the whole budget). */
  keep(answer: StoredAnswer): void {
    const key = requestKey(answer.request);
    this.answers.set(key, answer, { ttl: Math.max(1, Math.ceil(answer.expiresAt - Date.now())) });
    if (this.answers.peek(key) !== answer) return;
    const { url, body } = answer.request;
    let byLength = this.buckets.get(url);
    if (!byLength) this.buckets.set(url, byLength = new Map());
    const bucket = byLength.get(body?.length ?? -1);
    if (bucket) bucket.push(answer);
    else byLength.set(body?.length ?? -1, [answer]);
    for (const tag of answer.tags) {
      let tagged = this.byTag.get(tag);
      if (!tagged) this.byTag.set(tag, tagged = new Set());
      tagged.add(answer);
    }
  }

  /** Drops every answer that depends on one of `tags` (every answer, for `ALL_TAG`). */
  drop(tags: readonly string[]): void {
    if (tags.includes(ALL_TAG)) return this.clear();
    const dropped = new Set<StoredAnswer>(this.byTag.get(ALL_TAG));
    for (const tag of tags) for (const answer of this.byTag.get(tag) ?? []) dropped.add(answer);
    for (const answer of dropped) {
      const key = requestKey(answer.request);
      // Only if it is still the answer kept for its request (`delete` then takes it out of the indexes).
      if (this.answers.peek(key) === answer) this.answers.delete(key);
    }
  }

  /** Drops every answer. */
  clear(): void {
    this.buckets.clear();
    this.byTag.clear();
    this.answers.clear();
  }

  private unindex(answer: StoredAnswer): void {
    for (const tag of answer.tags) {
      const tagged = this.byTag.get(tag);
      if (!tagged) continue; // cleared with every tag
      tagged.delete(answer);
      if (tagged.size === 0) this.byTag.delete(tag);
    }
    const { url, body } = answer.request;
    const byLength = this.buckets.get(url);
    if (!byLength) return; // cleared with every bucket
    const length = body?.length ?? -1;
    const bucket = byLength.get(length)?.filter((other) => other !== answer);
    if (bucket?.length) byLength.set(length, bucket);
    else byLength.delete(length);
    if (byLength.size === 0) this.buckets.delete(url);
  }
}

/** `headers` as names and values in turn (a list value gives one pair per item). */
function headerList(headers: OutgoingHttpHeaders): string[] {
  return Object.entries(headers).flatMap(([name, value]) =>
    (Array.isArray(value) ? value : value === undefined ? [] : [value]).flatMap((item) => [name, String(item)]));
}
