import type { ApolloServerOptions, ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { InMemoryLRUCache, type KeyValueCache } from '@apollo/utils.keyvaluecache';
import type { DocumentNode } from 'graphql';
import { Router } from 'express';
import { heapSizeOf, LRU_ENTRY_BYTES } from '../cache/heap-size';
import type { Context } from '../context';
import type { Logger } from '../logger';
import type { PageLimits } from '../pagination';
import type { ContentStore } from '../store/store';
import { DEFAULT_HTTP_MAX_AGE_SECONDS, httpCachePlugins } from './cache-control';
import { type ReadinessOptions, healthRoutes } from './health';
import type { SubgraphAccess } from './subgraph';
import { DEFAULT_LIMITS, type Limits, type RateLimiter, checkLimits, limitsPlugin, parseOptionsFor } from './limits';
import { inputTextPlugin } from './input-text';
import { GatewayMetrics } from './metrics';
import { type AdmissionLimits, DEFAULT_ADMISSION, admission } from './admission';
import { ResponseCache, type ResponseCacheOptions } from './response-cache';
import { DEFAULT_PLAYGROUND_ASSETS_PATH, type PlaygroundOptions, playgroundAssetRoutes, playgroundLandingPage } from './playground';
import type { TrustedDocuments } from './trusted-documents';

/**
 * Everything between a client and the resolvers, as `createGateway` takes it. Every field is
 * optional; the defaults are safe for production and convenient in development.
 */
export interface HttpEdgeOptions {
  /** GraphiQL at the endpoint for browsers. Default: enabled outside production, files at `/playground`. */
  playground?: Partial<PlaygroundOptions>;
  /**
   * Schema introspection. Default: on outside production. When off, error messages also stop
   * suggesting names ("Did you mean …?"), which would reveal the schema all the same.
   */
  introspection?: boolean;
  /** Request limits; each one left out keeps its default (DEFAULT_LIMITS in ./limits.ts). */
  limits?: Partial<Limits>;
  /**
   * How many GraphQL requests are answered at once, and how many may wait how long for a place
   * (./admission.ts); each one left out keeps its default (DEFAULT_ADMISSION).
   */
  admission?: Partial<AdmissionLimits>;
  /** Trusted-documents mode: when given, only these operations run (see ./trusted-documents.ts). */
  trustedDocuments?: TrustedDocuments;
  /** Called for every operation that passed the limits; see `RateLimiter` (and ./rate-limit.ts). */
  rateLimiter?: RateLimiter;
  /**
   * Which proxies may tell the client's address in `X-Forwarded-For`, as Express's `trust proxy`
   * setting takes it: false (trust none: the address is the connection's peer), true (trust every
   * hop: only behind a proxy that overwrites the header), a number of hops, or proxy addresses and
   * subnets. The address feeds `Context.clientAddress` and the public's rate limits. Default false.
   */
  trustProxy?: TrustProxy;
  /**
   * Automatic persisted queries: where a document registered under its hash is kept, and for how
   * long (seconds). Give a store every instance shares (Redis) so a hash registered with one instance
   * runs on any. Default: Apollo's, in this process. Ignored in trusted-documents mode.
   */
  automaticPersistedQueries?: { store: KeyValueCache<string>; ttlSeconds: number };
  /** `max-age` of a public answer's `Cache-Control`, in seconds (0: `no-store`). Default 30. */
  httpCacheMaxAgeSeconds?: number;
  /**
   * The response cache (./response-cache, a second request path: see its file comment): public answers,
   * from this process (`ttlMs` > 0) and from a shared level. Off unless given. Whoever gives it must
   * make the store invalidate through `invalidatingResponses` (src/cache/responses.ts), and call
   * `Gateway.responseCache.clear()` on every invalidation heard from another instance (and, with
   * `needsSync`, `Gateway.responseCache.synced` on every check of Redis's write marker).
   */
  responseCache?: Pick<ResponseCacheOptions, 'ttlMs' | 'maxBytes' | 'shared' | 'needsSync' | 'outageGraceMs'>;
  /**
   * The Federation subgraph secret (SUBGRAPH_SECRET): when set, `_service` and `_entities` answer only
   * requests carrying it in the `newsgate-subgraph-secret` header (./subgraph.ts). Unset: open
   * outside production, refused in production.
   */
  subgraphSecret?: string;
  /** What /readyz checks besides the store's ping. */
  readiness?: ReadinessOptions;
  /** The gateway's metrics; pass one to feed it from the store or the cache. Default: a fresh one. */
  metrics?: GatewayMetrics;
  /**
   * Apollo keeps parsed, validated documents so a repeated operation skips both; this bounds that
   * cache in bytes of memory, as `heapSizeOf` (src/cache/heap-size.ts) estimates them: a document's
   * syntax tree with its list of tokens, four to five times its JSON. Documents later refused by a limit
   * are kept too (refusing them again is cheap), so a client can fill the cache but not grow it.
   * Default 8 MiB: about 300 documents the size of the README's dashboard query, 1,000 small ones.
   * The same budget bounds the queries kept compiled (src/execution/compiled-queries.ts).
   */
  documentCacheBytes?: number;
}

/** Express's `trust proxy` values that configuration can give (see `HttpEdgeOptions.trustProxy`). */
export type TrustProxy = boolean | number | string[];

/** Where the GraphQL endpoint is served. */
export const GRAPHQL_PATH = '/graphql';

export const DEFAULT_DOCUMENT_CACHE_BYTES = 8 * 2 ** 20;

/** The options with every default applied and checked. */
export interface HttpEdge {
  playground: PlaygroundOptions;
  introspection: boolean;
  limits: Limits;
  /** The step that admits GraphQL requests (./admission.ts), before their body is read. */
  admission: ReturnType<typeof admission>;
  trustedDocuments?: TrustedDocuments;
  rateLimiter?: RateLimiter;
  trustProxy: TrustProxy;
  automaticPersistedQueries?: { store: KeyValueCache<string>; ttlSeconds: number };
  httpCacheMaxAgeSeconds: number;
  responseCache?: ResponseCache;
  subgraph: SubgraphAccess;
  readiness: ReadinessOptions;
  metrics: GatewayMetrics;
  documentCacheBytes: number;
}

/**
 * Applies the defaults (which depend on `production`) and checks the limits; throws an Error that
 * names every bad limit.
 */
export function resolveHttpEdge(options: HttpEdgeOptions = {}, production: boolean, log: Logger): HttpEdge {
  const metrics = options.metrics ?? new GatewayMetrics({ log });
  const limits = checkLimits({ ...DEFAULT_LIMITS, ...definedOnly(options.limits ?? {}) });
  const responseCache = options.responseCache && new ResponseCache({
    ...options.responseCache, path: GRAPHQL_PATH, maxBodyBytes: limits.maxBodyBytes, rateLimiter: options.rateLimiter,
    onHit: metrics.countCachedResponse, onRefusal: metrics.countError, log,
  });
  if (responseCache) metrics.setResponseCacheSize(() => responseCache.bytes);
  const admitted = admission({ ...DEFAULT_ADMISSION, ...definedOnly(options.admission ?? {}) }, metrics.countError);
  metrics.setAdmission(admitted);
  return {
    playground: {
      enabled: options.playground?.enabled ?? !production,
      assetsPath: options.playground?.assetsPath ?? DEFAULT_PLAYGROUND_ASSETS_PATH,
    },
    introspection: options.introspection ?? !production,
    limits,
    admission: admitted,
    trustedDocuments: options.trustedDocuments,
    // A stored answer remembers its cost, so that each hit is charged as the request that filled it.
    rateLimiter: responseCache ? responseCache.recordingCost(options.rateLimiter) : options.rateLimiter,
    responseCache,
    trustProxy: options.trustProxy ?? false,
    automaticPersistedQueries: options.automaticPersistedQueries,
    httpCacheMaxAgeSeconds: options.httpCacheMaxAgeSeconds ?? DEFAULT_HTTP_MAX_AGE_SECONDS,
    subgraph: { secret: options.subgraphSecret || undefined, production },
    readiness: options.readiness ?? {},
    metrics,
    documentCacheBytes: options.documentCacheBytes ?? DEFAULT_DOCUMENT_CACHE_BYTES,
  };
}

/**
 * What Apollo Server gets from the edge: introspection and name suggestions, the token limit, the
 * bounded document cache, the trusted documents as persisted queries, and the plugins for the
 * playground (or no landing page at all: Apollo's default one loads from a CDN), metrics,
 * limits, and the text rule every string argument keeps (./input-text.ts). CSRF prevention and refusing batched requests are Apollo's defaults and stay on.
 */
export function apolloEdgeOptions(edge: HttpEdge, pagination: PageLimits, log: Logger, documentBytes = edge.documentCacheBytes): Pick<
  ApolloServerOptions<Context>,
  'introspection' | 'hideSchemaDetailsFromClientErrors' | 'parseOptions' | 'persistedQueries' | 'documentStore'
> & { plugins: ApolloServerPlugin<Context>[] } {
  return {
    introspection: edge.introspection,
    documentStore: new InMemoryLRUCache<DocumentNode>({
      maxSize: documentBytes,
      sizeCalculation: (document, key) => heapSizeOf(document) + heapSizeOf(key) + LRU_ENTRY_BYTES,
    }),
    hideSchemaDetailsFromClientErrors: !edge.introspection,
    parseOptions: parseOptionsFor(edge.limits),
    ...persistedQueriesOf(edge),
    plugins: [
      ...httpCachePlugins(edge.httpCacheMaxAgeSeconds),
      edge.playground.enabled ? playgroundLandingPage(edge.playground, log) : ApolloServerPluginLandingPageDisabled(),
      edge.metrics.plugin(),
      ...(edge.responseCache ? [edge.responseCache.plugin()] : []),
      limitsPlugin({
        limits: edge.limits, pagination, trustedDocuments: edge.trustedDocuments, subgraph: edge.subgraph, rateLimiter: edge.rateLimiter,
      }),
      inputTextPlugin(),
    ],
  };
}

/**
 * The edge's own routes: `/healthz`, `/readyz`, `/metrics`, and the playground's files when it is
 * enabled. Mount before the GraphQL endpoint.
 */
export function edgeRoutes(edge: HttpEdge, deps: { store: ContentStore; log: Logger; isStopping: () => boolean }): Router {
  const router = Router();
  router.use(healthRoutes({ ...deps, readiness: edge.readiness }));
  router.get('/metrics', edge.metrics.handler());
  if (edge.playground.enabled) router.use(edge.playground.assetsPath, playgroundAssetRoutes());
  return router;
}

/** Trusted documents when given (nothing is registered then), else the APQ store when given. */
function persistedQueriesOf(edge: HttpEdge): Pick<ApolloServerOptions<Context>, 'persistedQueries'> {
  if (edge.trustedDocuments) return { persistedQueries: edge.trustedDocuments.persistedQueries() };
  const apq = edge.automaticPersistedQueries;
  return apq ? { persistedQueries: { cache: apq.store, ttl: apq.ttlSeconds } } : {};
}

/** The entries whose value is not undefined, so `{ maxDepth: undefined }` keeps the default. */
function definedOnly<T extends object>(partial: Partial<T>): Partial<T> {
  return Object.fromEntries(Object.entries(partial).filter(([, value]) => value !== undefined)) as Partial<T>;
}
