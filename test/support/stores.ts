import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { Db, Lane, Queryable, TransactionOptions } from '../../src/store/db';
import { migrate } from '../../src/store/migrate';
import { openDb } from '../../src/store/open';
import { quoteIdent } from '../../src/store/postgres';
import { SqlStore } from '../../src/store/sql-store';
import { TEST_DATABASE_URL, postgresAvailable } from './services';

export type Engine = 'pglite' | 'postgres';
export const ENGINES: Engine[] = ['pglite', 'postgres'];

/** A fresh, empty database of one engine: PGlite in memory, or a new PostgreSQL schema. */
export interface TestDb {
  engine: Engine;
  db: CountingDb;
  /** The PostgreSQL schema this test owns (postgres only). */
  schema?: string;
  dispose(): Promise<void>;
}

/**
 * A Db that counts the statements sent through it: each `query` is one round-trip (reads of every
 * lane and statements in transactions included; readiness probes are not counted).
 */
export class CountingDb implements Db {
  queries = 0;
  readonly statements: string[] = [];
  constructor(readonly inner: Db) {}
  get engine() { return this.inner.engine; }
  query<Row>(sql: string, params?: unknown[]) {
    this.record(sql);
    return this.inner.query<Row>(sql, params);
  }
  reads(lane: Lane): Queryable {
    return this.counting(this.inner.reads(lane));
  }
  probe<Row>(sql: string, params?: unknown[]) {
    return this.inner.probe<Row>(sql, params);
  }
  exec(sql: string) { return this.inner.exec(sql); }
  transaction<T>(work: (tx: Queryable) => Promise<T>, options?: TransactionOptions): Promise<T> {
    return this.inner.transaction((tx) => work(this.counting(tx)), options);
  }
  private counting(queryable: Queryable): Queryable {
    return {
      query: <Row>(sql: string, params?: unknown[], name?: string) => {
        this.record(sql);
        return queryable.query<Row>(sql, params, name);
      },
    };
  }
  close() { return this.inner.close(); }
  private record(sql: string) {
    this.queries += 1;
    this.statements.push(sql);
  }
  /** Statements sent since the last reset. */
  reset() { this.queries = 0; this.statements.length = 0; }
}

export function newSchemaName(): string {
  return `ng_test_${process.pid}_${randomBytes(4).toString('hex')}`;
}

/** Drops a test's PostgreSQL schema and everything in it. */
export async function dropSchema(schema: string): Promise<void> {
  const admin = new Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
  } finally {
    await admin.end();
  }
}

/** Opens an empty database of `engine`, unmigrated. */
export async function openTestDb(engine: Engine): Promise<TestDb> {
  if (engine === 'pglite') {
    const db = new CountingDb(await openDb({}));
    return { engine, db, dispose: () => db.close() };
  }
  const schema = newSchemaName();
  const db = new CountingDb(await openDb({ databaseUrl: TEST_DATABASE_URL, databaseSchema: schema }));
  return {
    engine, db, schema,
    async dispose() {
      await db.close();
      await dropSchema(schema);
    },
  };
}

/** A migrated, empty store over a counting Db. */
export async function openTestStore(engine: Engine): Promise<TestDb & { store: SqlStore }> {
  const testDb = await openTestDb(engine);
  await migrate(testDb.db);
  testDb.db.reset();
  return { ...testDb, store: new SqlStore(testDb.db) };
}

/**
 * Declares `suite` once per engine, each with its own store opened before and dropped after the
 * suite (one PGlite per file: it takes seconds to start). PostgreSQL suites are skipped, loudly,
 * only outside CI when the server is not running (see the global setup).
 */
export function describeEachEngine(
  title: string,
  suite: (ctx: () => TestDb & { store: SqlStore }) => void,
  setup?: (ctx: TestDb & { store: SqlStore }) => Promise<void>,
): void {
  for (const engine of ENGINES) {
    const run = engine === 'postgres' && !postgresAvailable() ? describe.skip : describe;
    run(`${title} [${engine}]`, () => {
      let current: (TestDb & { store: SqlStore }) | undefined;
      beforeAll(async () => {
        current = await openTestStore(engine);
        if (setup) await setup(current);
        current.db.reset();
      });
      afterAll(async () => {
        await current?.dispose();
      });
      suite(() => current!);
    });
  }
}
