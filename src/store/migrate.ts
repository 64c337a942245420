/**
 * Schema migrations: the scripts in ./migrations (`NNNN_name.sql`) and the SQL that applies them
 * and keeps their book (the `schema_migrations` table, the migrators' lock, the current version).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db, Queryable } from './db';

const MIGRATIONS_DIR = join(__dirname, 'migrations');

/** Serialises concurrent migrators (two gateways starting at once) on one database. */
const MIGRATION_LOCK = 727_001;

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** The migrations shipped with this build, in version order (file names `NNNN_name.sql`). */
export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((file) => /^\d{4}_[\w-]+\.sql$/.test(file))
    .sort()
    .map((file) => ({
      version: Number(file.slice(0, 4)),
      name: file.slice(5, -4),
      sql: readFileSync(join(dir, file), 'utf8'),
    }));
}

/** PostgreSQL's code for "relation does not exist". */
const UNDEFINED_TABLE = '42P01';

/**
 * The highest applied version, 0 for a database never migrated (no bookkeeping table). Any other
 * failure (the database cannot be reached, a timeout) rejects: it says nothing about migrations.
 */
export async function currentVersion(db: Queryable): Promise<number> {
  try {
    const { rows } = await db.query<{ version: number | null }>(`SELECT max(version) AS version FROM schema_migrations`);
    return rows[0]?.version ?? 0;
  } catch (error) {
    if ((error as { code?: string }).code === UNDEFINED_TABLE) return 0;
    throw error;
  }
}

/**
 * Brings the database forward to `target` (default: the newest shipped migration). Each migration
 * runs in its own transaction together with its bookkeeping row, so a failure leaves the database at
 * the previous version. Applied migrations are skipped; running this twice changes nothing.
 * Resolves to the versions it applied.
 */
export async function migrate(db: Db, target = Infinity): Promise<number[]> {
  await db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version integer PRIMARY KEY,
    name text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`);
  const applied: number[] = [];
  for (const migration of loadMigrations()) {
    if (migration.version > target) break;
    const done = await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      const { rows } = await tx.query('SELECT 1 FROM schema_migrations WHERE version = $1', [migration.version]);
      if (rows.length > 0) return false;
      for (const statement of splitStatements(migration.sql)) await tx.query(statement);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
      return true;
    }, { timeoutMs: 0 }); // A migration may rewrite a large table: no statement timeout.
    if (done) applied.push(migration.version);
  }
  return applied;
}

/**
 * Splits a migration script into statements at semicolons that end a line. Our migrations keep
 * that convention (no semicolons inside bodies), which lets each statement run through the same
 * transactional `query` path in both adapters.
 */
function splitStatements(sql: string): string[] {
  return sql
    .split(/;\s*$/m)
    .map((statement) => statement.replace(/^\s*--.*$/gm, '').trim())
    .filter((statement) => statement.length > 0);
}
