import type { ServerResponse } from 'node:http';
import type { ApolloServerPlugin } from '@apollo/server';
import type { ErrorRequestHandler } from 'express';
import type { Context } from '../context';
import { ERRORS, ErrorCode, type ErrorSpec, MASKED_MESSAGE, specOf } from '../errors';
import type { Logger } from '../logger';

/**
 * Answers a request that never reached Apollo Server (a body it could not read, a body too large)
 * the way Apollo answers one it refused: a GraphQL-style JSON body `{ errors: [{ message,
 * extensions: { code } }] }` with the catalogue's status for `code` (and for a retryable code
 * `extensions.retryable` and its `Retry-After`), so every client parses every refusal the same way.
 * Never includes a stack trace.
 */
export function sendGraphQLError(res: ServerResponse, code: ErrorCode, message: string): void {
  const spec: ErrorSpec = ERRORS[code];
  res.writeHead(spec.status, {
    'content-type': 'application/json; charset=utf-8',
    ...(spec.retryAfterSeconds === undefined ? {} : { 'retry-after': String(spec.retryAfterSeconds) }),
  });
  res.end(JSON.stringify({ errors: [{ message, extensions: spec.retryable ? { code, retryable: true } : { code } }] }));
}

/**
 * The status of an answer whose operation ran and raised errors (it holds `data`, maybe null): the
 * highest the catalogue gives its codes while resolving (200 when none says otherwise, as GraphQL
 * over HTTP asks), with the catalogue's `Retry-After` for it. An answer refused before the
 * operation ran keeps the status its error carried (`GatewayError`'s `refusal`, or Apollo Server's own).
 */
export function errorStatusPlugin(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          const result = response.body.kind === 'single' ? response.body.singleResult : response.body.initialResult;
          if (result.data === undefined || !result.errors?.length) return;
          let status = 200;
          let retryAfterSeconds: number | undefined;
          for (const error of result.errors) {
            const spec = specOf(error.extensions?.code);
            const whileResolving = spec ? spec.whileResolving ?? spec.status : 200;
            if (whileResolving > status) {
              status = whileResolving;
              retryAfterSeconds = spec?.retryAfterSeconds;
            }
          }
          response.http.status = status;
          if (retryAfterSeconds !== undefined) response.http.headers.set('retry-after', String(retryAfterSeconds));
        },
      };
    },
  };
}

/**
 * The last Express error handler: anything thrown that no handler before it answered becomes a
 * masked INTERNAL_SERVER_ERROR, logged whole with the request id; never Express's HTML page,
 * never a stack trace. A response already under way is cut off instead (headers are gone).
 */
export function lastResortErrorHandler(log: Logger): ErrorRequestHandler {
  return (error, req, res, next) => {
    (req.log ?? log).error({ err: error }, 'unhandled error in the HTTP layer');
    if (res.headersSent) {
      next(error);
      return;
    }
    sendGraphQLError(res, ErrorCode.INTERNAL_SERVER_ERROR, MASKED_MESSAGE);
  };
}
