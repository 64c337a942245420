import http, { type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { expressMiddleware } from '@as-integrations/express5';
import cors from 'cors';
import express from 'express';
import proxyAddr from 'proxy-addr';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { PUBLIC_VIEWER, hasRole, viewerOf, type Viewer } from './auth/api-keys';
import type { Config } from './config';
import { createContext, type Context } from './context';
import { ErrorCode, MASKED_MESSAGE, StoreFaultError, UnauthenticatedError, isExpected } from './errors';
import { jsonBodyByRole } from './http/body';
import { drainHttpServer } from './http/drain';
import { GRAPHQL_PATH, type HttpEdgeOptions, apolloEdgeOptions, edgeRoutes, resolveHttpEdge } from './http/edge';
import { errorStatusPlugin, lastResortErrorHandler } from './http/error-response';
import { type ErrorHandler, type Handler, graphqlPath } from './http/graphql-path';
import { OperationLimits, checkWholeNumbers, labelTokenLimit } from './http/limits';
import type { GatewayMetrics } from './http/metrics';
import { FAILED_KEY_POINTS } from './http/rate-limit';
import { requestLogger } from './http/request-log';
import type { ResponseCache } from './http/response-cache';
import { DEFAULT_SUBSCRIPTION_LIMITS, type SubscriptionLimits, serveSubscriptions, subscriptionsOverHttpRefused } from './http/websocket';
import type { LiveUpdates } from './live/live-updates';
import type { Logger } from './logger';
import { CompiledQueries, type CompiledQueriesOptions } from './execution/compiled-queries';
import { executingGateway } from './execution/gateway';
import { buildSchema } from './schema';
import { isStoreFault } from './store/errors';
import type { ContentStore } from './store/store';
import type { RemoteSources } from './sources/source';
import { sourcesServedPlugin } from './news/served';

export interface GatewayDependencies {
  config: Pick<Config, 'pagination' | 'production'> & Partial<Pick<Config, 'requestTimeoutMs' | 'shutdownTimeoutMs'>>;
  store: ContentStore;
  log: Logger;
  /** The remote sources `news` lists beside the store (src/sources/); none when absent. */
  sources?: RemoteSources | null;
  /**
   * The HTTP edge: playground, request limits, trusted documents, health, metrics (src/http/edge.ts).
   * Every part has a default.
   */
  http?: HttpEdgeOptions;
  /**
   * GraphQL subscriptions over WebSocket on the same port and path (src/http/websocket.ts), fed by
   * these live updates; none without it.
   */
  live?: { updates: LiveUpdates; limits?: Partial<SubscriptionLimits> };
  /**
   * How queries run: compiled with graphql-jit, kept within these bounds (src/execution/compiled-queries.ts),
   * the rest on graphql-js; `false` runs every operation on graphql-js. Default: compiled, at most
   * 1,000 documents' operations within half the document cache's byte budget (`http.documentCacheBytes`),
   * the parsed documents keeping the other half.
   */
  compiledQueries?: CompiledQueriesOptions | false;
}

export interface Gateway {
  app: express.Express;
  httpServer: http.Server;
  apollo: ApolloServer<Context>;
  /** Its Prometheus metrics, also served at /metrics. */
  metrics: GatewayMetrics;
  /** The in-process response cache, when `http.responseCache` asked for one: clear it on every invalidation. */
  responseCache?: ResponseCache;
  /** Starts listening; resolves to the URL of the GraphQL endpoint. */
  listen(port: number, host?: string): Promise<string>;
  /** Stops taking requests and resolves once those in flight have been answered. */
  stop(): Promise<void>;
}

/**
 * Logs every error the gateway did not raise on purpose, with the request id; a fault of the content
 * store (a timeout, a lost connection) is logged as a warning instead. (The answer's status is
 * `errorStatusPlugin`'s.)
 */
function errorReporter(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ contextValue, errors }) {
          for (const error of errors) {
            const original = unwrapResolverError(error);
            if (isStoreFault(original)) {
              contextValue.log.warn({ err: original, path: error.path }, 'content store fault while resolving');
            } else if (!isExpected(original) && !isExpected(error)) {
              contextValue.log.error({ err: original, path: error.path }, 'unexpected error while resolving');
            }
          }
        },
      };
    },
  };
}

