import { createHash } from 'node:crypto';
import type { IncomingMessage, OutgoingHttpHeaders, RequestListener, ServerResponse } from 'node:http';
import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLError } from 'graphql';
import { LRUCache } from 'lru-cache';
import proxyAddr from 'proxy-addr';
import { PUBLIC_VIEWER } from '../auth/api-keys';
import type { Context } from '../context';
import type { Cache, Stamp } from '../cache/cache';
import { heapSizeOf, LRU_ENTRY_BYTES, ownedCopy } from '../cache/heap-size';
import { RESPONSES_TAG } from '../cache/responses';
import type { Sync } from '../cache/two-level';
import { ErrorCode, MASKED_MESSAGE } from '../errors';
import type { Logger } from '../logger';
import { NOT_JSON_MESSAGE } from './body';
import { sendGraphQLError } from './error-response';
import type { RateLimiter } from './limits';
import { REQUEST_ID_HEADER, requestIdOf } from './request-log';

/** What a cached answer remembers besides its bytes. */
interface Entry {
  /** What it answers: the request's method, URL, `Accept` header and body (see `Request`). */
  request: Request;
  /**
   * Names and values in turn, as `writeHead` takes them fastest; the last pair is the request id,
   * its value replaced for each exchange.
   */
  headers: string[];
  body: Buffer;
  expiresAt: number;
  /**
   * When the request that computed it began: it reflects every write made before then, except
   * through records this process kept (at most `CACHE_L1_TTL_SECONDS` older). Starts its outage
   * grace if that comes after the last check of Redis that vouched (see `outageGraceMs`).
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
}

/**
 * A request the cache can answer, as its lookup needs it: a `POST`'s body is kept as bytes and
 * compared as bytes, so a hit never decodes, joins or hashes it (hashing a 400-byte key as a string
 * cost a tenth of a hit).
 */
interface Request {
  method: string;
  url: string;
  accept: string;
  body: Buffer | undefined;
  /** `keyOf(this)`, once computed. */
  key?: string;
}

/** What a request that missed leaves for its answer to be stored under. */
interface Pending {
  request: Request;
  epoch: number;
  startedAt: number;
  /** The shared level's key and the stamp of its miss, when there is a shared level. */
  sharedKey?: string;
  stamp?: Stamp;
  operation?: string | null;
  cost?: number;
}

type App = RequestListener & { get(setting: string): unknown };

const PENDING = Symbol('response cache: the request this operation answers');
type Tracked = Context & { [PENDING]?: Pending };

export interface ResponseCacheOptions {
  /**
   * How long this process serves an answer again, in milliseconds (also bounded by its `max-age`);
   * 0 keeps none in process.
   */
  ttlMs: number;
  /**
   * Bytes kept in process (answers, and the bodies read from the shared level), as `heapSizeOf`
   * (../cache/heap-size) counts them; the least recently used go first.
   */
  maxBytes: number;
  /**
   * Answers kept in process are served only while a check of Redis vouches for them (`synced`, fed
   * by `TwoLevelCache.onSync`), or within `outageGraceMs`, and dropped when one finds another
   * instance wrote: how answers kept far longer than the in-process records still agree with every
   * instance within a second when an invalidation message is lost. Default false: every invalidation
   * reaches this process (one instance, or `shared` only).
   */
  needsSync?: boolean;
  /**
   * With `needsSync`, while no check vouches (Redis hung or unreachable): how long an answer is still
   * served, in milliseconds, from the start of the last check that vouched or from when the answer
   * was computed, whichever is later. In the last quarter of that, the next request for it computes
   * it again (from the store) while the others are still sent it. So during an outage, however long,
   * no answer older than this is served (other instances' writes cannot reach this process then)
   * and each busy answer is computed about once per this long: capacity stays, staleness is bounded.
   * This process's own writes still drop every answer at once. Default 0: nothing unvouched is served.
   */
  outageGraceMs?: number;
  /**
   * A level every instance shares (Redis), read when this process has no answer: entries there depend
   * on `RESPONSES_TAG`, which every write invalidates (see `invalidatingResponses` in ../cache/responses), and are stored
   * only when that tag has not changed since the request began. Give it only when the records behind
   * an answer are themselves read from that level (no in-process record level that could be stale).
   */
  shared?: { cache: Cache; ttlSeconds: number };
  /** Where unexpected failures are logged. */
  log?: Logger;
  /** The GraphQL endpoint's path. */
  path: string;
  /** Requests with a larger body are never cached (the body limit refuses them later). */
  maxBodyBytes: number;
  /** Charged for every hit, as for the request that filled the entry. */
  rateLimiter?: RateLimiter;
  /** Counts each hit with its operation's name (called on every hit: keep it cheap). */
  onHit?: (operationName: string | null) => void;
  /** Counts each request refused here: by the rate limiter, or a body that is not JSON. */
  onRefusal?: (code: string) => void;
}

/** Response headers that belong to one exchange, not to the answer. */
const PER_EXCHANGE = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding', REQUEST_ID_HEADER]);
const PUBLIC_MAX_AGE = /^max-age=(\d+), public$/;
const JSON_TYPE = /^application\/json(;\s*charset=utf-8)?$/i;

/**
 * The gateway's whole-response cache: the answers a shared HTTP cache could keep (a public query
 * answered without errors: `Cache-Control: max-age=…, public`, see ./cache-control), sent again, byte
 * for byte, before Express or Apollo see the request. This is what brings a warm request near the
 * cost of a bare Node `http` answer.
 *
 * Two levels, each optional. In process: every invalidation this process makes or hears of drops
 * every answer (`clear`), an answer filled by a request that started before an invalidation is never
 * stored, and an answer lives at most `ttlMs` (with `needsSync`, served only while a check of Redis's
 * write marker vouches for it, or within `outageGraceMs` while none can); in the last quarter of its
 * life, the next request for it is passed on to fetch the next answer while the others are still sent
 * this one, so a busy answer never expires into a crowd of requests all executing the query. Shared (Redis): by generation, like every
 * other entry there (see ../cache/cache), so no instance ever reads an answer older than the last
 * write.
 *
 * Requests with an `Authorization` header, compressed bodies, and everything but JSON `POST`s and
 * `GET`s carrying a CSRF-preflight header are passed on untouched. A hit is rate-limited like the
 * request that filled the entry (same cost, same client budget), counted in the metrics, and not
 * written to the access log.
 */
export class ResponseCache {
  /** Every answer, by `keyOf(request)`: the LRU that bounds their bytes. */
  private readonly entries: LRUCache<string, Entry>;
  /**
   * The same answers by URL and body length (-1 for none): how a request finds its answer, with two
   * short lookups and a comparison of bytes, never a string built or hashed from the body.
   */
  private readonly buckets = new Map<string, Map<number, Entry[]>>();
  private readonly pending = new WeakMap<IncomingMessage, Pending>();
  /**
   * Bodies of answers read from or written to the shared level, by their SHA-256: the shared level's
   * entry of an answer names its body's digest, so a hit moves that small entry from Redis, not the
   * body. A body never changes under its digest, so keeping it here cannot make an answer stale.
   */
  private readonly bodies: LRUCache<string, Buffer>;
  private epoch = 0;
  /** Until when answers kept in process may be served (see `needsSync`). */
  private currentUntil: number;
  /** When the last check that vouched began (see `outageGraceMs`). */
  private vouchedAt = -Infinity;
  private readonly graceMs: number;

