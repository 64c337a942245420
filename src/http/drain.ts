import type http from 'node:http';
import type { Socket } from 'node:net';
import type { ApolloServerPlugin } from '@apollo/server';

/**
 * How often, while draining, connections are closed that went idle after an answer promising
 * keep-alive (its headers were sent before the drain began), in milliseconds.
 */
const SWEEP_MS = 50;

/**
 * A server connection and the response it is writing, if any: Node's own field, the one its
 * `closeIdleConnections` reads to tell a busy connection from an idle one.
 */
type ServerSocket = Socket & { _httpMessage?: http.ServerResponse | null };

/**
 * Apollo's drain step for the gateway's `http.Server`. From the moment it starts, every answer whose
 * headers have not gone out yet says `Connection: close`, and Node closes its connection once it is
 * sent: answers to the requests in flight, and to requests that arrive on open connections while
 * draining (cached answers too: it runs before every other request listener). Connections are
 * closed as idle, and the listening socket closed, only after the event loop has read what the
 * kernel already holds: Node counts a connection whose next request it has not read yet as idle, and
 * destroying one with unread data resets it (ECONNRESET) instead of answering. Resolves once every
 * connection is gone; those still open after `gracePeriodMs` are cut.
 *
 * Costs nothing per request before the drain (Apollo's `ApolloServerPluginDrainHttpServer` hangs a
 * listener on every request, about a tenth of a cached answer's throughput: see the README,
 * "Performance"); it keeps the set of open connections, to reach the answers in flight.
 */
export function drainHttpServer(httpServer: http.Server, gracePeriodMs = 10_000): ApolloServerPlugin {
  const sockets = new Set<ServerSocket>();
  function forget(this: ServerSocket): void {
    sockets.delete(this);
  }
  httpServer.on('connection', (socket: ServerSocket) => {
    sockets.add(socket);
    socket.on('close', forget);
  });
  const closeIdle = () => httpServer.closeIdleConnections();
  return {
    async serverWillStart() {
      return {
        async drainServer() {
          httpServer.prependListener('request', closeAfterAnswer);
          for (const socket of sockets) {
            const response = socket._httpMessage;
            if (response && !response.headersSent) response.setHeader('connection', 'close');
          }
          const deadline = setTimeout(() => httpServer.closeAllConnections(), gracePeriodMs);
          let sweep: NodeJS.Timeout | undefined;
          try {
            await afterNextPoll();
            const closed = new Promise<void>((resolve) => { httpServer.close(() => resolve()); });
            // Run right after a poll, like the close: see `afterNextPoll`.
            sweep = setInterval(() => setImmediate(closeIdle), SWEEP_MS);
            await closed;
          } finally {
            clearInterval(sweep);
            clearTimeout(deadline);
            httpServer.removeListener('request', closeAfterAnswer);
          }
        },
      };
    },
  };
}

/** Marks an answer as the last on its connection: Node sends `Connection: close` and then closes it. */
function closeAfterAnswer(_request: http.IncomingMessage, response: http.ServerResponse): void {
  response.setHeader('connection', 'close');
}

/**
 * Resolves once the event loop has polled for I/O after this call, in the check phase that follows
 * that poll: every request the kernel had received by the call has then been read (and is being
 * answered), so closing idle connections there can reset only one that arrived in the instants
 * since, the race that HTTP/1.1 keep-alive leaves to clients.
 */
function afterNextPoll(): Promise<void> {
  // An immediate queued by an immediate runs in the next iteration's check phase, after its poll.
  return new Promise((resolve) => { setImmediate(() => setImmediate(resolve)); });
}
