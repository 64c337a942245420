import express, { type ErrorRequestHandler, type Request, type RequestHandler } from 'express';
import { ErrorCode, messageOf } from '../errors';
import { sendGraphQLError } from './error-response';

/** How large a request body may be, in bytes, after any content encoding is undone. */
export const DEFAULT_BODY_LIMIT_BYTES = 102_400;

/** The same for a request with an editor's or admin's key: room for a raw page sent to `ingestPage`. */
export const DEFAULT_EDITOR_BODY_LIMIT_BYTES = 8 * 2 ** 20;

/** What a client is told when its body is not a JSON object (or array). */
export const NOT_JSON_MESSAGE = 'the request body is not a JSON object: send {"query": "...", "variables": {...}}';

/** body-parser's errors carry an HTTP status, and most a `type` naming what went wrong. */
interface BodyParserError {
  type?: string;
  status?: number;
  limit?: number;
}

/** What a client is told for each body-parser failure; any other 4xx is a BAD_REQUEST. */
const REFUSALS: Record<string, { code: ErrorCode; message: (error: BodyParserError) => string }> = {
  'entity.too.large': {
    code: ErrorCode.BODY_SIZE_LIMIT_EXCEEDED, message: (error) => messageOf(ErrorCode.BODY_SIZE_LIMIT_EXCEEDED, { limit: String(error.limit) }),
  },
  'entity.parse.failed': { code: ErrorCode.BAD_REQUEST, message: () => NOT_JSON_MESSAGE },
  'charset.unsupported': { code: ErrorCode.UNSUPPORTED_MEDIA_TYPE, message: () => 'the request body must be UTF-8' },
  'encoding.unsupported': {
    code: ErrorCode.UNSUPPORTED_MEDIA_TYPE, message: () => 'unsupported Content-Encoding: send identity, gzip, deflate or br',
  },
};

/**
 * Parses JSON request bodies of at most `limitBytes` (an object or an array, as body-parser's
 * strict mode allows), then turns every failure to read one into a GraphQL-style JSON error (see
 * `sendGraphQLError`) instead of Express's HTML error page: BODY_SIZE_LIMIT_EXCEEDED for a body
 * too large, UNSUPPORTED_MEDIA_TYPE for a charset or encoding it does not take, BAD_REQUEST for any
 * other body it cannot read (not JSON, not decompressible, cut short), each with the catalogue's
 * status. Errors without a 4xx status are passed on.
 * Nothing is parsed, nor any store touched, for a refused body; `onRefuse` hears each refusal's code
 * (for the metrics). Mount both handlers, in order.
 */
export function jsonBody(
  limitBytes = DEFAULT_BODY_LIMIT_BYTES, onRefuse: (code: ErrorCode) => void = () => undefined,
): [RequestHandler, ErrorRequestHandler] {
  const refuseUnreadableBody: ErrorRequestHandler = (error: BodyParserError, _req, res, next) => {
    const refusal = error.type ? REFUSALS[error.type] : undefined;
    if (refusal) {
      onRefuse(refusal.code);
      sendGraphQLError(res, refusal.code, refusal.message(error));
    } else if (error.status && error.status >= 400 && error.status < 500) {
      // Also a body that does not decompress (a zlib error body-parser passes on with status 400).
      onRefuse(ErrorCode.BAD_REQUEST);
      sendGraphQLError(res, ErrorCode.BAD_REQUEST, 'the request body could not be read: check its Content-Encoding and Content-Length');
    } else {
      next(error);
    }
  };
  return [express.json({ limit: limitBytes }), refuseUnreadableBody];
}

/**
 * `jsonBody` with two limits: `editorBytes` for a request whose key `isEditor` says holds an editor's
 * (or admin's) role, `publicBytes` for any other (no key, or a key that fails: its error comes later,
 * from the context). The key is checked before the body is read, so a larger body is only ever read
 * for a valid key.
 */
export function jsonBodyByRole(
  limits: { publicBytes: number; editorBytes: number }, isEditor: (req: Request) => Promise<boolean>,
  onRefuse: (code: ErrorCode) => void = () => undefined,
): [RequestHandler, ErrorRequestHandler] {
  const [publicBody, refuseUnreadableBody] = jsonBody(limits.publicBytes, onRefuse);
  const [editorBody] = jsonBody(limits.editorBytes, onRefuse);
  const byRole: RequestHandler = (req, res, next) => {
    if (!req.headers.authorization) return publicBody(req, res, next);
    isEditor(req).catch(() => false).then((editor) => (editor ? editorBody : publicBody)(req, res, next), next);
  };
  return [byRole, refuseUnreadableBody];
}
