import type { RequestListener } from 'node:http';
import { GraphQLError } from 'graphql';
import { type HivePlugin, servePlaygroundAssets, supergraphPlaygroundPage } from './playground';

/**
 * The part of `@graphql-hive/gateway-runtime` used here, typed by hand: its typings (through
 * graphql-yoga's) redeclare graphql's `GraphQLErrorExtensions.http` with headers as a plain record,
 * which breaks every `GraphQLError` newsgate builds with Apollo's `HeaderMap` once any file of the
 * program imports them. So the package is loaded untyped (see its index.d.ts for the whole API).
 */
interface HiveGatewayRuntime extends RequestListener {
  dispose(): Promise<void> | void;
}
interface HiveGatewayConfig {
  supergraph: string;
  transportEntries: Record<string, { headers: [string, string][] }>;
  graphqlEndpoint: string;
  landingPage: boolean;
  graphiql: boolean;
  renderGraphiQL?: () => Promise<string>;
  plugins: () => HivePlugin[];
  maskedErrors: { maskError: (error: unknown, message: string) => Error; errorMessage: string };
  logging: string | false;
}
const { createGatewayRuntime } = require('@graphql-hive/gateway-runtime') as {
  createGatewayRuntime(config: HiveGatewayConfig): HiveGatewayRuntime;
};

export interface HiveRouterOptions {
  /** The composed supergraph (see ./compose.ts). */
  supergraphSdl: string;
  /**
   * Headers sent with every request to a subgraph, by the subgraph's name in the supergraph: how
   * the router proves itself to newsgate (`newsgate-subgraph-secret`).
   */
  subgraphHeaders?: Record<string, Record<string, string>>;
  /** GraphiQL at the endpoint for browsers, served offline (./playground.ts). Default: off. */
  playground?: boolean;
  /** Hive's own log. Default `warn`. */
  logLevel?: 'debug' | 'info' | 'warn' | 'error' | false;
}

/**
 * Errors as clients see them. A subgraph that failed keeps its message, `code` and `serviceName`
 * (so a client can tell missing images from a missing article) but not the request the router sent
 * it. Any other error is masked unless it was made as a GraphQL error (the router's validation, a
 * subgraph's own answer), as Hive's default masking does.
 */
function maskError(error: unknown, message: string): Error {
  if (error instanceof GraphQLError && typeof error.extensions.serviceName === 'string') {
    const { request: _sentRequest, ...extensions } = error.extensions;
    return new GraphQLError(error.message, { nodes: error.nodes, path: error.path, extensions });
  }
  if (error instanceof GraphQLError && (!error.originalError || error.originalError instanceof GraphQLError)) return error;
  const path = error instanceof GraphQLError ? error.path : undefined;
  return new GraphQLError(message, { path, extensions: { code: 'INTERNAL_SERVER_ERROR' } });
}

/**
 * Hive Gateway's runtime over `supergraphSdl`, answering at `/graphql`: a fetch handler, served by
 * `http.createServer(router)`; `router.dispose()` stops it. Its landing page is off (it loads
 * scripts from a CDN) and so is its GraphiQL, replaced by ours when `playground` is on.
 */
export function createHiveRouter(options: HiveRouterOptions): HiveGatewayRuntime {
  const transportEntries = Object.fromEntries(Object.entries(options.subgraphHeaders ?? {})
    .map(([subgraph, headers]) => [subgraph, { headers: Object.entries(headers) }]));
  return createGatewayRuntime({
    supergraph: options.supergraphSdl,
    transportEntries,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    graphiql: Boolean(options.playground),
    ...(options.playground ? { renderGraphiQL: supergraphPlaygroundPage } : {}),
    plugins: () => (options.playground ? [servePlaygroundAssets()] : []),
    maskedErrors: { maskError, errorMessage: 'Unexpected error.' },
    logging: options.logLevel ?? 'warn',
  });
}
