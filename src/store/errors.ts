/**
 * What a write can be refused for, in the store's own terms. The graph turns these into coded
 * GraphQL errors; the store knows nothing of GraphQL.
 */
export type StoreEntity = 'author' | 'location' | 'locationAlias' | 'article' | 'casualtyFigure';

/** The row to change does not exist (or is not visible). */
export class NotFoundError extends Error {
  constructor(readonly entity: StoreEntity, readonly id: string) {
    super(`no ${entity} with id ${id}`);
    this.name = 'NotFoundError';
  }
}

/** Someone else changed the row after the caller read it. */
export class VersionConflictError extends Error {
  constructor(readonly entity: StoreEntity, readonly id: string, readonly expected: number, readonly actual: number) {
    super(`${entity} ${id} is at version ${actual}, not ${expected}: someone else changed it since you read it`);
    this.name = 'VersionConflictError';
  }
}

/** The row is still referred to, so deleting it would break what refers to it. */
export class InUseError extends Error {
  constructor(readonly entity: StoreEntity, readonly id: string, readonly references: Record<string, number>) {
    super(`${entity} ${id} is still referred to by ${Object.entries(references)
      .filter(([, n]) => n > 0).map(([what, n]) => `${n} ${what}`).join(', ')}`);
    this.name = 'InUseError';
  }
}

/** A value that must be unique (a slug, a source URL, an ISO code) is taken. */
export class UniqueViolationError extends Error {
  constructor(readonly field: string, readonly value: unknown) {
    super(`${field} ${JSON.stringify(value)} is already taken`);
    this.name = 'UniqueViolationError';
  }
}

/** A referenced row (an author, a place, a figure) does not exist. */
export class MissingReferenceError extends Error {
  constructor(readonly field: string) {
    super(`${field} refers to something that does not exist`);
    this.name = 'MissingReferenceError';
  }
}

/** A value breaks a rule that only the stored content can check (a place moved under itself). */
export class RuleViolationError extends Error {
  constructor(readonly field: string, readonly rule: string) {
    super(`${field}: ${rule}`);
    this.name = 'RuleViolationError';
  }
}

/**
 * What a store wait ran out of: a statement's own timeout (`statement`), a lock held by someone else
 * (`lock`), a free connection (`connection`), or the request's deadline (`request`).
 */
export type StoreWait = 'statement' | 'lock' | 'connection' | 'request';

/**
 * The database did not answer within a bound: nothing was changed by a read; a write that timed out
 * was rolled back. Retrying later may succeed.
 */
export class StoreTimeoutError extends Error {
  constructor(readonly wait: StoreWait, readonly timeoutMs: number, options?: { cause?: unknown }) {
    super(`the content store did not answer within ${timeoutMs} ms (${WAIT_NAMES[wait]})`, options);
    this.name = 'StoreTimeoutError';
  }
}

const WAIT_NAMES: Record<StoreWait, string> = {
  statement: 'statement timeout',
  lock: 'waiting for a lock',
  connection: 'waiting for a database connection',
  request: 'the request deadline',
};

/**
 * The database cannot be reached, or the connection was lost. `outcomeUnknown` is set when a write's
 * COMMIT was sent and no answer came back: it may or may not have been applied. Otherwise nothing
 * was written. Retrying later may succeed.
 */
export class StoreUnavailableError extends Error {
  constructor(readonly outcomeUnknown = false, options?: { cause?: unknown }) {
    super(outcomeUnknown
      ? 'the connection to the content store was lost while a write was being committed: it may or may not have been applied'
      : 'the content store cannot be reached', options);
    this.name = 'StoreUnavailableError';
  }
}

/** A fault of the database server or the way to it, rather than of the request. */
export type StoreFault = StoreTimeoutError | StoreUnavailableError;

export function isStoreFault(error: unknown): error is StoreFault {
  return error instanceof StoreTimeoutError || error instanceof StoreUnavailableError;
}
