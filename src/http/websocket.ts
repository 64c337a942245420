/**
 * GraphQL subscriptions over WebSocket: the `graphql-transport-ws` protocol (graphql-ws) on the
 * gateway's own port and path, held to what queries over HTTP are held to. See docs/subscriptions.md.
 */
import { createHash } from 'node:crypto';
import type http from 'node:http';
import type { ApolloServerPlugin } from '@apollo/server';
import {
  type DocumentNode, type ExecutionArgs, type ExecutionResult, GraphQLError, type GraphQLFormattedError, type GraphQLSchema,
  createSourceEventStream, execute, getOperationAST, parse, validate,
} from 'graphql';
import { CloseCode } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { Counter, Gauge, type Registry } from 'prom-client';
import proxyAddr from 'proxy-addr';
import { WebSocketServer } from 'ws';
import { PUBLIC_VIEWER, type Viewer, viewerOf } from '../auth/api-keys';
import { type Context, type ContextDependencies, createContext } from '../context';
import { ErrorCode, GatewayError, StoreFaultError, UnauthenticatedError } from '../errors';
import type { Logger } from '../logger';
import { isStoreFault } from '../store/errors';
import type { ApiKeyStore } from '../store/store';
import { type Limits, type OperationLimits, type RateLimiter, labelTokenLimit, parseOptionsFor } from './limits';
import { FAILED_KEY_POINTS, addressKey } from './rate-limit';
import { type TrustedDocuments, untrustedDocumentError } from './trusted-documents';

/** How many subscriptions a client may hold at once. */
export interface SubscriptionLimits {
  /** On one WebSocket connection. */
  perConnection: number;
  /** From one client address (the public's rate-limit key: IPv6 by its /64), over all its connections. */
  perAddress: number;
}

export const DEFAULT_SUBSCRIPTION_LIMITS: SubscriptionLimits = { perConnection: 10, perAddress: 50 };

/** Close code for a connection whose API key is refused: graphql-ws's own 4403 is "Forbidden", this is 401's. */
export const UNAUTHENTICATED_CLOSE = 4401;

/** How long a client has after connecting to send `connection_init`, in milliseconds (graphql-ws's default is 3 s). */
const CONNECTION_INIT_WAIT_MS = 3_000;

export interface WebSocketDependencies {
  httpServer: http.Server;
  path: string;
  schema: GraphQLSchema;
  store: ApiKeyStore;
  /** What each event's context is made from, as an HTTP request's is (one fresh context per event sent). */
  context: ContextDependencies;
  limits: Limits;
  operationLimits: OperationLimits;
  subscriptionLimits: SubscriptionLimits;
  rateLimiter?: RateLimiter;
  trustedDocuments?: TrustedDocuments;
  /** Express's compiled `trust proxy`: who may name the client's address in X-Forwarded-For. */
  trustProxy: Parameters<typeof proxyAddr>[1];
  /** The same masking as answers over HTTP. */
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  log: Logger;
  production: boolean;
  /** Where the subscription metrics are registered (the gateway's, served at /metrics). */
  registry?: Registry;
  /** Whether other instances' changes reach this one now (`LiveUpdates.connected`), for the metrics. */
  fannedOut?: () => boolean;
}

/** What the gateway keeps per connection. */
interface Connection {
  viewer: Viewer;
  clientAddress: string | null;
  /** The ids of its subscriptions that were accepted and have not ended. */
  open: Set<string>;
  requestId: string;
}

type Extra = { socket: import('ws').WebSocket; request: http.IncomingMessage; connection?: Connection };

/**
 * Serves subscriptions on `path` of `httpServer`. Each connection is authenticated once, by the
 * API key in `connectionParams.authorization` (`"Bearer <key>"`, or the upgrade request's own
 * Authorization header): a bad key closes it with 4401 and the reason, and spends its address's
 * budget as a bad key over HTTP does. Each subscription is parsed with the token limit, validated,
 * held to the trusted documents, the depth, alias, directive and cost limits and the rate limiter
 * (charged its cost once, when it starts), and to `subscriptionLimits` (SUBSCRIPTION_LIMIT_EXCEEDED).
 * Queries and mutations are refused here: they go over HTTP. Every event is executed with a fresh
 * context (loaders, deadline), so nothing read for one event is served stale with the next.
 *
 * Returns the Apollo plugin whose drain closes every socket (1001, going away) when the gateway stops.
 */
