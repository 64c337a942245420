import { ConfigError, loadConfig } from '../config';
import { currentVersion, migrate } from '../store/migrate';
import { openDb } from '../store/open';
import { buildKeptStatistics } from '../store/sql-stats';

/**
 * `npm run migrate`: brings the configured database to the newest schema version, then builds the
 * statistics kept per article (src/store/sql-stats.ts) where they are not built yet, so that the
 * first world dashboard after a deploy does not wait for them.
 */
async function main(): Promise<void> {
  const { store } = loadConfig();
  if (!store.databaseUrl && !store.pgliteDataDir) {
    console.error('Nothing to migrate: set DATABASE_URL (PostgreSQL) or PGLITE_DATA_DIR (embedded, on disk). ' +
      'The in-memory store is migrated at every start.');
    process.exit(2);
  }
  const db = await openDb(store);
  try {
    const before = await currentVersion(db);
    const applied = await migrate(db);
    console.log(applied.length
      ? `${db.engine}: migrated from version ${before} to ${await currentVersion(db)} (applied ${applied.join(', ')})`
      : `${db.engine}: already at version ${before}; nothing to do`);
    const started = Date.now();
    await buildKeptStatistics(db);
    console.log(`statistics kept per article: ready (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  } finally {
    await db.close();
  }
}

main().catch((error) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(error instanceof ConfigError ? 2 : 1);
});
