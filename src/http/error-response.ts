import type { ServerResponse } from 'node:http';
import type { ErrorRequestHandler } from 'express';
import { ErrorCode, MASKED_MESSAGE } from '../errors';
import type { Logger } from '../logger';

/**
 * Answers a request that never reached Apollo Server (a body it could not read, a body too large)
 * the way Apollo answers one it refused: a GraphQL-style JSON body `{ errors: [{ message,
 * extensions: { code } }] }` with `status`, so every client parses every refusal the same way. Never
 * includes a stack trace.
 */
export function sendGraphQLError(res: ServerResponse, status: number, code: ErrorCode, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify({ errors: [{ message, extensions: { code } }] }));
}

/**
 * The last Express error handler: anything thrown that no handler before it answered becomes a
 * masked INTERNAL_SERVER_ERROR (500), logged whole with the request id; never Express's HTML page,
 * never a stack trace. A response already under way is cut off instead (headers are gone).
 */
export function lastResortErrorHandler(log: Logger): ErrorRequestHandler {
  return (error, req, res, next) => {
    (req.log ?? log).error({ err: error }, 'unhandled error in the HTTP layer');
    if (res.headersSent) {
      next(error);
      return;
    }
    sendGraphQLError(res, 500, ErrorCode.INTERNAL_SERVER_ERROR, MASKED_MESSAGE);
  };
}
