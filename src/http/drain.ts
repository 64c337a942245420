import type http from 'node:http';
import type { ApolloServerPlugin } from '@apollo/server';

/** How often idle keep-alive connections are closed while draining, in milliseconds. */
const SWEEP_MS = 50;

/**
 * Apollo's drain step for the gateway's `http.Server`, with Node's own connection bookkeeping:
 * `close()` stops accepting connections and closes the idle keep-alive ones at once; connections
 * that finish their last response while draining are closed by a sweep; it resolves once every
 * connection is gone, and cuts those still busy after `gracePeriodMs`. Apollo's
 * `ApolloServerPluginDrainHttpServer` does the same by hanging a listener on every request, which
 * costs about a tenth of a cached answer's throughput (see the README, "Performance").
 */
export function drainHttpServer(httpServer: http.Server, gracePeriodMs = 10_000): ApolloServerPlugin {
  return {
    async serverWillStart() {
      return {
        async drainServer() {
          const closed = new Promise<void>((resolve) => { httpServer.close(() => resolve()); });
          const sweep = setInterval(() => httpServer.closeIdleConnections(), SWEEP_MS);
          const deadline = setTimeout(() => httpServer.closeAllConnections(), gracePeriodMs);
          try {
            await closed;
          } finally {
            clearInterval(sweep);
            clearTimeout(deadline);
          }
        },
      };
    },
  };
}
