import type { Db } from './db';
import { migrate } from './migrate';
import { PgliteDb } from './pglite';
import { PostgresDb, quoteIdent } from './postgres';
import { SqlStore } from './sql-store';

export interface StoreOptions {
  /** PostgreSQL connection string; when absent the embedded PGlite engine is used. */
  databaseUrl?: string;
  /** PostgreSQL schema to work in (created if missing). */
  databaseSchema?: string;
  /** PGlite data directory; in memory when absent. */
  pgliteDataDir?: string;
}

/** Opens the engine the options name: PostgreSQL when a URL is given, PGlite otherwise. */
export async function openDb(options: StoreOptions): Promise<Db> {
  if (!options.databaseUrl) return PgliteDb.open(options.pgliteDataDir);
  const db = new PostgresDb({ connectionString: options.databaseUrl, schema: options.databaseSchema });
  if (options.databaseSchema) {
    await db.exec(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(options.databaseSchema)}`);
  }
  return db;
}

/** Opens the engine, brings its schema to the newest migration and returns the store over it. */
export async function openStore(options: StoreOptions): Promise<SqlStore> {
  const db = await openDb(options);
  try {
    await migrate(db);
  } catch (error) {
    await db.close();
    throw error;
  }
  return new SqlStore(db);
}
