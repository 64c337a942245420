import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { until } from './redis';

const ROOT = path.join(__dirname, '..', '..');

/** The real gateway (`src/main.ts`, as `npm start` runs it) in a process of its own. */
export interface GatewayProcess {
  /** The GraphQL endpoint. */
  readonly url: string;
  /** Its log lines, parsed (JSON). */
  readonly logs: Record<string, any>[];
  /** What it wrote to stderr (a crash's stack trace). */
  stderr(): string;
  /** Its exit code or signal once it has exited; null while it runs. */
  exit(): { code: number | null; signal: NodeJS.Signals | null } | null;
  /** SIGTERM, then resolves with its exit code. */
  stop(): Promise<number | null>;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Starts the gateway with `env` on top of this process's environment (production mode, a free
 * loopback port, warnings and above logged); resolves once it serves, with its URL.
 */
export async function startGatewayProcess(env: Record<string, string>): Promise<GatewayProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env, NODE_ENV: 'production', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info',
      DATABASE_URL: '', PGLITE_DATA_DIR: '', REDIS_URL: '', REDIS_CLUSTER_NODES: '', ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
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
    running.delete(child);
    resolve(code);
  }));
  try {
    await until(() => exit !== null || logs.some((line) => line.url), 'the gateway to serve', 60_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  if (exit) throw new Error(`the gateway exited at start (${JSON.stringify(exit)}): ${stderr}`);
  return {
    url: logs.find((line) => line.url)!.url,
    logs,
    exit: () => exit,
    stderr: () => stderr,
    async stop() {
      if (!exit) child.kill('SIGTERM');
      return exited;
    },
  };
}
