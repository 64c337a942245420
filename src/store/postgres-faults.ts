/**
 * Which of `pg`'s errors are faults of the database or the way to it (a timeout, a lost connection),
 * told as the store's errors; every other error is the statement's own. No SQL.
 */
import { StoreTimeoutError, StoreUnavailableError } from './errors';

/** What `pg` rejects a statement with when the client's bound passed first. */
export const CLIENT_GAVE_UP = 'Query read timeout';

/**
 * Server and socket codes meaning the connection is gone or cannot be made (class 08, "connection
 * exception", is matched by its prefix): the server terminated it (57P01: a restart, a failover,
 * `pg_terminate_backend`, `idle_session_timeout`), crashed (57P02), is starting up (57P03) or full
 * (53300), or the socket failed.
 */
const LOST_CONNECTION_CODES = new Set([
  '57P01', '57P02', '57P03', '57P05', '53300', '25P03',
  'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED',
]);

/** What `pg` says when a connection ended under it, or was used after it ended. */
const LOST_CONNECTION_MESSAGES = [
  'Connection terminated', 'Client has encountered a connection error', 'Client was closed and is not queryable',
];

/**
 * The store's error for a fault of the database or the way to it (`timeoutMs`: the bound of the
 * statement that failed; `acquireMs`: of the wait for a connection), or undefined for an error of
 * the statement itself (a constraint, bad SQL), which the caller reports as it is.
 */
export function faultOf(error: unknown, timeoutMs: number, acquireMs: number): StoreTimeoutError | StoreUnavailableError | undefined {
  if (error instanceof StoreTimeoutError || error instanceof StoreUnavailableError) return error;
  const { code, message = '' } = (error ?? {}) as { code?: string; message?: string };
  const cause = { cause: error };
  if (code === '57014' || message === CLIENT_GAVE_UP) return new StoreTimeoutError('statement', timeoutMs, cause);
  if (code === '55P03') return new StoreTimeoutError('lock', timeoutMs, cause);
  if (message === 'timeout exceeded when trying to connect' || message.startsWith('Connection terminated due to connection timeout')) {
    return new StoreTimeoutError('connection', acquireMs, cause);
  }
  if ((code && (LOST_CONNECTION_CODES.has(code) || code.startsWith('08'))) || LOST_CONNECTION_MESSAGES.some((lost) => message.startsWith(lost))) {
    return new StoreUnavailableError(false, cause);
  }
  return undefined;
}
