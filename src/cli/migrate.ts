import { ConfigError, loadConfig } from '../config';
import { currentVersion, migrate } from '../store/migrate';
import { openDb } from '../store/open';

/** `npm run migrate`: brings the configured database to the newest schema version. */
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
  } finally {
    await db.close();
  }
}

main().catch((error) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(error instanceof ConfigError ? 2 : 1);
});
