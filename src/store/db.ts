/**
 * The one seam between the content store and a PostgreSQL engine. Both adapters speak the same
 * SQL dialect (PostgreSQL's), so the store above this interface is written once.
 */
export interface QueryResult<Row> {
  rows: Row[];
}

export interface Queryable {
  /** Runs one parameterised statement ($1, $2, ...) in one round-trip to the engine. */
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<Row>>;
}

export interface Db extends Queryable {
  /** Which engine this is, for logs and readiness reports. */
  readonly engine: 'postgres' | 'pglite';
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /**
   * Runs `work` inside one transaction on one connection: committed when it resolves, rolled back
   * when it throws (and the error rethrown).
   */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Releases every connection; further calls fail. */
  close(): Promise<void>;
}
