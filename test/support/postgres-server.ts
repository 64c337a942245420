import { type ChildProcess, execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { exited, freePort, isRunning, spawnOwned, until } from './processes';
import { postgresProblem } from './services';

const run = promisify(execFile);

/**
 * A PostgreSQL server of the test's own, on a loopback port, in a temporary directory: for tests
 * that break the server (stop it, freeze it, hold its locks). The machine's PostgreSQL is never
 * touched. Needs the server's programs (`initdb`, `postgres`: Debian's postgresql package, found by
 * `PG_BIN_DIR`, else under /usr/lib/postgresql); as root, they run as the `postgres` user. The
 * process the test holds is the postmaster itself.
 */
export interface PostgresServer {
  readonly port: number;
  /** A URL of its `postgres` database (trust authentication). */
  readonly url: string;
  /** Stops it the way an operator would (fast shutdown): connections end, new ones are refused. */
  stop(): Promise<void>;
  /** Starts it again, on the same port, with the same data. */
  start(): Promise<void>;
  /** Freezes every process of the server (SIGSTOP): connections stay open and nothing answers. */
  pause(): Promise<void>;
  /** Lets a frozen server go on (SIGCONT). */
  resume(): Promise<void>;
  /** Runs one statement as the superuser, on a connection of its own. */
  sql<Row = Record<string, unknown>>(text: string, params?: unknown[]): Promise<Row[]>;
  /** Stops it at once and removes its directory. */
  dispose(): Promise<void>;
}

/** Where the server's programs are, or null when this machine has none. */
export function postgresBinDir(): string | null {
  if (process.env.PG_BIN_DIR) return process.env.PG_BIN_DIR;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).filter((version) => existsSync(path.join(root, version, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? path.join(root, versions[0], 'bin') : null;
}

/**
 * Whether this machine has the server's programs, for `tests` (named in the warning) that need a
 * server of their own. Without them: under CI=true, throws (a missing service fails the run); else
 * says so loudly and the caller skips its tests.
 */
export function serverProgramsFor(tests: string): boolean {
  if (postgresBinDir()) return true;
  const message = `PostgreSQL's server programs (initdb, postgres) are not installed: the ${tests} tests need a server of their own.\n` +
    'Install them with: apt-get install -y postgresql (or point PG_BIN_DIR at their directory).';
  if (process.env.CI === 'true') throw new Error(`${message}\nCI=true: a missing service fails the run.`);
  console.warn(`\n${'!'.repeat(100)}\n${message}\nTHE ${tests.toUpperCase()} TESTS ARE SKIPPED IN THIS RUN.\n${'!'.repeat(100)}\n`);
  return false;
}

/** Creates and starts a fresh server; resolves once it accepts connections. */
export async function startPostgres(): Promise<PostgresServer> {
  const bin = postgresBinDir();
  if (!bin) throw new Error('PostgreSQL\'s server programs (initdb) are not installed: apt-get install postgresql, or set PG_BIN_DIR');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ng-postgres-'));
  // PostgreSQL refuses to run as root: as root, its programs run as the postgres user, who owns the directory.
  const owner = process.getuid?.() === 0 ? await postgresUser() : undefined;
  if (owner) await chown(dir, owner.uid, owner.gid);
  const data = path.join(dir, 'data');
  await run(path.join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync'], { timeout: 60_000, ...owner });
  const port = await freePort();
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let child: ChildProcess | undefined;

  const postmasterPid = async () => {
    if (!child?.pid) throw new Error('PostgreSQL is not running');
    return child.pid;
  };
  const signalAll = async (signal: 'SIGSTOP' | 'SIGCONT') => {
    // The postmaster and every backend: freezing the postmaster alone leaves open connections answering.
    const pid = await postmasterPid();
    const { stdout } = await run('pgrep', ['-P', String(pid)]).catch(() => ({ stdout: '' }));
    for (const each of [pid, ...stdout.split('\n').filter(Boolean).map(Number)]) process.kill(each, signal);
  };
  const server: PostgresServer = {
    port,
    url,
    async start() {
      // Left running by a failed test, it gets an immediate shutdown (SIGQUIT) when the test process exits.
      child = spawnOwned(path.join(bin, 'postgres'), [
        '-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1',
        '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off',
      ], { stdio: 'ignore', ...owner }, 'SIGQUIT');
      await until(async () => (await postgresProblem(url)) === null, `PostgreSQL on port ${port} to accept connections`, 30_000);
    },
    async stop() {
      if (!isRunning(child)) return;
      const done = exited(child);
      process.kill(await postmasterPid(), 'SIGINT'); // fast shutdown
      await done;
    },
    pause: () => signalAll('SIGSTOP'),
    resume: () => signalAll('SIGCONT'),
    async sql<Row>(text: string, params: unknown[] = []) {
      const client = new Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
      await client.connect();
      try {
        return (await client.query(text, params)).rows as Row[];
      } finally {
        await client.end();
      }
    },
    async dispose() {
      if (isRunning(child)) {
        const done = exited(child);
        const pid = await postmasterPid().catch(() => undefined);
        if (pid) {
          process.kill(pid, 'SIGCONT');
          process.kill(pid, 'SIGQUIT'); // immediate shutdown
        }
        await done;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
  try {
    await server.start();
  } catch (error) {
    await server.dispose();
    throw error;
  }
  return server;
}

async function postgresUser(): Promise<{ uid: number; gid: number }> {
  const [{ stdout: uid }, { stdout: gid }] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
  return { uid: Number(uid), gid: Number(gid) };
}
