import { PGlite } from '@electric-sql/pglite';
import type { Db, Queryable, QueryResult } from './db';

/**
 * The embedded adapter: PostgreSQL compiled to WebAssembly, in this process. In memory when
 * `dataDir` is undefined, otherwise persisted in that directory. Starting one takes seconds.
 *
 * It has one session and no network: no connection can be lost, lanes and pools mean nothing, and
 * statements run one at a time. Statement timeouts are not applied (a statement blocks the process
 * while it runs, so a timer could not end it); the request deadline still bounds what a client waits.
 */
export class PgliteDb implements Db {
  readonly engine = 'pglite' as const;

  private constructor(private readonly pg: PGlite) {}

  /**
   * `snapshot`: a data directory from `dumpDataDir` to start an in-memory database from (./snapshot.ts);
   * ignored with `dataDir`, whose own contents win.
   */
  static async open(dataDir?: string, snapshot?: Blob): Promise<PgliteDb> {
    return new PgliteDb(await PGlite.create(dataDir, snapshot && !dataDir ? { loadDataDir: snapshot } : {}));
  }

  /** The whole data directory as an uncompressed tarball, for `open`'s `snapshot`. */
  dumpDataDir(): Promise<Blob> {
    return this.pg.dumpDataDir('none');
  }

  query<Row>(sql: string, params: unknown[] = []): Promise<QueryResult<Row>> {
    return this.pg.query<Row>(sql, params);
  }

  reads(): Queryable {
    return this;
  }

  probe<Row>(sql: string, params: unknown[] = []): Promise<QueryResult<Row>> {
    return this.query<Row>(sql, params);
  }

  async exec(sql: string): Promise<void> {
    await this.pg.exec(sql);
  }

  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.pg.transaction((tx) => work({ query: (sql, params = []) => tx.query(sql, params) }));
  }

  close(): Promise<void> {
    return this.pg.close();
  }
}
