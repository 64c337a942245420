import { HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { type StoreFault, StoreTimeoutError, StoreUnavailableError } from './store/errors';

/**
 * The error codes clients can rely on, in `errors[].extensions.code`. Names follow Apollo Server's
 * own codes where they overlap.
 */
export enum ErrorCode {
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  NOT_FOUND = 'NOT_FOUND',
  CONFLICT = 'CONFLICT',
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  FORBIDDEN = 'FORBIDDEN',
  /**
   * The content store did not answer within one of its bounds (a statement, a lock, a free
   * connection, the request's deadline). HTTP 503 with `Retry-After`; `extensions.retryable`.
   */
  STORE_TIMEOUT = 'STORE_TIMEOUT',
  /** The content store cannot be reached, or the connection was lost. HTTP 503 with `Retry-After`; `extensions.retryable`. */
  STORE_UNAVAILABLE = 'STORE_UNAVAILABLE',
  INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR',
  // Refused at the HTTP edge before anything runs (src/http/): HTTP 400 unless noted.
  /** The request is not a GraphQL request at all (e.g. a body that is not JSON). */
  BAD_REQUEST = 'BAD_REQUEST',
  /** The request body is larger than the configured limit. HTTP 400. */
  BODY_SIZE_LIMIT_EXCEEDED = 'BODY_SIZE_LIMIT_EXCEEDED',
  TOKEN_LIMIT_EXCEEDED = 'TOKEN_LIMIT_EXCEEDED',
  DEPTH_LIMIT_EXCEEDED = 'DEPTH_LIMIT_EXCEEDED',
  ALIAS_LIMIT_EXCEEDED = 'ALIAS_LIMIT_EXCEEDED',
  DIRECTIVE_LIMIT_EXCEEDED = 'DIRECTIVE_LIMIT_EXCEEDED',
  COST_LIMIT_EXCEEDED = 'COST_LIMIT_EXCEEDED',
  /** Trusted-documents mode is on and the operation is not on the list. */
  DOCUMENT_NOT_TRUSTED = 'DOCUMENT_NOT_TRUSTED',
  /** The client (API key or address) has spent its budget for the window. HTTP 429 with `Retry-After`. */
  RATE_LIMITED = 'RATE_LIMITED',
}

/** One broken rule: the input field (a dotted path) and what the rule is. */
export interface Violation {
  field: string;
  message: string;
}

/**
 * An argument outside what the API accepts. `argument` names it, as the client wrote it (a dotted
 * path into input objects); `violations` lists every broken rule when there are several. `extensions`
 * adds to the error's extensions (`http: { status: 400 }` for a refusal before execution).
 */
export class BadUserInputError extends GraphQLError {
  constructor(argument: string, message: string, violations: Violation[] = [{ field: argument, message }],
    extensions: Record<string, unknown> = {}) {
    super(violations.length > 1 ? violations.map((v) => `${v.field}: ${v.message}`).join('; ') : `${argument}: ${message}`,
      { extensions: { ...extensions, code: ErrorCode.BAD_USER_INPUT, argument, violations } });
  }

  /** One error for several broken rules; the first names `argument`. */
  static of(violations: Violation[]): BadUserInputError {
    return new BadUserInputError(violations[0].field, violations[0].message, violations);
  }
}

/** The object a mutation names does not exist. */
export class NotFoundError extends GraphQLError {
  constructor(what: string, id: string) {
    super(`no ${what} with id ${id}`, { extensions: { code: ErrorCode.NOT_FOUND, id } });
  }
}

/** Someone else wrote in between: re-read, re-apply, and send the new version. */
export class ConflictError extends GraphQLError {
  constructor(message: string, currentVersion: number) {
    super(message, { extensions: { code: ErrorCode.CONFLICT, currentVersion } });
  }
}

/** No credential, or one that is not valid. HTTP 401. */
export class UnauthenticatedError extends GraphQLError {
  constructor(message: string) {
    super(message, { extensions: { code: ErrorCode.UNAUTHENTICATED, http: { status: 401 } } });
  }
}

/** A valid credential whose role may not do this. */
export class ForbiddenError extends GraphQLError {
  constructor(message: string) {
    super(message, { extensions: { code: ErrorCode.FORBIDDEN } });
  }
}

/** How long a client is asked to wait before it retries after a store fault, in seconds (`Retry-After`). */
export const STORE_RETRY_AFTER_SECONDS = 1;

/**
 * A fault of the content store (./store/errors) as clients see it: STORE_TIMEOUT or
 * STORE_UNAVAILABLE, retryable, with what happened to a write. HTTP 503 with `Retry-After`.
 */
export class StoreFaultError extends GraphQLError {
  constructor(fault: StoreFault) {
    const timeout = fault instanceof StoreTimeoutError;
    const outcomeUnknown = fault instanceof StoreUnavailableError && fault.outcomeUnknown;
    const advice = outcomeUnknown
      ? 'read it again before you retry it'
      : `nothing was changed; retry in ${STORE_RETRY_AFTER_SECONDS} s, and tell the operators if it persists`;
    super(`${fault.message}: ${advice}`, {
      originalError: fault,
      extensions: {
        code: timeout ? ErrorCode.STORE_TIMEOUT : ErrorCode.STORE_UNAVAILABLE,
        retryable: true,
        retryAfterSeconds: STORE_RETRY_AFTER_SECONDS,
        ...(timeout ? { wait: fault.wait, timeoutMs: fault.timeoutMs } : {}),
        ...(outcomeUnknown ? { outcomeUnknown } : {}),
        http: { status: 503, headers: new HeaderMap([['retry-after', String(STORE_RETRY_AFTER_SECONDS)]]) },
      },
    });
  }
}

/** What clients see instead of an error the gateway did not expect. */
export const MASKED_MESSAGE = 'Internal server error. Quote the request id to the operators.';

/** Whether an error was raised on purpose with a code the API documents. */
export function isExpected(error: unknown): boolean {
  return error instanceof GraphQLError && error.extensions?.code !== undefined &&
    error.extensions.code !== ErrorCode.INTERNAL_SERVER_ERROR;
}
