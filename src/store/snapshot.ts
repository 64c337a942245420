import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadMigrations, migrate } from './migrate';
import { PgliteDb } from './pglite';

/**
 * A snapshot of the embedded store: the data directory of an in-memory PGlite with every shipped
 * migration applied, made by the build (tools/build.mjs, run by `npm ci` and before `npm start`).
 * Starting from it skips PGlite's initdb, which takes seconds.
 *
 * It cannot drift: its file name carries a key of PGlite's version and every migration's text, and a
 * snapshot whose key is not this build's is never read (the store then starts empty, as without one).
 * `migrate` still runs over it, so a store opened from it is the store a fresh start would make.
 */
export const STORE_SNAPSHOT_DIR = join(__dirname, '..', '..', 'dist');

const PREFIX = 'pglite-migrated-';

/** PGlite's installed version: a new engine may lay out its data directory differently. */
function pgliteVersion(): string {
  let dir = dirname(require.resolve('@electric-sql/pglite'));
  for (;;) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (manifest.name === '@electric-sql/pglite') return String(manifest.version);
    } catch { /* not the package's root yet */ }
    if (dirname(dir) === dir) throw new Error('cannot find the version of @electric-sql/pglite');
    dir = dirname(dir);
  }
}

/** The key of a snapshot this build may use: PGlite's version and the migrations, hashed. */
export function storeSnapshotKey(): string {
  const hash = createHash('sha256').update(pgliteVersion());
  for (const { version, name, sql } of loadMigrations()) hash.update(`\0${version}\0${name}\0${sql}`);
  return hash.digest('hex').slice(0, 16);
}

function snapshotFile(dir: string): string {
  return join(dir, `${PREFIX}${storeSnapshotKey()}.tar`);
}

/** The snapshot in `dir` made from this build's migrations and PGlite, or undefined when there is none. */
export function readStoreSnapshot(dir = STORE_SNAPSHOT_DIR): Blob | undefined {
  try {
    return new Blob([readFileSync(snapshotFile(dir))]);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Makes this build's snapshot in `dir` unless it is there already, and removes the snapshots of
 * other builds. Resolves to true when it made one.
 */
export async function writeStoreSnapshot(dir = STORE_SNAPSHOT_DIR): Promise<boolean> {
  const file = snapshotFile(dir);
  mkdirSync(dir, { recursive: true });
  const stale = readdirSync(dir).filter((name) => name.startsWith(PREFIX) && join(dir, name) !== file);
  for (const name of stale) rmSync(join(dir, name), { force: true });
  if (readdirSync(dir).includes(file.slice(dir.length + 1))) return false;
  const db = await PgliteDb.open();
  try {
    await migrate(db);
    const partial = `${file}.${process.pid}.partial`;
    writeFileSync(partial, new Uint8Array(await (await db.dumpDataDir()).arrayBuffer()));
    renameSync(partial, file); // whole or not at all: a reader never sees half a snapshot
  } finally {
    await db.close();
  }
  return true;
}
