import { mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Db } from '../src/store/db';
import { currentVersion, loadMigrations, migrate } from '../src/store/migrate';
import { openDb } from '../src/store/open';
import { readStoreSnapshot, storeSnapshotKey, writeStoreSnapshot } from '../src/store/snapshot';
import { SqlStore } from '../src/store/sql-store';
import { loadCodedArticle } from '../src/seed/worked-example';

/** Everything migrations make in the public schema, as text: tables' columns, constraints, indexes, functions, triggers, migrations. */
async function schemaOf(db: Db): Promise<unknown[]> {
  const catalogue = [
    `SELECT table_name, column_name, data_type, column_default, is_nullable, is_identity
       FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1, 2`,
    `SELECT conrelid::regclass::text AS owner, conname, pg_get_constraintdef(c.oid) AS definition
       FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = 'public' ORDER BY 1, 2`,
    `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1`,
    `SELECT p.proname, pg_get_functiondef(p.oid) AS definition
       FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public' ORDER BY 1, 2`,
    `SELECT tgrelid::regclass::text AS owner, tgname, pg_get_triggerdef(t.oid) AS definition
       FROM pg_trigger t WHERE NOT tgisinternal ORDER BY 1, 2`,
    `SELECT version, name FROM schema_migrations ORDER BY version`,
  ];
  const results = [];
  for (const sql of catalogue) results.push((await db.query(sql)).rows);
  return results;
}

describe('the embedded store\'s snapshot', () => {
  const dir = mkdtempSync(join(tmpdir(), 'newsgate-snapshot-'));
  let fresh: Db;
  let restored: Db;
  beforeAll(async () => {
    expect(await writeStoreSnapshot(dir)).toBe(true);
    fresh = await openDb({});
    await migrate(fresh);
    restored = await openDb({ pgliteSnapshotDir: dir });
    // Two PGlite stores migrated from scratch: about 20 s idle, past a minute on a loaded machine.
  }, 180_000);
  afterAll(async () => {
    await fresh?.close();
    await restored?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is a store with every migration applied: migrating it again applies nothing', async () => {
    expect(await currentVersion(restored)).toBe(Math.max(...loadMigrations().map((m) => m.version)));
    expect(await migrate(restored)).toEqual([]);
  });

  it('holds the same tables, constraints, indexes, functions and triggers as a freshly migrated store', async () => {
    expect(await schemaOf(restored)).toEqual(await schemaOf(fresh));
  });

  it('loads the worked example with the same ids as a fresh store', async () => {
    expect(await loadCodedArticle(new SqlStore(restored))).toBe(await loadCodedArticle(new SqlStore(fresh)));
    const ids = 'SELECT (SELECT array_agg(id ORDER BY id) FROM casualty_figures) AS figures, (SELECT array_agg(id ORDER BY id) FROM locations) AS places';
    expect((await restored.query(ids)).rows).toEqual((await fresh.query(ids)).rows);
  });

  it('is made once per PGlite version and set of migrations, and one made from others is never read', async () => {
    expect(await writeStoreSnapshot(dir)).toBe(false);
    const [file] = readdirSync(dir);
    expect(file).toBe(`pglite-migrated-${storeSnapshotKey()}.tar`);
    renameSync(join(dir, file), join(dir, 'pglite-migrated-0000000000000000.tar'));
    expect(readStoreSnapshot(dir)).toBeUndefined();
    expect(await writeStoreSnapshot(dir)).toBe(true);
    expect(readdirSync(dir)).toEqual([file]);
  });
});
