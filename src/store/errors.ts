/**
 * What a write can be refused for, in the store's own terms. The graph turns these into coded
 * GraphQL errors; the store knows nothing of GraphQL.
 */
export type StoreEntity = 'author' | 'location' | 'article' | 'casualtyFigure';

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
