import { Pool, types } from 'pg';
import type { Db, Queryable, QueryResult } from './db';

// Counts and ids are int4 in the schema; keep any int8 that still reaches us (count(*)) a number,
// the way PGlite returns it, so both adapters yield identical records.
types.setTypeParser(types.builtins.INT8, (value) => Number(value));

export interface PostgresOptions {
  connectionString: string;
  /** Schema to put first on the search_path of every connection (tests use one per run). */
  schema?: string;
  /** Most connections the pool opens. */
  maxConnections?: number;
}

/** The PostgreSQL adapter: a `pg` pool. */
export class PostgresDb implements Db {
  readonly engine = 'postgres' as const;
  private readonly pool: Pool;

  constructor(options: PostgresOptions) {
    this.pool = new Pool({
      connectionString: options.connectionString,
      max: options.maxConnections ?? 10,
      options: options.schema ? `-c search_path=${quoteIdent(options.schema)},public` : undefined,
    });
  }

  query<Row>(sql: string, params: unknown[] = []): Promise<QueryResult<Row>> {
    return this.pool.query(sql, params) as unknown as Promise<QueryResult<Row>>;
  }

  async exec(sql: string): Promise<void> {
    await this.pool.query(sql);
  }

  async transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work({
        query: (sql, params = []) => client.query(sql, params) as never,
      });
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}

/** Quotes an SQL identifier (a schema name from configuration). */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
