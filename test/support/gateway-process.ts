import path from 'node:path';
import { freePort, spawnOwned, until } from './processes';
import { startFlags } from '../../tools/start-flags';

const ROOT = path.join(__dirname, '..', '..');

/** The real gateway (`src/main.ts`, or the bundle `npm start` runs) in a process of its own. */
export interface GatewayProcess {
  /** The GraphQL endpoint. */
  readonly url: string;
  /** Its log lines, parsed (JSON). */
  readonly logs: Record<string, any>[];
  /** GETs `path` (`/readyz`, `/metrics`, …) from it. */
  get(path: string): Promise<Response>;
  /** What it wrote to stderr (a crash's stack trace). */
  stderr(): string;
  /** Its exit code or signal once it has exited; null while it runs. */
  exit(): { code: number | null; signal: NodeJS.Signals | null } | null;
  /** SIGTERM (SIGKILL after 10 s), then resolves with its exit code. */
  stop(): Promise<number | null>;
}

/**
 * Starts the gateway with `env` on top of this process's environment (production mode, a free
 * loopback port, no store or Redis unless `env` names them); resolves once /healthz answers. Rejects,
 * with its stderr, if it exits first or takes longer than 60 s.
 */
export async function startGatewayProcess(
  env: Record<string, string>, options: { built?: boolean } = {},
): Promise<GatewayProcess> {
  const port = await freePort();
  // `built`: dist/main.js as `npm start` runs it (build it first); otherwise the sources through tsx.
  const child = spawnOwned(process.execPath, options.built ? [...startFlags(), 'dist/main.js'] : ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env, NODE_ENV: 'production', HOST: '127.0.0.1', LOG_LEVEL: 'info',
      DATABASE_URL: '', PGLITE_DATA_DIR: '', REDIS_URL: '', REDIS_CLUSTER_NODES: '', ...env, PORT: String(port),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  }, 'SIGKILL');
  const logs: Record<string, any>[] = [];
  let pending = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop()!;
    for (const line of lines.filter(Boolean)) {
      try {
        logs.push(JSON.parse(line));
      } catch {
        logs.push({ msg: line });
      }
    }
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
  let exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code, signal) => {
    exit = { code, signal };
    resolve(code);
  }));
  const base = `http://127.0.0.1:${port}`;
  const get = (where: string) => fetch(new URL(where, base));
  try {
    await until(async () => {
      if (exit) throw new Error(`the gateway exited at start (${JSON.stringify(exit)}): ${stderr}`);
      return get('/healthz').then((response) => response.ok, () => false);
    }, 'the gateway to answer /healthz', 60_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    url: `${base}/graphql`,
    logs,
    get,
    exit: () => exit,
    stderr: () => stderr,
    async stop() {
      if (exit) return exited;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      try {
        return await exited;
      } finally {
        clearTimeout(killer);
      }
    },
  };
}
