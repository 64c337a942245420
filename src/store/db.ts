/**
 * The one seam between the content store and a PostgreSQL engine. Both adapters speak the same
 * SQL dialect (PostgreSQL's), so the store above this interface is written once.
 *
 * Faults of the database (a lost connection, a wait past its bound) reach callers as the store's
 * own `StoreUnavailableError` and `StoreTimeoutError` (./errors); every other error (a constraint, a
 * syntax error) as the engine raised it.
 */
export interface QueryResult<Row> {
  rows: Row[];
}

export interface Queryable {
  /**
   * Runs one parameterised statement ($1, $2, ...) in one round-trip to the engine. With a `name`,
   * an engine that can prepares the statement once per connection and reuses its plan: the same
   * name must always come with the same text (the engine may refuse another, or run the first).
   */
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[], name?: string): Promise<QueryResult<Row>>;
}

/**
 * The families of reads, by the table they are about. A lane may hold at most half of the read
 * connections (rounded up), so reads of one family stuck behind a lock or a slow plan cannot take
 * every connection from the others.
 */
export const LANES = ['articles', 'authors', 'places', 'figures', 'statistics', 'revisions', 'keys'] as const;
export type Lane = (typeof LANES)[number];

export interface TransactionOptions {
  /**
   * A read-only transaction in this lane, bounded by `timeoutMs` (default: the read timeout) and
   * retried once, whole, on a fresh connection when the connection is lost. Without it: a write,
   * bounded by the write timeout, never retried.
   */
  readLane?: Lane;
  /** The statement timeout of this transaction, in milliseconds (0: none, for migrations). */
  timeoutMs?: number;
}

export interface Db extends Queryable {
  /** Which engine this is, for logs and readiness reports. */
  readonly engine: 'postgres' | 'pglite';
  /**
   * Reads in `lane`: each statement is bounded by the read timeout, waits at most the acquire timeout
   * for a connection, and is retried once on a fresh connection when its connection was lost.
   * (`query` itself is for statements that may write: bounded by the write timeout, never retried.)
   */
  reads(lane: Lane): Queryable;
  /** Runs a script of several statements without parameters (migrations), with no statement timeout. */
  exec(sql: string): Promise<void>;
  /**
   * Runs `work` inside one transaction on one connection: committed when it resolves, rolled back
   * when it throws (and the error rethrown).
   */
  transaction<T>(work: (tx: Queryable) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /**
   * One statement on a connection of its own, kept apart from every pool, with a short timeout: for
   * readiness checks, which must tell "the database answers" from "the pools are busy".
   */
  probe<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<Row>>;
  /** Releases every connection; further calls fail. */
  close(): Promise<void>;
}
