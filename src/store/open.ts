/**
 * Opens the configured engine (PostgreSQL or PGlite) and the store over it. Its one statement
 * creates the configured schema.
 */
import type { Db } from './db';
import { migrate } from './migrate';
import { PgliteDb } from './pglite';
import { PostgresDb, type PostgresOptions, quoteIdent } from './postgres';
import { readStoreSnapshot } from './snapshot';
import { SqlStore } from './sql-store';

export interface StoreOptions extends Pick<PostgresOptions, 'readConnections' | 'writeConnections' | 'timeouts' | 'onConnectionLost' | 'onStatement'> {
  /** PostgreSQL connection string; when absent the embedded PGlite engine is used. */
  databaseUrl?: string;
  /** PostgreSQL schema to work in (created if missing). */
  databaseSchema?: string;
  /** PGlite data directory; in memory when absent. */
  pgliteDataDir?: string;
  /** In memory only: start from this build's snapshot in that directory when it has one (./snapshot.ts). */
  pgliteSnapshotDir?: string;
}

/** Opens the engine the options name: PostgreSQL when a URL is given, PGlite otherwise. */
export async function openDb(options: StoreOptions): Promise<Db> {
  const { databaseUrl, databaseSchema, pgliteDataDir, pgliteSnapshotDir, ...postgres } = options;
  if (!databaseUrl) {
    return PgliteDb.open(pgliteDataDir, pgliteSnapshotDir && !pgliteDataDir ? readStoreSnapshot(pgliteSnapshotDir) : undefined);
  }
  const db = new PostgresDb({ ...postgres, connectionString: databaseUrl, schema: databaseSchema });
  if (databaseSchema) {
    await db.exec(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(databaseSchema)}`).catch(async (error: unknown) => {
      await db.close();
      throw error;
    });
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
