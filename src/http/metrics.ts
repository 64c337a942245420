/**
 * The gateway's Prometheus registry and its series of requests, errors, store round-trips and the
 * cache (the rate limiter adds its own, ./rate-limit.ts). Past 300 lines as one job: each series is
 * declared next to its help text, and the class comment is the catalogue of these series.
 */
import type { ApolloServerPlugin, GraphQLRequestContextWillSendResponse } from '@apollo/server';
import type { RequestHandler } from 'express';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { BreakerState, CacheMetrics } from '../cache/cache';
import type { Context } from '../context';
import type { AdmissionState } from './admission';
import type { ExecutionCounts } from '../execution/compiled-queries';
import { ErrorCode } from '../errors';
import type { Logger } from '../logger';

/** Read at every scrape: the cache's counters since it was made (`Cache.metrics` of src/cache/cache.ts). */
export type CacheMetricsSource = () => CacheMetrics | Promise<CacheMetrics>;

export interface MetricsOptions {
  /** The cache's counters; may also be plugged in later with `GatewayMetrics.setCacheSource`. */
  cacheMetrics?: CacheMetricsSource;
  /**
   * How many distinct operation names get a label of their own; later ones, and names longer than
   * `MAX_OPERATION_NAME_LENGTH`, are counted as `(other)`. Clients choose operation names, so this
   * bounds the memory metrics take. Default 200.
   */
  maxOperationNames?: number;
  /** Node's process metrics (CPU, memory, event loop, GC), unprefixed as dashboards expect. Default true. */
  processMetrics?: boolean;
  /** For failures to read the cache's counters. */
  log?: Logger;
}

export const DEFAULT_MAX_OPERATION_NAMES = 200;

/** Longer operation names are counted as `(other)`: with the count, this bounds the labels' bytes. */
export const MAX_OPERATION_NAME_LENGTH = 100;

/** Labels for requests that never resolved to an operation, and for names past the cap. */
export const OPERATION_LABEL = { anonymous: '(anonymous)', invalid: '(invalid)', other: '(other)' } as const;

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const STORE_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
const BREAKER_STATES: BreakerState[] = ['closed', 'open', 'half-open'];

