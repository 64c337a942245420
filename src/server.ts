import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import cors from 'cors';
import express from 'express';
import type { GraphQLFormattedError } from 'graphql';
import { viewerOf } from './auth/api-keys';
import type { Config } from './config';
import { createContext, type Context } from './context';
import { ErrorCode, MASKED_MESSAGE, isExpected } from './errors';
import type { Logger } from './logger';
import { buildSchema } from './schema';
import type { ContentStore } from './store/store';

export interface GatewayDependencies {
  config: Pick<Config, 'pagination' | 'production'>;
  store: ContentStore;
  log: Logger;
}

export interface Gateway {
  app: express.Express;
  httpServer: http.Server;
  apollo: ApolloServer<Context>;
  /** Starts listening; resolves to the URL of the GraphQL endpoint. */
  listen(port: number, host?: string): Promise<string>;
  /** Stops taking requests and resolves once those in flight have been answered. */
  stop(): Promise<void>;
}

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** The caller's request id when it is a sane token, a fresh one otherwise. */
function requestIdOf(header: string | string[] | undefined): string {
  return typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
}

/** Logs every error the gateway did not raise on purpose, with the request id. */
function unexpectedErrorLogger(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ contextValue, errors }) {
          for (const error of errors) {
            const original = unwrapResolverError(error);
            if (!isExpected(original) && !isExpected(error)) {
              contextValue.log.error({ err: original, path: error.path }, 'unexpected error while resolving');
            }
          }
        },
      };
    },
  };
}

/**
 * Replaces errors the gateway did not raise on purpose (store failures, bugs) with a masked
 * INTERNAL_SERVER_ERROR; coded errors (bad input, validation, parse errors) pass unchanged.
 */
export function maskUnexpected(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  if (isExpected(original) || (isExpected(error) && original === error)) return formatted;
  return {
    message: MASKED_MESSAGE,
    locations: formatted.locations,
    path: formatted.path,
    extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
  };
}

/** Builds the HTTP server with the GraphQL endpoint at /graphql. Nothing listens until `listen`. */
export async function createGateway({ config, store, log }: GatewayDependencies): Promise<Gateway> {
  const app = express();
  app.disable('x-powered-by');
  const httpServer = http.createServer(app);
  const apollo = new ApolloServer<Context>({
    schema: buildSchema(),
    formatError: maskUnexpected,
    includeStacktraceInErrorResponses: !config.production,
    introspection: true,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginLandingPageDisabled(),
      unexpectedErrorLogger(),
    ],
    logger: log,
  });
  await apollo.start();

  app.use(
    '/graphql',
    cors<cors.CorsRequest>(),
    express.json({ limit: '100kb' }),
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        const requestId = requestIdOf(req.headers['x-request-id']);
        res.setHeader('x-request-id', requestId);
        const viewer = await viewerOf(store, req.headers.authorization);
        return createContext({ store, pagination: config.pagination, log }, requestId, viewer);
      },
    }),
  );

  return {
    app,
    httpServer,
    apollo,
    listen(port, host) {
      return new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => {
          const { port: bound } = httpServer.address() as AddressInfo;
          resolve(`http://${host === '0.0.0.0' || !host ? 'localhost' : host}:${bound}/graphql`);
        });
      });
    },
    stop: () => apollo.stop(),
  };
}
