/**
 * The gateway's whole-response cache, and a second request path in front of Express.
 *
 * The server's request listener is `ResponseCache.listener(app)`, not Express's app: every request
 * comes here first. Those it can answer (a public query answered before without errors:
 * `Cache-Control: max-age=…, public`, see ./cache-control) it answers itself, sending the stored
 * bytes again, before Express or Apollo see the request; every other request is passed on to the app
 * untouched (after its body has been read, which is handed to Express's JSON parser). Why a second
 * path rather than an Express middleware or an Apollo plugin: a hit then costs about what a bare
 * Node `http` answer costs, with no middleware, no request pipeline, no parsing or execution.
 *
 * What this path must therefore do itself, as the app would: rate-limit a hit like the request that
 * filled it (same cost, same client budget), give it a request id, count it in the metrics (it is
 * not written to the access log), refuse a body that is not JSON with the app's 400, and answer its
 * own failure with a masked 500. Requests with an `Authorization` header or the subgraph secret (a router's), compressed bodies, and
 * everything but JSON `POST`s and `GET`s carrying a CSRF-preflight header are passed on untouched.
 * That list is why this file is long: it is one job, a request path, and each duty is a few lines of it.
 *
 * Two levels, each optional:
 * - in process (./answer-index): every invalidation this process makes or hears of drops the
 *   answers that depend on one of its tags (`clear`): each answer is kept with the tags of every
 *   record its request read (../cache/read-tags); an answer filled by a request that started before
 *   an invalidation of one of its tags is never stored, and an answer lives at most `ttlMs` (with
 *   `needsSync`, served only while a check of Redis's write marker vouches for it, or within
 *   `outageGraceMs` while none can); in the last
 *   quarter of its life, the next request for it is passed on to fetch the next answer while the
 *   others are still sent this one, so a busy answer never expires into a crowd of requests all
 *   executing the query;
 * - shared (./shared-answers, Redis): by generation, like every other entry there, so no instance
 *   ever reads an answer older than the last write.
 */
import type { IncomingMessage, OutgoingHttpHeaders, RequestListener, ServerResponse } from 'node:http';
import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLError } from 'graphql';
import fresh from 'fresh';
import proxyAddr from 'proxy-addr';
import { PUBLIC_VIEWER } from '../auth/api-keys';
import type { Context } from '../context';
import { ALL_TAG, type Cache, type Stamp } from '../cache/cache';
import { ReadTags } from '../cache/read-tags';
import { ownedCopy } from '../cache/heap-size';
import type { Sync } from '../cache';
import { ErrorCode, MASKED_MESSAGE } from '../errors';
import type { Logger } from '../logger';
import { AnswerIndex, type CacheableRequest, type StoredAnswer, storedAnswer } from './answer-index';
import { NOT_JSON_MESSAGE } from './body';
import { sendGraphQLError } from './error-response';
import type { RateLimiter } from './limits';
import { REQUEST_ID_HEADER, requestIdOf } from './request-log';
import { SharedAnswers } from './shared-answers';
import { SUBGRAPH_SECRET_HEADER } from './subgraph';

