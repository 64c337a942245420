import { type ChildProcess, execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { exited, freePort, spawnOwned, until } from './processes';

const run = promisify(execFile);

/** The machine's Redis, shared with everything else on it: tests only add keys under their own prefix. */
export const SHARED_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export const START_REDIS = 'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no ' +
  '--dir /var/lib/redis --logfile /var/log/redis/ci.log';

/** Resolves to null when Redis answers PING at `url`, or to the reason it does not. */
export async function redisProblem(url = SHARED_REDIS_URL): Promise<string | null> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
    return null;
  } catch (error) {
    return (error as Error).message;
  } finally {
    client.disconnect();
  }
}

/**
 * Whether tests may use the shared Redis in this run: false only when the global setup found it
 * missing (outside CI, where it then skips those tests loudly).
 */
export function sharedRedisAvailable(): boolean {
  return process.env.NEWSGATE_TEST_REDIS !== 'missing';
}

/**
 * The bound on one cache operation in tests that check what is cached rather than how fast:
 * generous, because a busy two-core CI machine can stall a round-trip past the default 200 ms, and
 * a timed-out read is a miss (then a store query the test would count).
 */
export const PATIENT_TIMEOUT_MS = 2000;

/** A key prefix no other test run uses. */
export function uniquePrefix(topic: string): string {
  return `ngtest:${topic}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

/**
 * Deletes every key of the shared Redis that starts with `prefix` or holds it in its hash tag
 * (test clean-up only: this SCANs, which nothing on a request path may do).
 */
export async function dropPrefix(prefix: string, url = SHARED_REDIS_URL): Promise<void> {
  const client = new Redis(url, { maxRetriesPerRequest: 0 });
  client.on('error', () => undefined);
  try {
    for (const pattern of [`${prefix}:*`, `{${prefix}:*`]) {
      let cursor = '0';
      do {
        const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        if (keys.length) await client.del(...keys);
        cursor = next;
      } while (cursor !== '0');
    }
  } finally {
    client.disconnect();
  }
}

/** A redis-server of the test's own, on a loopback port, keeping nothing on disk. */
export interface RedisServer {
  readonly port: number;
  readonly url: string;
  /** Kills it (SIGKILL): clients see the connection drop. */
  kill(): Promise<void>;
  /** Starts it again on the same port, empty. */
  restart(): Promise<void>;
  /** Freezes it (SIGSTOP): connections stay open and nothing answers. */
  pause(): void;
  /** Lets a frozen server go on (SIGCONT). */
  resume(): void;
  /** Kills it and removes its directory. */
  stop(): Promise<void>;
}

/** A Redis Cluster of the test's own: masters only, on loopback ports. */
export interface RedisClusterServers {
  /** The nodes, as `host:port`. */
  readonly nodes: string[];
  stop(): Promise<void>;
}

/** Starts a redis-server on a free loopback port; resolves once it answers. */
export async function startRedis(): Promise<RedisServer> {
  const port = await freePort();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ng-redis-'));
  let child = await launch(port, dir, []);
  const server: RedisServer = {
    port,
    url: `redis://127.0.0.1:${port}`,
    async kill() {
      await terminate(child);
    },
    async restart() {
      await terminate(child);
      child = await launch(port, dir, []);
    },
    pause() { child.kill('SIGSTOP'); },
    resume() { child.kill('SIGCONT'); },
    async stop() {
      await terminate(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
  return server;
}

/**
 * Starts `size` redis-servers in cluster mode and joins them with `redis-cli --cluster create`
 * (no replicas); resolves once every node reports the cluster ok.
 */
export async function startRedisCluster(size = 3): Promise<RedisClusterServers> {
  const ports: number[] = [];
  while (ports.length < size) {
    // The cluster bus listens on port + 10000: both must be free.
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    if (!ports.includes(port) && await isFree(port) && await isFree(port + 10_000)) ports.push(port);
  }
  const dirs = await Promise.all(ports.map(() => mkdtemp(path.join(os.tmpdir(), 'ng-redis-cluster-'))));
  const children: ChildProcess[] = [];
  const stop = async () => {
    await Promise.all(children.map(terminate));
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  };
  try {
    for (const [i, port] of ports.entries()) {
      children.push(await launch(port, dirs[i], [
        '--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '2000',
      ]));
    }
    const nodes = ports.map((port) => `127.0.0.1:${port}`);
    await run('redis-cli', ['--cluster', 'create', ...nodes, '--cluster-replicas', '0', '--cluster-yes'], { timeout: 30_000 });
    await until(async () => {
      const states = await Promise.all(ports.map((port) => run('redis-cli', ['-p', String(port), 'cluster', 'info'])
        .then(({ stdout }) => stdout, () => '')));
      return states.every((state) => state.includes('cluster_state:ok'));
    }, 'the cluster to report cluster_state:ok');
    return { nodes, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function launch(port: number, dir: string, extra: string[]): Promise<ChildProcess> {
  const child = spawnOwned('redis-server', [
    '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...extra,
  ], { stdio: 'ignore' }, 'SIGKILL');
  await until(() => ping(port), `redis-server on port ${port} to answer`);
  return child;
}

/** Kills `child` (waking it first if it is frozen) and resolves once it has exited. */
async function terminate(child: ChildProcess): Promise<void> {
  const done = exited(child);
  child.kill('SIGCONT');
  child.kill('SIGKILL');
  await done;
}

/** True when a server on `port` answers PING. */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.setTimeout(500);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => { socket.destroy(); resolve(data.toString().startsWith('+PONG')); });
    socket.once('error', () => { socket.destroy(); resolve(false); });
    socket.once('timeout', () => { socket.destroy(); resolve(false); });
  });
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
