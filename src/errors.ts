import { HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { type StoreFault, StoreTimeoutError, StoreUnavailableError } from './store/errors';

/**
 * The error codes clients can rely on, in `errors[].extensions.code`. Names follow Apollo Server's
 * own codes where they overlap. What each means, its HTTP status and whether to retry: `ERRORS`.
 */
export enum ErrorCode {
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  NOT_FOUND = 'NOT_FOUND',
  CONFLICT = 'CONFLICT',
  FIGURES_PENDING_REVIEW = 'FIGURES_PENDING_REVIEW',
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  FORBIDDEN = 'FORBIDDEN',
  STORE_TIMEOUT = 'STORE_TIMEOUT',
  STORE_UNAVAILABLE = 'STORE_UNAVAILABLE',
  INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR',
  BAD_REQUEST = 'BAD_REQUEST',
  UNSUPPORTED_MEDIA_TYPE = 'UNSUPPORTED_MEDIA_TYPE',
  BODY_SIZE_LIMIT_EXCEEDED = 'BODY_SIZE_LIMIT_EXCEEDED',
  TOKEN_LIMIT_EXCEEDED = 'TOKEN_LIMIT_EXCEEDED',
  DEPTH_LIMIT_EXCEEDED = 'DEPTH_LIMIT_EXCEEDED',
  ALIAS_LIMIT_EXCEEDED = 'ALIAS_LIMIT_EXCEEDED',
  DIRECTIVE_LIMIT_EXCEEDED = 'DIRECTIVE_LIMIT_EXCEEDED',
  COST_LIMIT_EXCEEDED = 'COST_LIMIT_EXCEEDED',
  DOCUMENT_NOT_TRUSTED = 'DOCUMENT_NOT_TRUSTED',
  RATE_LIMITED = 'RATE_LIMITED',
  SUBSCRIPTION_LIMIT_EXCEEDED = 'SUBSCRIPTION_LIMIT_EXCEEDED',
  SOURCE_UNAVAILABLE = 'SOURCE_UNAVAILABLE',
  SUBGRAPH_SECRET_REQUIRED = 'SUBGRAPH_SECRET_REQUIRED',
  OVERLOADED = 'OVERLOADED',
}

/** What the catalogue says of one code. docs/errors.md lists it; a test keeps the two equal. */
export interface ErrorSpec {
  /** The HTTP status of an answer that carries this error. */
  status: number;
  /**
   * The status when a field raises it while the operation runs, if not `status`: the answer then
   * holds data beside the error, and GraphQL over HTTP keeps such an answer 200.
   */
  whileResolving?: number;
  /** Whether the same request may succeed sent again unchanged; `extensions.retryable` says so. */
  retryable: boolean;
  /** The `Retry-After` the answer carries, in seconds, when it is always the same. */
  retryAfterSeconds?: number;
  /** The message, with `{name}` for each value the raiser fills in. */
  message: string;
}

/**
 * The catalogue: every code the gateway raises, with its status, whether it is retryable and its
 * message. Errors are made from it (`GatewayError`, `sendGraphQLError`), never with a status or a
 * code of their own. Apollo Server's own codes (GRAPHQL_PARSE_FAILED, GRAPHQL_VALIDATION_FAILED,
 * PERSISTED_QUERY_NOT_FOUND, ...) keep Apollo's statuses and are not listed here.
 */
export const ERRORS = {
  [ErrorCode.BAD_USER_INPUT]: { status: 400, whileResolving: 200, retryable: false, message: '{argument}: {rule}' },
  [ErrorCode.NOT_FOUND]: { status: 200, retryable: false, message: 'no {what} with id {id}' },
  [ErrorCode.CONFLICT]: { status: 200, retryable: false, message: '{reason}' },
  [ErrorCode.FIGURES_PENDING_REVIEW]: {
    status: 200, retryable: false,
    message: 'article {articleId} has casualty figures awaiting review ({figureIds}): accept, edit or reject each with reviewCasualtyFigure before publishing',
  },
  [ErrorCode.UNAUTHENTICATED]: { status: 401, retryable: false, message: '{reason}' },
  [ErrorCode.FORBIDDEN]: { status: 200, retryable: false, message: '{reason}' },
  [ErrorCode.STORE_TIMEOUT]: { status: 503, retryable: true, retryAfterSeconds: 1, message: '{fault}: {advice}' },
  [ErrorCode.STORE_UNAVAILABLE]: { status: 503, retryable: true, retryAfterSeconds: 1, message: '{fault}: {advice}' },
  [ErrorCode.INTERNAL_SERVER_ERROR]: {
    status: 500, whileResolving: 200, retryable: false, message: 'Internal server error. Quote the request id to the operators.',
  },
  [ErrorCode.BAD_REQUEST]: { status: 400, retryable: false, message: '{reason}' },
  [ErrorCode.UNSUPPORTED_MEDIA_TYPE]: { status: 415, retryable: false, message: '{reason}' },
  [ErrorCode.BODY_SIZE_LIMIT_EXCEEDED]: {
    status: 400, retryable: false,
    message: 'the request body is larger than {limit} bytes: send variables instead of inlined data, or split the request',
  },
  [ErrorCode.TOKEN_LIMIT_EXCEEDED]: {
    status: 400, retryable: false, message: 'the document has more than {limit} tokens: send a smaller operation, with values in variables',
  },
  [ErrorCode.DEPTH_LIMIT_EXCEEDED]: { status: 400, retryable: false, message: '{exceeded} Fetch deeper data with a second request.' },
  [ErrorCode.ALIAS_LIMIT_EXCEEDED]: { status: 400, retryable: false, message: '{exceeded} Split the operation into several requests.' },
  [ErrorCode.DIRECTIVE_LIMIT_EXCEEDED]: { status: 400, retryable: false, message: '{exceeded} Split the operation.' },
  [ErrorCode.COST_LIMIT_EXCEEDED]: {
    status: 400, retryable: false,
    message: '{exceeded}: ask for fewer items (`first`) or fewer nested lists',
  },
  [ErrorCode.DOCUMENT_NOT_TRUSTED]: {
    status: 400, retryable: false,
    message: 'this gateway runs only trusted documents, and this operation is not one: send an operation from the published manifest',
  },
  [ErrorCode.RATE_LIMITED]: {
    status: 429, retryable: true,
    // One literal, not a sum: the compiler reads the placeholders from its type.
    message: 'rate limit exceeded: {whose} has spent its {limit} points for this {windowSeconds}-second window (an operation costs its estimated cost, at least 1): retry in {retryAfterSeconds} s{advice}',
  },
  [ErrorCode.SUBSCRIPTION_LIMIT_EXCEEDED]: {
    status: 400, retryable: false,
    message: '{holder} already holds {held} subscriptions, the most it may hold at once ({limit}): complete one before starting another',
  },
  // Raised only while resolving, beside the other sources' data; 503 says what it would be for a whole request.
  [ErrorCode.SOURCE_UNAVAILABLE]: {
    status: 503, whileResolving: 200, retryable: true,
    message: 'source "{source}" is unavailable ({reason}) and no recent copy of its items is kept: they are left out; retry later',
  },
  [ErrorCode.SUBGRAPH_SECRET_REQUIRED]: {
    status: 403, retryable: false,
    message: '{fields} answer only a federation router: {advice}',
  },
  [ErrorCode.OVERLOADED]: {
    status: 503, retryable: true, retryAfterSeconds: 1,
    message: 'this instance answers at most {limit} requests at once and {why}: retry in a second',
  },
} as const satisfies Record<ErrorCode, ErrorSpec>;

/** The names between braces in a message template. */
type Placeholders<T extends string> = T extends `${string}{${infer Name}}${infer Rest}` ? Name | Placeholders<Rest> : never;

/** The values a code's message needs, one per placeholder. */
export type MessageValues<C extends ErrorCode> = Record<Placeholders<(typeof ERRORS)[C]['message']>, string | number>;

/** The message of `code` with `values` filled in. */
export function messageOf<C extends ErrorCode>(code: C, values: MessageValues<C>): string {
  return ERRORS[code].message.replace(/\{(\w+)\}/g, (_, name: string) => String((values as Record<string, string | number>)[name]));
}

/** The catalogue's entry for a code a client was sent; undefined for Apollo Server's own codes. */
export function specOf(code: unknown): ErrorSpec | undefined {
  return typeof code === 'string' && Object.hasOwn(ERRORS, code) ? ERRORS[code as ErrorCode] : undefined;
}

/**
 * The `extensions.http` of a refusal: the catalogue's status for `code`, its `Retry-After` if it
 * has a fixed one, and `headers`. Apollo Server answers with it when the error is thrown before the
 * operation runs (from the context factory or a plugin).
 */
function refusalHttp(code: ErrorCode, headers: [string, string][] = []): { status: number; headers: HeaderMap } {
  const spec: ErrorSpec = ERRORS[code];
  const retryAfter: [string, string][] = spec.retryAfterSeconds ? [['retry-after', String(spec.retryAfterSeconds)]] : [];
  return { status: spec.status, headers: new HeaderMap([...retryAfter, ...headers]) };
}

export interface GatewayErrorOptions {
  /** What the client needs besides the code to act on it (the argument, the limit, ...). */
  extensions?: Record<string, unknown>;
  /**
   * Thrown before the operation runs: the answer takes the catalogue's status (see `refusalHttp`),
   * with these headers. Without it the status is decided when the answer is sent (`errorStatusPlugin`).
   */
  refusal?: boolean | { headers: [string, string][] };
  originalError?: Error;
}

/**
 * An error from the catalogue: its code, its message filled in with `values`, `extensions.retryable`
 * when the catalogue says so.
 */
export class GatewayError<C extends ErrorCode = ErrorCode> extends GraphQLError {
  constructor(readonly code: C, values: MessageValues<C>, options: GatewayErrorOptions = {}) {
    const { extensions, refusal, originalError } = options;
    super(messageOf(code, values), {
      originalError,
      extensions: {
        ...extensions,
        code,
        ...(ERRORS[code].retryable ? { retryable: true } : {}),
        ...(refusal ? { http: refusalHttp(code, refusal === true ? [] : refusal.headers) } : {}),
      },
    });
  }
}

/** One broken rule: the input field (a dotted path) and what the rule is. */
export interface Violation {
  field: string;
  message: string;
}

/**
 * An argument outside what the API accepts. `argument` names it, as the client wrote it (a dotted
 * path into input objects); `violations` lists every broken rule when there are several.
 */
export class BadUserInputError extends GatewayError<ErrorCode.BAD_USER_INPUT> {
  constructor(argument: string, message: string, violations: Violation[] = [{ field: argument, message }],
    options: GatewayErrorOptions = {}) {
    super(ErrorCode.BAD_USER_INPUT, { argument, rule: message },
      { ...options, extensions: { ...options.extensions, argument, violations } });
    if (violations.length > 1) {
      this.message = violations.map((v) => messageOf(ErrorCode.BAD_USER_INPUT, { argument: v.field, rule: v.message })).join('; ');
    }
  }

  /** One error for several broken rules; the first names `argument`. */
  static of(violations: Violation[]): BadUserInputError {
    return new BadUserInputError(violations[0].field, violations[0].message, violations);
  }
}

/** The object a mutation names does not exist. */
export class NotFoundError extends GatewayError<ErrorCode.NOT_FOUND> {
  constructor(what: string, id: string) {
    super(ErrorCode.NOT_FOUND, { what, id }, { extensions: { id } });
  }
}

/** Someone else wrote in between: re-read, re-apply, and send the new version. */
export class ConflictError extends GatewayError<ErrorCode.CONFLICT> {
  constructor(message: string, currentVersion: number) {
    super(ErrorCode.CONFLICT, { reason: message }, { extensions: { currentVersion } });
  }
}

/** An article cannot be published while figures proposed for it await an editor's review. */
export class FiguresPendingReviewError extends GatewayError<ErrorCode.FIGURES_PENDING_REVIEW> {
  constructor(articleId: string, figureIds: string[]) {
    super(ErrorCode.FIGURES_PENDING_REVIEW, { articleId, figureIds: figureIds.join(', ') }, { extensions: { articleId, figureIds } });
  }
}

/** No credential, or one that is not valid. Its status is the answer's wherever it is raised. */
export class UnauthenticatedError extends GatewayError<ErrorCode.UNAUTHENTICATED> {
  constructor(message: string) {
    super(ErrorCode.UNAUTHENTICATED, { reason: message }, { refusal: true });
  }
}

/** A valid credential whose role may not do this. */
export class ForbiddenError extends GatewayError<ErrorCode.FORBIDDEN> {
  constructor(message: string) {
    super(ErrorCode.FORBIDDEN, { reason: message });
  }
}

/** The code clients see for a fault of the content store. */
function storeFaultCode(fault: StoreFault): ErrorCode.STORE_TIMEOUT | ErrorCode.STORE_UNAVAILABLE {
  return fault instanceof StoreTimeoutError ? ErrorCode.STORE_TIMEOUT : ErrorCode.STORE_UNAVAILABLE;
}

/**
 * A fault of the content store (./store/errors) as clients see it: STORE_TIMEOUT or
 * STORE_UNAVAILABLE, with what happened to a write, and the catalogue's status and `Retry-After`.
 */
export class StoreFaultError extends GatewayError<ErrorCode.STORE_TIMEOUT | ErrorCode.STORE_UNAVAILABLE> {
  constructor(fault: StoreFault) {
    const code = storeFaultCode(fault);
    const retryAfterSeconds = ERRORS[code].retryAfterSeconds;
    const outcomeUnknown = fault instanceof StoreUnavailableError && fault.outcomeUnknown;
    const advice = outcomeUnknown
      ? 'read it again before you retry it'
      : `nothing was changed; retry in ${retryAfterSeconds} s, and tell the operators if it persists`;
    super(code, { fault: fault.message, advice }, {
      originalError: fault,
      refusal: true,
      extensions: {
        retryAfterSeconds,
        ...(fault instanceof StoreTimeoutError ? { wait: fault.wait, timeoutMs: fault.timeoutMs } : {}),
        ...(outcomeUnknown ? { outcomeUnknown } : {}),
      },
    });
  }
}

/**
 * A remote source could not be asked and no copy of its page is kept (see src/sources/errors.ts):
 * `extensions.source` names it. Raised beside the other sources' data, never instead of it.
 */
export class SourceUnavailableGatewayError extends GatewayError<ErrorCode.SOURCE_UNAVAILABLE> {
  constructor(sourceId: string, reason: string, originalError?: Error) {
    super(ErrorCode.SOURCE_UNAVAILABLE, { source: sourceId, reason }, { originalError, extensions: { source: sourceId } });
  }
}

/** What clients see instead of an error the gateway did not expect. */
export const MASKED_MESSAGE = ERRORS[ErrorCode.INTERNAL_SERVER_ERROR].message;

/** Whether an error was raised on purpose with a code the API documents. */
export function isExpected(error: unknown): boolean {
  return error instanceof GraphQLError && error.extensions?.code !== undefined &&
    error.extensions.code !== ErrorCode.INTERNAL_SERVER_ERROR;
}