/** What a request that missed leaves for its answer to be stored under. */
interface Pending {
  request: CacheableRequest;
  /** `ResponseCache.epoch` when the request began: an invalidation since of a tag it read keeps its answer out. */
  epoch: number;
  /** The tags of what the request read, when its store notes them (`readsFor`); else it depends on everything. */
  reads?: ReadTags;
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
   * by the cache's `onSync`, see src/cache/index.ts), or within `outageGraceMs`, and dropped when one finds another
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
   * A level every instance shares (Redis, see ./shared-answers), read when this process has no
   * answer, where an answer is kept `ttlSeconds` (at most its `max-age`). Give it only when the
   * records behind an answer are themselves read from that level (no in-process record level that
   * could be stale).
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

/** How many of the latest invalidations are remembered to decide whether an answer computed across them may be kept. */
const RECENT_INVALIDATIONS = 64;

/**
 * What a 304 leaves out of the answer's headers (as Express's `res.send` does): it has no body.
 * (`Transfer-Encoding`, which Express drops too, is never kept: see `PER_EXCHANGE`.)
 */
const NOT_ON_304 = new Set(['content-type', 'content-length']);
/** Response headers that belong to one exchange, not to the answer. */
const PER_EXCHANGE = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding', REQUEST_ID_HEADER]);
const PUBLIC_MAX_AGE = /^max-age=(\d+), public$/;
const JSON_TYPE = /^application\/json(;\s*charset=utf-8)?$/i;

/** The response cache and its request path: see the file comment. */
export class ResponseCache {
  private readonly local: AnswerIndex;
  private readonly shared: SharedAnswers | undefined;
  private readonly pending = new WeakMap<IncomingMessage, Pending>();
  /** Bumped by every `clear`: an answer whose request began before one of its tags' is not kept. */
  private epoch = 0;
  /** The tags of the latest `RECENT_INVALIDATIONS` clears, the last for epoch `this.epoch`. */
  private readonly recent: (readonly string[])[] = [];
  /** Until when answers kept in process may be served (see `needsSync`). */
  private currentUntil: number;
  /** When the last check that vouched began (see `outageGraceMs`). */
  private vouchedAt = -Infinity;
  private readonly graceMs: number;

  constructor(private readonly options: ResponseCacheOptions) {
    this.currentUntil = options.needsSync ? 0 : Infinity;
    this.graceMs = options.outageGraceMs ?? 0;
    if (!(this.graceMs >= 0)) throw new TypeError(`outageGraceMs must be 0 or more milliseconds (got ${options.outageGraceMs})`);
    // The byte budget is shared by the levels in use.
    const levels = (options.ttlMs > 0 ? 1 : 0) + (options.shared ? 1 : 0);
    const levelBytes = Math.max(1, Math.floor(options.maxBytes / Math.max(1, levels)));
    this.local = new AnswerIndex(levelBytes);
    this.shared = options.shared && new SharedAnswers(options.shared.cache, options.shared.ttlSeconds, levelBytes);
  }

  /** Bytes held in process, as counted against `maxBytes`. */
  get bytes(): number {
    return this.local.bytes + (this.shared?.bytes ?? 0);
  }

  /** How many answers are kept in process. */
  get size(): number {
    return this.local.size;
  }

  /**
   * Drops every answer that depends on one of `tags` (all of them, without tags): call on every
   * invalidation, local or heard from another instance.
   */
  clear(tags: readonly string[] = [ALL_TAG]): void {
    this.epoch += 1;
    this.recent.push(tags);
    if (this.recent.length > RECENT_INVALIDATIONS) this.recent.shift();
    this.local.drop(tags);
  }

  /** A check of Redis's write marker (see `needsSync`): drops what depends on the tags some instance invalidated since the last. */
  synced(sync: Sync): void {
    if (sync.changed) this.clear(sync.tags ?? [ALL_TAG]);
    this.currentUntil = Math.max(this.currentUntil, sync.currentUntil);
    this.vouchedAt = Math.max(this.vouchedAt, sync.checkedAt);
  }

  /**
   * Where the store should note what `req` reads (`ContentStore.noting`), when its answer may be
   * kept; undefined otherwise. Without it, a kept answer depends on everything.
   */
  readsFor(req: IncomingMessage): ReadTags | undefined {
    const pending = this.pending.get(req);
    if (!pending) return undefined;
    pending.reads ??= new ReadTags();
    return pending.reads;
  }

  /** Whether an invalidation since `epoch` may have changed what an answer depending on `tags` shows. */
  private invalidatedSince(epoch: number, tags: readonly string[]): boolean {
    const since = this.epoch - epoch;
    if (since === 0) return false;
    if (since > this.recent.length) return true;
    const read = new Set(tags);
    if (read.has(ALL_TAG)) return true;
    return this.recent.slice(-since).some((invalidated) => invalidated.some((tag) => tag === ALL_TAG || read.has(tag)));
  }