export function serveSubscriptions(deps: WebSocketDependencies): ApolloServerPlugin<Context> {
  const { log } = deps;
  const wss = new WebSocketServer({ server: deps.httpServer, path: deps.path, maxPayload: deps.limits.maxBodyBytes });
  const perAddress = new Map<string, number>();
  let connections = 0;
  const reserve = (connection: Connection, id: string) => {
    connection.open.add(id);
    const key = addressKey(connection.clientAddress);
    perAddress.set(key, (perAddress.get(key) ?? 0) + 1);
  };
  const release = (connection: Connection, id: string) => {
    if (!connection.open.delete(id)) return;
    const key = addressKey(connection.clientAddress);
    const left = (perAddress.get(key) ?? 1) - 1;
    if (left > 0) perAddress.set(key, left); else perAddress.delete(key);
  };
  const parseOptions = parseOptionsFor(deps.limits);
  const registers = deps.registry ? [deps.registry] : [];
  const refusals = new Counter({
    name: 'newsgate_subscription_refusals_total', help: 'Subscriptions refused before they started, by error code.',
    labelNames: ['code'], registers,
  });
  new Gauge({
    name: 'newsgate_subscriptions_open', help: 'Subscriptions open on this instance.', registers,
    collect() { this.set([...perAddress.values()].reduce((sum, count) => sum + count, 0)); },
  });
  const fannedOut = deps.fannedOut;
  if (fannedOut) {
    new Gauge({
      name: 'newsgate_subscriptions_fanned_out', registers,
      help: 'Whether other instances\' changes reach this one\'s subscriptions now (1), or only its own (0: Redis is away).',
      collect() { this.set(fannedOut() ? 1 : 0); },
    });
  }

  const server = useServer<Record<string, unknown>, Extra>({
    schema: deps.schema,
    connectionInitWaitTimeout: CONNECTION_INIT_WAIT_MS,
    isProd: deps.production,
    async onConnect(ctx) {
      const { request, socket } = ctx.extra;
      const clientAddress = proxyAddr(request, deps.trustProxy) ?? null;
      const requestId = `ws-${++connections}`;
      const given = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization ?? request.headers.authorization;
      try {
        const viewer = await viewerOf(deps.store, typeof given === 'string' ? given : undefined);
        ctx.extra.connection = { viewer, clientAddress, open: new Set(), requestId };
        return true;
      } catch (error) {
        if (isStoreFault(error)) {
          log.warn({ err: error, requestId }, 'content store fault while checking a WebSocket client\'s API key');
          socket.close(CloseCode.InternalServerError, new StoreFaultError(error).message.slice(0, 120));
          return false;
        }
        if (!(error instanceof UnauthenticatedError)) throw error;
        const refusal = await deps.rateLimiter?.({
          contextValue: { viewer: PUBLIC_VIEWER, clientAddress, requestId, log } as Context, operationName: null, cost: FAILED_KEY_POINTS,
        });
        socket.close(UNAUTHENTICATED_CLOSE, (refusal ?? error).message.slice(0, 120));
        return false;
      }
    },
    async onSubscribe(ctx, id, payload) {
      const connection = ctx.extra.connection!;
      const refuse = (error: GraphQLError) => {
        refusals.inc({ code: String(error.extensions.code ?? 'UNKNOWN') });
        return [error];
      };
      let document: DocumentNode;
      try {
        document = parse(payload.query, parseOptions);
      } catch (error) {
        const syntax = error as GraphQLError;
        const formatted = labelTokenLimit({ message: syntax.message, extensions: { code: 'GRAPHQL_PARSE_FAILED' } });
        return refuse(new GraphQLError(formatted.message, { extensions: formatted.extensions }));
      }
      if (deps.trustedDocuments && !deps.trustedDocuments.has(createHash('sha256').update(payload.query).digest('hex'))) {
        return refuse(untrustedDocumentError());
      }
      const invalid = validate(deps.schema, document);
      if (invalid.length > 0) {
        refusals.inc({ code: 'GRAPHQL_VALIDATION_FAILED' });
        return invalid.map((error) => new GraphQLError(error.message, { nodes: error.nodes, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }));
      }
      const operation = getOperationAST(document, payload.operationName);
      if (!operation || operation.operation !== 'subscription') {
        return refuse(new GatewayError(ErrorCode.BAD_REQUEST, { reason: 'only subscriptions are served over WebSocket: send queries and mutations over HTTP to the same URL' }));
      }
      const contextValue = createContext(deps.context, `${connection.requestId}:${id}`, connection.viewer, connection.clientAddress);
      const over = subscriptionLimitRefusal(connection, perAddress, deps.subscriptionLimits);
      if (over) return refuse(over);
      // The slot is taken before the rate limiter is awaited: subscribe messages sent together are
      // handled concurrently, and must not all pass the count.
      reserve(connection, id);
      const refusal = await deps.operationLimits.refusal({
        schema: deps.schema, document, operation, variables: payload.variables ?? undefined,
        operationName: payload.operationName ?? null, contextValue,
      });
      if (refusal) {
        release(connection, id);
        return refuse(refusal);
      }
      return {
        schema: deps.schema, document, operationName: payload.operationName, variableValues: payload.variables, contextValue,
      } satisfies ExecutionArgs;
    },
    subscribe: (args) => subscribeWithFreshContexts(args, (event) => {
      const { viewer, clientAddress, requestId } = args.contextValue as Context;
      return createContext(deps.context, `${requestId}:${event}`, viewer, clientAddress);
    }),
    onNext(_ctx, _id, _payload, _args, result) {
      if (!result.errors) return undefined;
      return { ...result, errors: result.errors.map((error) => deps.formatError(error.toJSON(), error)) };
    },
    onError(_ctx, _id, _payload, errors) {
      return errors.map((error) => deps.formatError(error.toJSON(), error));
    },
    onComplete(ctx, id) {
      if (ctx.extra.connection) release(ctx.extra.connection, id);
    },
    onClose(ctx) {
      const connection = ctx.extra.connection;
      if (connection) for (const id of [...connection.open]) release(connection, id);
    },
  }, wss);

  return {
    async serverWillStart() {
      return {
        async drainServer() {
          await server.dispose();
        },
      };
    },
  };
}

