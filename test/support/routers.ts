import http from 'node:http';
import { ApolloGateway, IntrospectAndCompose, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { GraphQLError } from 'graphql';
import { composeSupergraph, type SubgraphEndpoint } from '../../tools/supergraph/compose';
import { createHiveRouter } from '../../tools/supergraph/hive-router';
import { freePort } from './processes';

/** A federation router in front of subgraphs, on a loopback port of its own. */
export interface TestRouter {
  /** Its GraphQL endpoint. */
  url: string;
  stop(): Promise<void>;
}

/** Starts a router over `subgraphs`; each subgraph's `headers` go with every request the router sends it. */
export type StartRouter = (subgraphs: readonly SubgraphEndpoint[]) => Promise<TestRouter>;

/**
 * Hive Gateway's runtime, in this process, over the supergraph The Guild's composer makes of the
 * subgraphs: configured as `npm run supergraph` configures it (tools/supergraph/hive-router.ts),
 * its playground only when asked for.
 */
export async function startHiveRouter(
  subgraphs: readonly SubgraphEndpoint[], options: { playground?: boolean } = {},
): Promise<TestRouter> {
  const router = createHiveRouter({
    supergraphSdl: await composeSupergraph(subgraphs),
    subgraphHeaders: Object.fromEntries(subgraphs.map(({ name, headers }) => [name, headers ?? {}])),
    playground: options.playground,
    logLevel: false,
  });
  const server = http.createServer(router);
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await router.dispose();
    },
  };
}

/**
 * Apollo's `ApolloGateway` behind an ApolloServer, composing with Apollo's own composer from each
 * subgraph's `_service` (IntrospectAndCompose); every request to a subgraph, `_service` included,
 * carries that subgraph's headers (`willSendRequest`).
 */
export const startApolloRouter: StartRouter = async (subgraphs) => {
  const headersOf = new Map(subgraphs.map(({ name, headers }) => [name, headers ?? {}]));
  const gateway = new ApolloGateway({
    supergraphSdl: new IntrospectAndCompose({ subgraphs: subgraphs.map(({ name, url }) => ({ name, url })) }),
    buildService: ({ name, url }) => new RemoteGraphQLDataSource({
      url,
      willSendRequest({ request }) {
        for (const [header, value] of Object.entries(headersOf.get(name!) ?? {})) request.http?.headers.set(header, value);
      },
      // Left alone, a subgraph that cannot be reached surfaces as its URL's fetch error, with no name
      // and no code but INTERNAL_SERVER_ERROR.
      didEncounterError(error: Error): never {
        throw new GraphQLError(error.message, { originalError: error, extensions: { code: 'SUBREQUEST_HTTP_ERROR', serviceName: name } });
      },
    }),
  });
  const server = new ApolloServer({ gateway, includeStacktraceInErrorResponses: false });
  const { url } = await startStandaloneServer(server, { listen: { port: await freePort(), host: '127.0.0.1' } });
  return { url, stop: () => server.stop() };
};