  constructor(private readonly options: ResponseCacheOptions) {
    this.currentUntil = options.needsSync ? 0 : Infinity;
    this.graceMs = options.outageGraceMs ?? 0;
    if (!(this.graceMs >= 0)) throw new TypeError(`outageGraceMs must be 0 or more milliseconds (got ${options.outageGraceMs})`);
    // The budget is shared by the levels in use. Expired answers and bodies are dropped by a timer
    // each: one is set when an answer is stored, after a query has been executed, never on a hit.
    const levels = (options.ttlMs > 0 ? 1 : 0) + (options.shared ? 1 : 0);
    const maxSize = Math.max(1, Math.floor(options.maxBytes / Math.max(1, levels)));
    this.entries = new LRUCache<string, Entry>({
      maxSize,
      ttlAutopurge: true,
      // The key is the entry's `request.key`, counted with it.
      sizeCalculation: (entry) => heapSizeOf(entry) + LRU_ENTRY_BYTES,
      // Overwritten, evicted, expired or cleared: gone from its bucket too.
      dispose: (entry) => this.unindex(entry),
    });
    this.bodies = new LRUCache<string, Buffer>({
      maxSize,
      ttlAutopurge: true,
      sizeCalculation: (body, digest) => heapSizeOf(body) + heapSizeOf(digest) + LRU_ENTRY_BYTES,
    });
  }