/**
 * One gateway's metrics, in a registry of its own (several gateways in one process never share a
 * series). Exposition at `/metrics` through `handler()`:
 *
 * - `newsgate_graphql_requests_total{operation, outcome}`: every GraphQL request answered, by Apollo
 *   or from the response cache; `newsgate_graphql_request_duration_seconds{operation}`: those Apollo
 *   answered. `outcome` is `success` or `error` (the response carries errors); `operation` is the
 *   operation name, `(anonymous)`, `(invalid)` (never resolved to an operation: unparsable, invalid,
 *   or an unknown operationName) or `(other)` (past `maxOperationNames`, or a name longer than
 *   `MAX_OPERATION_NAME_LENGTH`).
 * - `newsgate_response_cache_hits_total`: answers sent from the response cache.
 * - `newsgate_graphql_errors_total{code}`: every error a client was sent, by `extensions.code`, also
 *   for requests refused before Apollo (a body too large, not JSON).
 * - `newsgate_store_query_duration_seconds{engine}`: fed by `observeStoreQuery`.
 * - `newsgate_cache_hits`, `_misses`, `_errors`, `_breaker_opens` `{level}` and
 *   `newsgate_cache_breaker_state{level, state}` (1 for the current state): read from the cache
 *   source at each scrape; `level` is `all`, or a level of a layered cache.
 * - `newsgate_cache_redis_up`: 1 when the cache's Redis answered a PING sent at this scrape within
 *   the operation timeout, else 0 (`setRedisPing`; absent without Redis). A PING at scrape time
 *   rather than the breaker's state or the write-marker checks: those stay "down" for a cooldown
 *   after Redis is back, and `CACHE=redis` has no checks at all.
 * - `newsgate_cache_bytes{level}`: bytes the cache holds in this process (for the levels that
 *   live here), and `newsgate_response_cache_bytes`: bytes of whole answers kept in this process;
 *   each against its budget (`CACHE_MAX_BYTES_IN_PROCESS`, `CACHE_RESPONSES_MAX_BYTES`).
 * - `newsgate_graphql_executions{executor}`: operations executed since the gateway started, by
 *   `compiled` (a query compiled with graphql-jit) or `graphql-js` (../execution/compiled-queries.ts),
 *   and `newsgate_compiled_query_documents`: documents whose compiled operations are kept; both read
 *   at each scrape (`setExecutionSource`), absent without one.
 * - Node's default process metrics.
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'operation' | 'outcome'>;
  private readonly latency: Histogram<'operation'>;
  private readonly errors: Counter<'code'>;
  private readonly storeLatency: Histogram<'engine'>;
  private readonly responseCacheHits: Counter;
  private readonly operationNames = new Set<string>();
  /**
   * Response-cache hits not yet added to the counters, by operation label: added at each scrape,
   * because two prom-client increments per hit cost more than the hit itself.
   */
  private readonly pendingHits = new Map<string, number>();
  private readonly maxOperationNames: number;
  private cacheSource: CacheMetricsSource | undefined;
  private redisPing: (() => Promise<boolean>) | undefined;
  private responseCacheBytes: (() => number) | undefined;
  private executionSource: (() => { counts: ExecutionCounts; documents: number }) | undefined;
  private snapshotInFlight: Promise<CacheMetrics | undefined> | undefined;

  constructor(private readonly options: MetricsOptions = {}) {
    const registers = [this.registry];
    this.maxOperationNames = options.maxOperationNames ?? DEFAULT_MAX_OPERATION_NAMES;
    this.cacheSource = options.cacheMetrics;
    // prom-client calls `collect` with the metric as `this`: reach the tallies through a closure.
    const addPendingHits = () => this.addPendingHits();
    this.requests = new Counter({
      name: 'newsgate_graphql_requests_total', help: 'GraphQL requests answered, by operation name and outcome.',
      labelNames: ['operation', 'outcome'], registers, collect: addPendingHits,
    });
    this.latency = new Histogram({
      name: 'newsgate_graphql_request_duration_seconds', help: 'Time from receiving a GraphQL request to sending its answer.',
      labelNames: ['operation'], buckets: LATENCY_BUCKETS, registers,
    });
    this.errors = new Counter({
      name: 'newsgate_graphql_errors_total', help: 'Errors sent to clients, by extensions.code.',
      labelNames: ['code'], registers,
    });
    this.storeLatency = new Histogram({
      name: 'newsgate_store_query_duration_seconds', help: 'Round-trips to the content store database.',
      labelNames: ['engine'], buckets: STORE_BUCKETS, registers,
    });
    this.responseCacheHits = new Counter({
      name: 'newsgate_response_cache_hits_total', help: 'GraphQL answers sent from the response cache.', registers, collect: addPendingHits,
    });
    this.registerCacheGauges();
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  /**
   * Records one store round-trip of `seconds` on `engine`. Bound to this instance: pass it as a
   * plain callback to the store's Db layer.
   */
  readonly observeStoreQuery = (engine: string, seconds: number): void => {
    this.storeLatency.observe({ engine }, seconds);
  };

  /** Counts one error sent to a client. Bound: usable as a callback. */
  readonly countError = (code: string): void => {
    this.errors.inc({ code });
  };

  /** Plugs in the response cache's size in bytes, read at every scrape from then on. */
  setResponseCacheSize(bytes: () => number): void {
    this.responseCacheBytes = bytes;
  }

  /**
   * Plugs in the admission step (./admission.ts): `newsgate_graphql_requests_in_flight` and
   * `newsgate_graphql_requests_queued`, read at every scrape from then on.
   */
  setAdmission(state: AdmissionState): void {
    if (this.registry.getSingleMetric('newsgate_graphql_requests_queued')) return;
    new Gauge({
      name: 'newsgate_graphql_requests_in_flight', help: 'GraphQL requests being answered now (at most MAX_CONCURRENT_OPERATIONS).',
      registers: [this.registry], collect() { this.set(state.inFlight); },
    });
    new Gauge({
      name: 'newsgate_graphql_requests_queued', help: 'GraphQL requests waiting for a place now (at most MAX_QUEUED_OPERATIONS).',
      registers: [this.registry], collect() { this.set(state.queued); },
    });
  }

  /** Plugs in the executor's counts and the number of documents it keeps compiled, read at every scrape from then on. */
  setExecutionSource(source: () => { counts: ExecutionCounts; documents: number }): void {
    this.executionSource = source;
  }

  /** Plugs in (or replaces) the cache's counters, read at every scrape from then on. */
  setCacheSource(source: CacheMetricsSource | undefined): void {
    this.cacheSource = source;
  }

  /**
   * Plugs in the PING of the cache's Redis (`RedisCache.ping`: bounded by the operation timeout,
   * one at a time), sent at every scrape from then on for `newsgate_cache_redis_up`.
   */
  setRedisPing(ping: (() => Promise<boolean>) | undefined): void {
    this.redisPing = ping;
    if (!ping || this.registry.getSingleMetric('newsgate_cache_redis_up')) return;
    // prom-client calls `collect` with the gauge as `this`: reach the PING through a closure.
    const current = () => this.redisPing;
    new Gauge({
      name: 'newsgate_cache_redis_up',
      help: 'Whether the cache\'s Redis answered a PING within the operation timeout, sent at this scrape (1 or 0).',
      registers: [this.registry],
      async collect() {
        const redisPing = current();
        if (redisPing) this.set(await redisPing() ? 1 : 0);
      },
    });
  }

  /**
   * The Apollo plugin that counts and times every GraphQL request and the errors it answers with,
   * including the requests Apollo refuses before an operation starts: a context that could not be
   * made (a bad API key: UNAUTHENTICATED) and an invalid request (CSRF, batching: BAD_REQUEST).
   */
  plugin(): ApolloServerPlugin<Context> {
    return {
      contextCreationDidFail: async ({ error }) => {
        this.countError(codeOf(error));
      },
      invalidRequestWasReceived: async ({ error }) => {
        this.countError(codeOf(error));
      },
      requestDidStart: async () => {
        const started = process.hrtime.bigint();
        return {
          willSendResponse: async (requestContext) => {
            const seconds = Number(process.hrtime.bigint() - started) / 1e9;
            const operation = this.operationLabel(requestContext);
            const codes = errorCodesOf(requestContext);
            this.latency.observe({ operation }, seconds);
            this.requests.inc({ operation, outcome: codes.length > 0 ? 'error' : 'success' });
            for (const code of codes) this.countError(code);
          },
        };
      },
    };
  }

  /**
   * Counts one answer sent from the response cache (./response-cache) as a successful request of
   * its operation, and in `newsgate_response_cache_hits_total`, from the next scrape on. Not timed:
   * the latency histogram is of the requests GraphQL executed. Bound.
   */
  readonly countCachedResponse = (operationName: string | null): void => {
    const operation = this.nameLabel(operationName);
    this.pendingHits.set(operation, (this.pendingHits.get(operation) ?? 0) + 1);
  };

  private addPendingHits(): void {
    let total = 0;
    for (const [operation, hits] of this.pendingHits) {
      this.requests.inc({ operation, outcome: 'success' }, hits);
      total += hits;
    }
    this.pendingHits.clear();
    if (total > 0) this.responseCacheHits.inc(total);
  }

  /** `GET /metrics`: the registry in Prometheus' text format. */
  handler(): RequestHandler {
    return async (_req, res) => {
      const body = await this.registry.metrics();
      res.set('content-type', this.registry.contentType).set('cache-control', 'no-store').send(body);
    };
  }

  /** The operation's name while fewer than `maxOperationNames` have been seen; see the class comment. */
  private operationLabel(requestContext: GraphQLRequestContextWillSendResponse<Context>): string {
    if (!requestContext.operation) return OPERATION_LABEL.invalid;
    return this.nameLabel(requestContext.operationName ?? null);
  }

  /**
   * An operation's name as a label: at most `maxOperationNames` distinct ones, each at most
   * `MAX_OPERATION_NAME_LENGTH` long; the rest `(other)`.
   */
  private nameLabel(name: string | null): string {
    if (!name) return OPERATION_LABEL.anonymous;
    if (this.operationNames.has(name)) return name;
    if (this.operationNames.size >= this.maxOperationNames || name.length > MAX_OPERATION_NAME_LENGTH) return OPERATION_LABEL.other;
    this.operationNames.add(name);
    return name;
  }

  private registerCacheGauges(): void {
    const registers = [this.registry];
    // prom-client calls `collect` with the gauge as `this`: reach the snapshot through a closure.
    const snapshot = () => this.cacheSnapshot();
    for (const [field, name, what] of [
      ['hits', 'newsgate_cache_hits', 'keys answered from the cache'],
      ['misses', 'newsgate_cache_misses', 'keys the cache could not answer'],
      ['errors', 'newsgate_cache_errors', 'cache operations that failed or timed out'],
      ['breakerOpens', 'newsgate_cache_breaker_opens', 'times the cache circuit breaker opened'],
    ] as const) {
      new Gauge({
        name, help: `Cache: ${what}, since the cache was made (read from the cache at each scrape).`,
        labelNames: ['level'], registers,
        async collect() {
          this.reset();
          for (const [level, metrics] of levelsOf(await snapshot())) this.set({ level }, metrics[field]);
        },
      });
    }
    new Gauge({
      name: 'newsgate_cache_bytes', help: 'Cache: bytes held in this process, as counted against CACHE_MAX_BYTES_IN_PROCESS.',
      labelNames: ['level'], registers,
      async collect() {
        this.reset();
        for (const [level, metrics] of levelsOf(await snapshot())) if (metrics.bytes !== undefined) this.set({ level }, metrics.bytes);
      },
    });
    const responseBytes = () => this.responseCacheBytes?.();
    new Gauge({
      name: 'newsgate_response_cache_bytes', help: 'Bytes of whole answers kept in this process, as counted against CACHE_RESPONSES_MAX_BYTES.',
      registers,
      collect() {
        const bytes = responseBytes();
        if (bytes !== undefined) this.set(bytes);
      },
    });
    const execution = () => this.executionSource?.();
    new Gauge({
      name: 'newsgate_graphql_executions', help: 'Operations executed since the gateway started, by executor: compiled (graphql-jit) or graphql-js.',
      labelNames: ['executor'], registers,
      collect() {
        const source = execution();
        if (!source) return;
        this.set({ executor: 'compiled' }, source.counts.compiled);
        this.set({ executor: 'graphql-js' }, source.counts.graphqlJs);
      },
    });
    new Gauge({
      name: 'newsgate_compiled_query_documents', help: 'Documents whose operations are kept compiled (graphql-jit), within the compiled-query bounds.',
      registers,
      collect() {
        const source = execution();
        if (source) this.set(source.documents);
      },
    });
    new Gauge({
      name: 'newsgate_cache_breaker_state', help: 'Cache circuit breaker state: 1 for the current one, 0 for the others.',
      labelNames: ['level', 'state'], registers,
      async collect() {
        this.reset();
        for (const [level, metrics] of levelsOf(await snapshot())) {
          for (const state of BREAKER_STATES) this.set({ level, state }, metrics.breaker === state ? 1 : 0);
        }
      },
    });
  }

  /**
   * The cache's counters, read once per scrape: prom-client starts every metric's collect in the
   * same tick, so they all share the read in flight.
   */
  private cacheSnapshot(): Promise<CacheMetrics | undefined> {
    this.snapshotInFlight ??= this.readCacheSource().finally(() => { this.snapshotInFlight = undefined; });
    return this.snapshotInFlight;
  }

  private async readCacheSource(): Promise<CacheMetrics | undefined> {
    if (!this.cacheSource) return undefined;
    try {
      return await this.cacheSource();
    } catch (error) {
      this.options.log?.warn({ err: error }, 'could not read the cache metrics');
      return undefined;
    }
  }
}

/** `all` for the cache as a whole, then each level of a layered cache; none without a snapshot. */
function levelsOf(snapshot: CacheMetrics | undefined): [string, CacheMetrics][] {
  return snapshot ? [['all', snapshot], ...Object.entries(snapshot.levels ?? {})] : [];
}

/** An error's `extensions.code`; INTERNAL_SERVER_ERROR when it has none, as clients are told. */
function codeOf(error: Error): string {
  return String((error as { extensions?: { code?: unknown } }).extensions?.code ?? ErrorCode.INTERNAL_SERVER_ERROR);
}

/** The codes of the errors in the answer as the client sees it (after formatError). */
function errorCodesOf(requestContext: GraphQLRequestContextWillSendResponse<Context>): string[] {
  const { body } = requestContext.response;
  const errors = body.kind === 'single' ? body.singleResult.errors : body.initialResult.errors;
  return (errors ?? []).map((error) => String(error.extensions?.code ?? ErrorCode.INTERNAL_SERVER_ERROR));
}