/** SUBSCRIPTION_LIMIT_EXCEEDED when one more subscription would take the connection or its address past its limit. */
function subscriptionLimitRefusal(connection: Connection, perAddress: Map<string, number>, limits: SubscriptionLimits): GraphQLError | undefined {
  const address = perAddress.get(addressKey(connection.clientAddress)) ?? 0;
  const [held, limit, holder] = connection.open.size >= limits.perConnection
    ? [connection.open.size, limits.perConnection, 'this connection']
    : address >= limits.perAddress ? [address, limits.perAddress, 'your address'] : [];
  if (held === undefined) return undefined;
  return new GatewayError(ErrorCode.SUBSCRIPTION_LIMIT_EXCEEDED, { holder: holder!, held, limit: limit! }, { extensions: { limit } });
}

/**
 * graphql's `subscribe`, except that each event is executed with a context of its own from
 * `contextFor` (graphql's would execute every event with the one given at the start: one set of
 * loaders, and their memo, for the subscription's whole life).
 */
async function subscribeWithFreshContexts(args: ExecutionArgs, contextFor: (event: number) => Context)
  : Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
  const source = await createSourceEventStream(args);
  if (!(Symbol.asyncIterator in source)) return source;
  const events = source[Symbol.asyncIterator]() as AsyncIterator<unknown>;
  let event = 0;
  // Not an async generator: its `return` would wait for the event it is waiting for, so a client's
  // `complete` could hang until the region changes; this one ends the source at once.
  const results: AsyncIterableIterator<ExecutionResult> = {
    async next() {
      const next = await events.next();
      if (next.done) return { value: undefined, done: true };
      event += 1;
      return { value: await execute({ ...args, rootValue: next.value, contextValue: contextFor(event) }), done: false };
    },
    async return() {
      await events.return?.();
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]: () => results,
  };
  return results;
}

/**
 * The Apollo plugin that refuses a subscription sent over HTTP (Apollo would run it as a query, and
 * fail) with BAD_REQUEST, saying where subscriptions are served: over WebSocket at the same URL when
 * `served`, nowhere otherwise.
 */
export function subscriptionsOverHttpRefused(served: boolean): ApolloServerPlugin<Context> {
  const reason = served
    ? 'subscriptions are served over WebSocket at this same URL (the graphql-transport-ws protocol of graphql-ws), not over HTTP'
    : 'this gateway does not serve subscriptions (SUBSCRIPTIONS=false)';
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation }) {
          if (operation?.operation === 'subscription') throw new GatewayError(ErrorCode.BAD_REQUEST, { reason }, { refusal: true });
        },
      };
    },
  };
}
