import type http from 'node:http';
import type { Socket } from 'node:net';
import type { ApolloServerPlugin } from '@apollo/server';

/**
 * While draining, the connections idle at a sweep are closed, one sweep every this many
 * milliseconds, the first this long after the drain begins: the idle connections' last call. One
 * idle when the drain begins has often just carried an answer, and its client is about to send the
 * next request on it; a client reusing its connections at full speed does so well within this, and
 * that request is answered (with `Connection: close`) instead of reset.
 */
const SWEEP_MS = 50;

/**
 * A server connection and the response it is writing, if any: Node's own field, the one its
 * `closeIdleConnections` reads to tell a busy connection from an idle one.
 */
type ServerSocket = Socket & { _httpMessage?: http.ServerResponse | null };

/**
 * Apollo's drain step for the gateway's `http.Server`. When it begins, the server stops accepting
 * connections, and every answer whose headers have not gone out yet says `Connection: close`, Node
 * closing its connection once it is sent: answers to the requests in flight, and to requests that
 * arrive on open connections while draining (cached answers too: this runs before every other
 * request listener). Idle connections are closed by a sweep every `SWEEP_MS`, the first that long
 * after the drain begins. Resolves once every connection is gone; those still open after
 * `gracePeriodMs` are cut.
 *
 * A sweep runs right after the event loop has polled for I/O: Node counts a connection whose next
 * request has reached the kernel but not been read as idle, and destroying a connection with unread
 * data resets it (ECONNRESET) instead of answering. What is left is the race of HTTP/1.1 keep-alive:
 * a request that reaches a connection in the instant between that poll and the sweep, or after the
 * connection is closed, is reset.
 *
 * Costs nothing per request before the drain (Apollo's `ApolloServerPluginDrainHttpServer` hangs a
 * listener on every request, too costly for cached answers, see docs/performance.md);
 * it keeps the set of open connections, to reach the answers in flight when the drain begins.
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
          const closed = new Promise<void>((resolve) => { stopAccepting(httpServer, resolve); });
          // The poll between the interval's timer and its immediate reads what the kernel holds.
          const sweep = setInterval(() => setImmediate(closeIdle), SWEEP_MS);
          const deadline = setTimeout(() => httpServer.closeAllConnections(), gracePeriodMs);
          try {
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
 * `server.close(done)` without the closing of idle connections that `http.Server`'s `close()` does
 * at that instant (Node 19 and later): stops accepting connections, and calls `done` once every
 * connection is gone. The idle ones are left to the sweeps, which give them their last call.
 */
function stopAccepting(server: http.Server, done: () => void): void {
  server.closeIdleConnections = () => {};
  try {
    server.close(() => done());
  } finally {
    Reflect.deleteProperty(server, 'closeIdleConnections');
  }
}