/**
 * Replaces errors the gateway did not raise on purpose (bugs, failures it cannot explain) with a
 * masked INTERNAL_SERVER_ERROR; coded errors (bad input, validation, parse errors) pass unchanged,
 * and faults of the content store become STORE_TIMEOUT or STORE_UNAVAILABLE (see StoreFaultError).
 */
export function maskUnexpected(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  if (isStoreFault(original)) {
    const { message, extensions: { http, ...extensions } } = new StoreFaultError(original);
    return { message, locations: formatted.locations, path: formatted.path, extensions };
  }
  if (isExpected(original) || (isExpected(error) && original === error)) return formatted;
  if (isUncodedRequestError(original)) return { ...formatted, extensions: { ...formatted.extensions, code: ErrorCode.BAD_REQUEST } };
  return {
    message: MASKED_MESSAGE,
    locations: formatted.locations,
    path: formatted.path,
    extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
  };
}

/**
 * Apollo refuses some requests with a 4xx status but no code (a persisted query whose document does
 * not match its hash): the client's mistake, so it is told, as BAD_REQUEST, rather than masked.
 */
function isUncodedRequestError(error: unknown): boolean {
  if (!(error instanceof GraphQLError) || error.path) return false;
  const status = (error.extensions.http as { status?: number } | undefined)?.status;
  return status !== undefined && status >= 400 && status < 500;
}

/** What closing the store and the cache may take after the drain, within the shutdown timeout. */
const CLOSING_MS = 1_000;

/**
 * How long connections may drain: the shutdown timeout less a second to close the store and the
 * cache, so that a drain cut short still ends with them closed and exit 0 (default 10 s without one).
 */
function drainGraceMs(shutdownTimeoutMs: number | undefined): number | undefined {
  return shutdownTimeoutMs === undefined ? undefined : Math.max(0, shutdownTimeoutMs - CLOSING_MS);
}

/**
 * Builds the HTTP server: the GraphQL endpoint at /graphql (GraphiQL for browsers outside
 * production), /healthz, /readyz and /metrics, every request logged with its request id. Nothing
 * listens until `listen`.
 */
