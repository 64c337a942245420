import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort, until } from './redis';

const ROOT = join(__dirname, '..', '..');

/** The real gateway (`src/main.ts`, as `npm start` runs it) in a child process of the test's own. */
export interface GatewayProcess {
  /** The GraphQL endpoint. */
  readonly url: string;
  /** Its JSON log lines so far, parsed (stdout). */
  readonly logs: Record<string, any>[];
  /** GETs `path` (`/readyz`, `/metrics`, …) from it. */
  get(path: string): Promise<Response>;
  /** Sends SIGTERM and resolves once it has exited (SIGKILL after 10 s). */
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Starts `src/main.ts` on a free loopback port with `env` over the test's environment; resolves once
 * /healthz answers. Rejects, with its stderr, if it exits first or takes longer than 60 s.
 */
export async function startGatewayProcess(env: Record<string, string>): Promise<GatewayProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'src/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'production', HOST: '127.0.0.1', ...env, PORT: String(port) },
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  const logs: Record<string, any>[] = [];
  let partial = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop()!;
    for (const line of lines.filter(Boolean)) logs.push(JSON.parse(line));
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
  const base = `http://127.0.0.1:${port}`;
  const get = (path: string) => fetch(new URL(path, base));
  await until(async () => {
    if (child.exitCode !== null) throw new Error(`src/main.ts exited with ${child.exitCode}: ${stderr}`);
    return get('/healthz').then((response) => response.ok, () => false);
  }, 'src/main.ts to answer /healthz', 60_000);
  return {
    url: `${base}/graphql`,
    logs,
    get,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    },
  };
}