  /** The server's request listener: answers what it can, passes everything else to `app`. */
  listener(app: App): RequestListener {
    return (req, res) => {
      if (!this.cacheable(req)) return void app(req, res);
      const { method, url } = req as { method: string; url: string };
      const accept = req.headers.accept ?? '';
      if (method === 'GET') return void this.handle(req, res, { method, url, accept, body: undefined }, app);
      const chunks: Buffer[] = [];
      // No 'error' listener: an aborted upload then emits none (Node's compatibility rule).
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
        this.handle(req, res, { method, url, accept, body }, app);
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

  /** Whether this path may answer `req` at all (else it goes to the app untouched). */
  private cacheable(req: IncomingMessage): boolean {
    if (req.headers.authorization !== undefined || req.headers[SUBGRAPH_SECRET_HEADER] !== undefined) return false;
    if (!req.url?.startsWith(this.options.path)) return false;
    const rest = req.url.charAt(this.options.path.length);
    if (rest !== '' && rest !== '?') return false;
    if (req.method === 'GET') {
      return rest === '?' && (req.headers['apollo-require-preflight'] !== undefined || req.headers['x-apollo-operation-name'] !== undefined);
    }
    const length = Number(req.headers['content-length']);
    return req.method === 'POST' && JSON_TYPE.test(req.headers['content-type'] ?? '') &&
      req.headers['content-encoding'] === undefined && length > 0 && length <= this.options.maxBodyBytes;
  }

  /**
   * A cacheable request, its body read: sent this process's answer at once when it has a servable
   * one and nothing to charge; otherwise on to `answerLater`.
   */
  private handle(req: IncomingMessage, res: ServerResponse, request: CacheableRequest, app: App): void {
    const answer = this.servableAnswer(request, res);
    // The common hit (in process, no rate limiter) is answered at once, without a promise to settle.
    if (answer && !this.options.rateLimiter) return this.sendAnswer(req, res, answer);
    this.answerLater(req, res, request, app, answer).catch((error: unknown) => {
      this.options.log?.error({ err: error, requestId: req.headers[REQUEST_ID_HEADER] }, 'response cache failed');
      if (!res.headersSent) sendGraphQLError(res, ErrorCode.INTERNAL_SERVER_ERROR, MASKED_MESSAGE);
    });
  }

  /**
   * This process's answer to `request` when it may be sent: not expired, and vouched for by a check
   * of Redis or within its outage grace. Undefined when there is none, or when this request is the
   * one to fetch its replacement: in the last quarter of its life (or of its outage grace), one
   * request fetches it again while the others are still sent it, so under steady load it is
   * replaced before it expires and nobody waits.
   */
  private servableAnswer(request: CacheableRequest, res: ServerResponse): StoredAnswer | undefined {
    const now = Date.now();
    const found = this.local.find(request, now);
    const vouched = now < this.currentUntil;
    if (!found || found.expiresAt <= now || !(vouched || now < this.graceEnd(found))) return undefined;
    if (!found.refreshing && (found.refreshAt <= now || (!vouched && now >= this.graceEnd(found) - this.graceMs / 4))) {
      found.refreshing = true;
      res.once('close', () => { found.refreshing = false; });
      return undefined;
    }
    return found;
  }

  /** Until when `answer` may be served while no check vouches for it (see `outageGraceMs`). */
  private graceEnd(answer: StoredAnswer): number {
    return Math.max(this.vouchedAt, answer.computedAt) + this.graceMs;
  }

  /**
   * A request `handle` could not answer at once: `answer` is this process's, to charge and send;
   * without one, the shared level's, else the app's (kept when it is public).
   */
  private async answerLater(
    req: IncomingMessage, res: ServerResponse, request: CacheableRequest, app: App, answer: StoredAnswer | undefined,
  ): Promise<void> {
    if (answer) return this.chargeAndSend(req, res, answer, app);
    const pending: Pending = { request, epoch: this.epoch, startedAt: Date.now() };
    if (this.shared) {
      pending.sharedKey = this.shared.keyFor(request);
      const found = await this.shared.read(request, pending.sharedKey, this.options.ttlMs, pending.startedAt);
      if (found.answer) {
        if (this.options.ttlMs > 0 && !this.invalidatedSince(pending.epoch, found.answer.tags)) this.local.keep(found.answer);
        return this.chargeAndSend(req, res, found.answer, app);
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
    this.keepWhenPublic(res, pending);
    app(req, res);
  }

  /** Charges a stored answer to the client as the request that filled it was charged, then sends it (or the refusal). */
  private async chargeAndSend(req: IncomingMessage, res: ServerResponse, answer: StoredAnswer, app: App): Promise<void> {
    const requestId = requestIdOf(req.headers[REQUEST_ID_HEADER]);
    if (this.options.rateLimiter) {
      const trust = app.get('trust proxy fn') as Parameters<typeof proxyAddr>[1];
      const contextValue = { viewer: PUBLIC_VIEWER, clientAddress: proxyAddr(req, trust), requestId } as Context;
      let refusal: GraphQLError | undefined;
      try {
        refusal = await this.options.rateLimiter({ contextValue, operationName: answer.operation, cost: answer.cost });
      } catch {
        refusal = undefined; // the limiter fails open; so does its use here
      }
      if (refusal) return this.sendRefusal(res, refusal, requestId);
    }
    this.sendAnswer(req, res, answer, requestId);
  }

  /**
   * Writes a stored answer's bytes, with this exchange's request id, and counts the hit. A GET whose
   * `If-None-Match` names the answer's `ETag` gets 304 and no body, as Express would send it.
   */
  private sendAnswer(req: IncomingMessage, res: ServerResponse, answer: StoredAnswer, requestId = requestIdOf(req.headers[REQUEST_ID_HEADER])): void {
    // The last value is this exchange's request id; `writeHead` has read the list when it returns.
    answer.headers[answer.headers.length - 1] = requestId;
    if (answer.etag !== undefined && req.headers['if-none-match'] !== undefined && fresh(req.headers, { etag: answer.etag })) {
      res.writeHead(304, notModifiedHeaders(answer.headers));
      res.end();
    } else {
      res.writeHead(200, answer.headers);
      res.end(answer.body);
    }
    this.options.onHit?.(answer.operation);
  }

  /** Sends a rate limiter's refusal the way Apollo would: its status, headers and coded error. */
  private sendRefusal(res: ServerResponse, error: GraphQLError, requestId: string): void {
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
   * Keeps the app's answer when it is a public one: in process unless something it read was
   * invalidated since the request began, in the shared level unless its stamp has gone stale (see ../cache/cache).
   */
  private keepWhenPublic(res: ServerResponse, pending: Pending): void {
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
        const tags = pending.reads?.tags() ?? [ALL_TAG];
        if (this.options.ttlMs > 0 && !this.invalidatedSince(pending.epoch, tags)) {
          this.local.keep(storedAnswer(pending.request, headers, body, operation, cost, Math.min(this.options.ttlMs, maxAgeMs), pending.startedAt, tags));
        }
        if (this.shared && pending.sharedKey && pending.stamp) {
          this.shared.write(pending.sharedKey, pending.stamp, headers, body, operation, cost, maxAgeMs);
        }
      }
      return end(...args);
    }) as ServerResponse['end'];
  }
}

/** `headers` (names and values in turn) without those a 304 leaves out. */
function notModifiedHeaders(headers: string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < headers.length; i += 2) {
    if (!NOT_ON_304.has(headers[i])) kept.push(headers[i], headers[i + 1]);
  }
  return kept;
}