export async function createGateway({ config, store, log, sources, http: httpOptions, live, compiledQueries }: GatewayDependencies): Promise<Gateway> {
  const edge = resolveHttpEdge(httpOptions, config.production, log);
  let stopping = false;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', edge.trustProxy);
  const logRequest = requestLogger(log);
  app.use(logRequest);
  app.use(edgeRoutes(edge, { store, log, isStopping: () => stopping }));
  // Its request listener is added once Apollo has started (below); the drain plugin needs the server first.
  const httpServer = http.createServer();
  // Parsed documents and the queries compiled from them share one byte budget, half each.
  const documentBytes = compiledQueries === false ? edge.documentCacheBytes : Math.floor(edge.documentCacheBytes / 2);
  const { plugins: edgePlugins, ...edgeApolloOptions } = apolloEdgeOptions(edge, config.pagination, log, documentBytes);
  const schema = buildSchema();
  const formatError = (formatted: GraphQLFormattedError, error: unknown) => labelTokenLimit(maskUnexpected(formatted, error));
  const subscriptions = live ? serveSubscriptions({
    httpServer, path: GRAPHQL_PATH, schema, store, log, production: config.production,
    context: { store, pagination: config.pagination, log, requestTimeoutMs: config.requestTimeoutMs, sources, live: live.updates },
    limits: edge.limits,
    operationLimits: new OperationLimits(edge.limits, config.pagination, edge.rateLimiter),
    subscriptionLimits: checkWholeNumbers({ ...DEFAULT_SUBSCRIPTION_LIMITS, ...live.limits }, 'subscription limits',
      'DEFAULT_SUBSCRIPTION_LIMITS in src/http/websocket.ts'),
    rateLimiter: edge.rateLimiter,
    trustedDocuments: edge.trustedDocuments,
    trustProxy: app.get('trust proxy fn'),
    formatError,
    registry: edge.metrics.registry,
    fannedOut: () => live.updates.connected,
  }) : null;
  const queries = compiledQueries === false ? undefined
    : new CompiledQueries(schema, { maxBytes: edge.documentCacheBytes - documentBytes, ...compiledQueries });
  if (queries) edge.metrics.setExecutionSource(() => ({ counts: queries.counts, documents: queries.size }));
  const apollo = new ApolloServer<Context>({
    ...(queries ? { gateway: executingGateway(schema, queries) } : { schema }),
    formatError,
    includeStacktraceInErrorResponses: !config.production,
    ...edgeApolloOptions,
    plugins: [
      drainHttpServer(httpServer, drainGraceMs(config.shutdownTimeoutMs)),
      // Closes the WebSocket connections, which the HTTP server's drain would otherwise wait for.
      ...(subscriptions ? [subscriptions] : []),
      subscriptionsOverHttpRefused(subscriptions !== null),
      // Before the plugins that read the answer's errors (metrics, cache-control, status).
      sourcesServedPlugin(),
      ...edgePlugins,
      errorReporter(),
      errorStatusPlugin(),
    ],
    logger: log,
    // src/main.ts stops the gateway on SIGTERM/SIGINT and then closes the store; Apollo's own
    // handlers would stop it too and re-raise the signal, killing the process before the store closes.
    stopOnTerminationSignals: false,
  });
  await apollo.start();

  // The request's key is checked once, before its body is read (editors may send larger bodies).
  const viewers = new WeakMap<IncomingMessage, Promise<Viewer>>();
  const viewerFor = (req: IncomingMessage) => {
    let viewer = viewers.get(req);
    if (!viewer) viewers.set(req, viewer = viewerOf(store, req.headers.authorization));
    return viewer;
  };
  const trustProxy = app.get('trust proxy fn') as Parameters<typeof proxyAddr>[1];
  const context = async (req: IncomingMessage): Promise<Context> => {
    const clientAddress = proxyAddr(req, trustProxy) ?? null;
    const viewer = await viewerFor(req).catch(async (error: unknown) => {
      if (isStoreFault(error)) {
        req.log.warn({ err: error }, 'content store fault while checking an API key');
        throw new StoreFaultError(error);
      }
      // A bad key spends its address's budget, so guessing keys is rate-limited too.
      const refusal = error instanceof UnauthenticatedError && await edge.rateLimiter?.({
        contextValue: { viewer: PUBLIC_VIEWER, clientAddress, requestId: String(req.id) } as Context,
        operationName: null, cost: FAILED_KEY_POINTS,
      });
      throw refusal || error;
    });
    const context = createContext({ store, pagination: config.pagination, log, requestTimeoutMs: config.requestTimeoutMs, sources },
      String(req.id), viewer, clientAddress, req.log, edge.responseCache?.readsFor(req));
    edge.responseCache?.track(req, context);
    return context;
  };
  const allowCors = cors<cors.CorsRequest>();
  const [jsonBody, refuseUnreadableBody] = jsonBodyByRole({ publicBytes: edge.limits.maxBodyBytes, editorBytes: edge.limits.maxEditorBodyBytes },
    async (req) => hasRole(await viewerFor(req), 'editor'), edge.metrics.countError);
  const lastResort = lastResortErrorHandler(log);
  app.use(GRAPHQL_PATH, allowCors, edge.admission, jsonBody, refuseUnreadableBody, expressMiddleware(apollo, { context: ({ req }) => context(req) }));
  app.use(lastResort);
  // POSTs to /graphql skip Express (the same steps, on Node's own request path); the rest go through it.
  const listener = graphqlPath(app, {
    path: GRAPHQL_PATH, apollo, context,
    steps: [logRequest, allowCors, edge.admission, jsonBody] as Handler[], refusals: refuseUnreadableBody as ErrorHandler, lastResort: lastResort as ErrorHandler,
  });
  httpServer.on('request', edge.responseCache ? edge.responseCache.listener(listener) : listener);

  return {
    app,
    httpServer,
    apollo,
    metrics: edge.metrics,
    responseCache: edge.responseCache,
    listen(port, host) {
      return new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => {
          const { port: bound } = httpServer.address() as AddressInfo;
          resolve(`http://${host === '0.0.0.0' || !host ? 'localhost' : host}:${bound}/graphql`);
        });
      });
    },
    stop: () => {
      stopping = true;
      return apollo.stop();
    },
  };
}