  /** Bytes held in process, as counted against `maxBytes`. */
  get bytes(): number {
    return this.entries.calculatedSize + this.bodies.calculatedSize;
  }

  /** Drops every answer: call on every invalidation, local or heard from another instance. */
  clear(): void {
    this.epoch += 1;
    this.buckets.clear();
    this.entries.clear();
  }

  /** A check of Redis's write marker (see `needsSync`): drops every answer if some instance wrote. */
  synced(sync: Sync): void {
    if (sync.changed) this.clear();
    this.currentUntil = Math.max(this.currentUntil, sync.currentUntil);
    this.vouchedAt = Math.max(this.vouchedAt, sync.checkedAt);
  }

  get size(): number {
    return this.entries.size;
  }

  /** The server's request listener: answers hits, passes everything else to `app`. */
  listener(app: App): RequestListener {
    return (req, res) => {
      if (!this.eligible(req)) return void app(req, res);
      const { method, url } = req as { method: string; url: string };
      const accept = req.headers.accept ?? '';
      if (method === 'GET') return void this.lookUp(req, res, { method, url, accept, body: undefined }, app);
      const chunks: Buffer[] = [];
      // No 'error' listener: an aborted upload then emits none (Node's compatibility rule), and one
      // closure per request fewer.
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
        this.lookUp(req, res, { method, url, accept, body }, app);
      });
    };
  }

  /**
   * Ties a request to its GraphQL context, so the answer can be stored with what the operation was.
   * On the context itself: Apollo gives each operation a shallow copy of it.
   */
  track(req: IncomingMessage, context: Context): void {
    const pending = this.pending.get(req);
    if (pending) (context as Tracked)[PENDING] = pending;
  }

  /** Wraps the rate limiter so a stored answer remembers its operation's cost. */
  recordingCost(limiter: RateLimiter | undefined): RateLimiter | undefined {
    if (!limiter) return undefined;
    return async (request) => {
      const pending = (request.contextValue as Tracked)[PENDING];
      if (pending) pending.cost = request.cost;
      return limiter(request);
    };
  }

  /** Records each operation's name for the answer it produces. */
  plugin(): ApolloServerPlugin<Context> {
    return {
      requestDidStart: async () => ({
        willSendResponse: async ({ contextValue, operationName }) => {
          const pending = (contextValue as Tracked)[PENDING];
          if (pending) pending.operation = operationName ?? null;
        },
      }),
    };
  }

  private eligible(req: IncomingMessage): boolean {
    if (req.headers.authorization !== undefined || !req.url?.startsWith(this.options.path)) return false;
    const rest = req.url.charAt(this.options.path.length);
    if (rest !== '' && rest !== '?') return false;
    if (req.method === 'GET') {
      return rest === '?' && (req.headers['apollo-require-preflight'] !== undefined || req.headers['x-apollo-operation-name'] !== undefined);
    }
    const length = Number(req.headers['content-length']);
    return req.method === 'POST' && JSON_TYPE.test(req.headers['content-type'] ?? '') &&
      req.headers['content-encoding'] === undefined && length > 0 && length <= this.options.maxBodyBytes;
  }

  private lookUp(req: IncomingMessage, res: ServerResponse, request: Request, app: App): void {
    const now = Date.now();
    const found = this.find(request, now);
    const vouched = now < this.currentUntil;
    let local = found && found.expiresAt > now && (vouched || now < this.graceEnd(found)) ? found : undefined;
    if (local && !local.refreshing && (local.refreshAt <= now || (!vouched && now >= this.graceEnd(local) - this.graceMs / 4))) {
      // In the last quarter of its life (or of its outage grace), an answer is fetched again by one
      // request while the others are still sent it: under steady load it is replaced before it
      // expires, and nobody waits.
      const refreshed = local;
      refreshed.refreshing = true;
      res.once('close', () => { refreshed.refreshing = false; });
      local = undefined;
    }
    // The common hit (in process, no rate limiter) is answered at once, without a promise to settle.
    if (local && !this.options.rateLimiter) return this.send(req, res, local);
    this.answer(req, res, request, app, local).catch((error: unknown) => {
      this.options.log?.error({ err: error, requestId: req.headers[REQUEST_ID_HEADER] }, 'response cache failed');
      if (!res.headersSent) sendGraphQLError(res, ErrorCode.INTERNAL_SERVER_ERROR, MASKED_MESSAGE);
    });
  }

  /** Until when `entry` may be served while no check vouches for it (see `outageGraceMs`). */
  private graceEnd(entry: Entry): number {
    return Math.max(this.vouchedAt, entry.computedAt) + this.graceMs;
  }

  /** This process's answer to `request`, if it has one (expired or not). */
  private find(request: Request, now: number): Entry | undefined {
    const bucket = this.buckets.get(request.url)?.get(request.body?.length ?? -1);
    if (!bucket) return undefined;
    for (const entry of bucket) {
      const { method, accept, body } = entry.request;
      if (method !== request.method || accept !== request.accept) continue;
      if (body !== request.body && !(body && request.body && body.equals(request.body))) continue;
      // Every entry in a bucket is in the LRU (leaving it takes the entry out of its bucket). Its
      // recency is renewed at most once a second: the LRU's bookkeeping is a tenth of a hit's cost.
      if (now - entry.usedAt >= 1000) {
        entry.usedAt = now;
        this.entries.get(keyOf(entry.request));
      }
      return entry;
    }
    return undefined;
  }

  /** Stores `entry` in process until it expires, findable by its request (unless it is larger than the whole cache). */
  private store(entry: Entry): void {
    const key = keyOf(entry.request);
    this.entries.set(key, entry, { ttl: Math.max(1, Math.ceil(entry.expiresAt - Date.now())) });
    if (this.entries.peek(key) !== entry) return;
    const { url, body } = entry.request;
    let byLength = this.buckets.get(url);
    if (!byLength) this.buckets.set(url, byLength = new Map());
    const bucket = byLength.get(body?.length ?? -1);
    if (bucket) bucket.push(entry);
    else byLength.set(body?.length ?? -1, [entry]);
  }

  private unindex(entry: Entry): void {
    const { url, body } = entry.request;
    const byLength = this.buckets.get(url);
    if (!byLength) return; // cleared with every bucket
    const length = body?.length ?? -1;
    const bucket = byLength.get(length)?.filter((other) => other !== entry);
    if (bucket?.length) byLength.set(length, bucket);
    else byLength.delete(length);
    if (byLength.size === 0) this.buckets.delete(url);
  }

  /** A request `lookUp` could not answer at once: `local` is this process's current answer, if any. */
  private async answer(req: IncomingMessage, res: ServerResponse, request: Request, app: App, local: Entry | undefined): Promise<void> {
    if (local) return this.serve(req, res, local, app);
    const pending: Pending = { request, epoch: this.epoch, startedAt: Date.now() };
    const shared = this.options.shared;
    if (shared) {
      pending.sharedKey = `response:${digestOf(keyOf(request))}`;
      const found = await this.readShared(shared.cache, request, pending.sharedKey, pending.startedAt);
      if (found.entry) {
        if (this.options.ttlMs > 0 && pending.epoch === this.epoch) this.store(found.entry);
        return this.serve(req, res, found.entry, app);
      }
      pending.stamp = found.stamp;
    }
    if (request.body !== undefined && !this.parseInto(req, request.body.toString('utf8'))) {
      // As Express's JSON parser would answer it (it cannot: the body has been read).
      res.setHeader(REQUEST_ID_HEADER, requestIdOf(req.headers[REQUEST_ID_HEADER]));
      sendGraphQLError(res, ErrorCode.BAD_REQUEST, NOT_JSON_MESSAGE);
      this.options.onRefusal?.(ErrorCode.BAD_REQUEST);
      return;
    }
    this.pending.set(req, pending);
    this.capture(res, pending);
    app(req, res);
  }

  private async serve(req: IncomingMessage, res: ServerResponse, entry: Entry, app: App): Promise<void> {
    const requestId = requestIdOf(req.headers[REQUEST_ID_HEADER]);
    if (this.options.rateLimiter) {
      const trust = app.get('trust proxy fn') as Parameters<typeof proxyAddr>[1];
      const contextValue = { viewer: PUBLIC_VIEWER, clientAddress: proxyAddr(req, trust), requestId } as Context;
      let refusal: GraphQLError | undefined;
      try {
        refusal = await this.options.rateLimiter({ contextValue, operationName: entry.operation, cost: entry.cost });
      } catch {
        refusal = undefined; // the limiter fails open; so does its use here
      }
      if (refusal) return this.refuse(res, refusal, requestId);
    }
    this.send(req, res, entry, requestId);
  }

  private send(req: IncomingMessage, res: ServerResponse, entry: Entry, requestId = requestIdOf(req.headers[REQUEST_ID_HEADER])): void {
    // The last value is this exchange's request id; `writeHead` has read the list when it returns.
    entry.headers[entry.headers.length - 1] = requestId;
    res.writeHead(200, entry.headers);
    res.end(entry.body);
    this.options.onHit?.(entry.operation);
  }

  /**
   * The shared level's answer for `sharedKey`, its body from this process when it has it (else a
   * second read); or the stamp to store a new answer with. Both entries depend on `RESPONSES_TAG`, so
   * either read's stamp is good for writing both. `startedAt`: when the request began.
   */
  private async readShared(
    cache: Cache, request: Request, sharedKey: string, startedAt: number,
  ): Promise<{ entry?: Entry; stamp?: Stamp }> {
    const [lookup] = await cache.read([{ key: sharedKey, tags: [RESPONSES_TAG] }]);
    if (!lookup.hit) return { stamp: lookup.stamp };
    const shared = asSharedEntry(lookup.value);
    if (!shared) return {};
    let body = this.bodies.get(shared.digest);
    if (!body) {
      const [stored] = await cache.read([{ key: bodyKey(shared.digest), tags: [RESPONSES_TAG] }]);
      if (!stored.hit) return { stamp: stored.stamp };
      if (!Buffer.isBuffer(stored.value) || digestOf(stored.value) !== shared.digest) return {};
      // Copied out of the Redis reply it is a view of, which may be larger.
      body = ownedCopy(stored.value);
      this.bodies.set(shared.digest, body, { ttl: this.options.shared!.ttlSeconds * 1000 });
    }
    return { entry: newEntry(request, shared.headers, body, shared.operation, shared.cost, this.options.ttlMs, startedAt) };
  }

  /** Sends a rate limiter's refusal the way Apollo would: its status, headers and coded error. */
  private refuse(res: ServerResponse, error: GraphQLError, requestId: string): void {
    const { http, ...extensions } = error.extensions as { http?: { status?: number; headers?: Map<string, string> }; code?: string };
    const headers: OutgoingHttpHeaders = {
      'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', [REQUEST_ID_HEADER]: requestId,
      ...Object.fromEntries(http?.headers ?? []),
    };
    res.writeHead(http?.status ?? 429, headers);
    res.end(JSON.stringify({ errors: [{ message: error.message, extensions }] }));
    this.options.onRefusal?.(String(extensions.code ?? ErrorCode.RATE_LIMITED));
  }

  /**
   * Hands the body already read to Express's JSON parser (which skips a request whose body has been
   * consumed). False when it is not a JSON object or array (what that parser's strict mode refuses).
   */
  private parseInto(req: IncomingMessage, body: string): boolean {
    try {
      const parsed: unknown = JSON.parse(body);
      if (typeof parsed !== 'object' || parsed === null) return false;
      (req as IncomingMessage & { body?: unknown }).body = parsed;
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Stores the answer when it is a public one: in process unless something was invalidated since
   * the request began, in the shared level unless its stamp has gone stale (see ../cache/cache).
   */
  private capture(res: ServerResponse, pending: Pending): void {
    const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
    res.end = ((...args: unknown[]) => {
      const [chunk] = args;
      const maxAge = PUBLIC_MAX_AGE.exec(String(res.getHeader('cache-control') ?? ''));
      if (res.statusCode === 200 && maxAge && Number(maxAge[1]) > 0 &&
        (typeof chunk === 'string' || Buffer.isBuffer(chunk)) && res.getHeader('set-cookie') === undefined) {
        const headers = Object.fromEntries(Object.entries(res.getHeaders()).filter(([name]) => !PER_EXCHANGE.has(name)));
        const operation = pending.operation ?? null;
        const cost = pending.cost ?? 1;
        const maxAgeMs = Number(maxAge[1]) * 1000;
        const body = ownedCopy(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
        if (this.options.ttlMs > 0 && pending.epoch === this.epoch) {
          this.store(newEntry(pending.request, headers, body, operation, cost, Math.min(this.options.ttlMs, maxAgeMs), pending.startedAt));
        }
        const shared = this.options.shared;
        if (shared && pending.sharedKey && pending.stamp) {
          const digest = digestOf(body);
          const value: SharedEntry = { headers, digest, operation, cost };
          const ttlSeconds = Math.min(shared.ttlSeconds, maxAgeMs / 1000);
          this.bodies.set(digest, body, { ttl: shared.ttlSeconds * 1000 });
          void shared.cache.write([
            { key: pending.sharedKey, tags: [RESPONSES_TAG], value, stamp: pending.stamp, ttlSeconds },
            { key: bodyKey(digest), tags: [RESPONSES_TAG], value: body, stamp: pending.stamp, ttlSeconds },
          ]);
        }
      }
      return end(...args);
    }) as ServerResponse['end'];
  }
}

/**
 * An answer to keep in process for `lifeMs` milliseconds from now, computed (or read from the shared
 * level) by a request that began at `computedAt`.
 */
function newEntry(
  request: Request, headers: OutgoingHttpHeaders, body: Buffer, operation: string | null, cost: number, lifeMs: number, computedAt: number,
): Entry {
  const now = Date.now();
  return {
    request, headers: [...headerList(headers), REQUEST_ID_HEADER, ''], body, operation, cost,
    expiresAt: now + lifeMs, computedAt, refreshAt: now + lifeMs * 0.75, refreshing: false, usedAt: now,
  };
}

/**
 * The key the LRU keeps an answer under: the whole request. Built once, when the answer is stored or
 * missed, and kept on the request, so its string hash is computed once too.
 */
function keyOf(request: Request): string {
  request.key ??= `${request.method} ${request.url} ${request.accept}${request.body ? `\n${request.body.toString('latin1')}` : ''}`;
  return request.key;
}

/** `headers` as names and values in turn (a list value gives one pair per item). */
function headerList(headers: OutgoingHttpHeaders): string[] {
  return Object.entries(headers).flatMap(([name, value]) =>
    (Array.isArray(value) ? value : value === undefined ? [] : [value]).flatMap((item) => [name, String(item)]));
}

/** An answer as the shared level keeps it; its body is kept apart, under `bodyKey(digest)`. */
interface SharedEntry {
  headers: OutgoingHttpHeaders;
  /** The body's SHA-256, base64url. */
  digest: string;
  operation: string | null;
  cost: number;
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
