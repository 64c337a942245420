import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    }).on('error', reject);
  });
}

/**
 * Starts a TypeScript entry point in a child process of its own (`node [nodeArgs] --import tsx`, so
 * the child's pid is the server's); resolves once `ready` answers true. Its stderr goes to ours, its
 * stdout to `options.stdout` (a file descriptor) or nowhere.
 */
export async function startServer(
  file: string, args: string[], env: Record<string, string>, ready: () => Promise<boolean>,
  options: { stdout?: number; nodeArgs?: string[] } = {},
): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...options.nodeArgs ?? [], '--import', 'tsx', file, ...args], {
    env: { ...process.env, ...env }, stdio: ['ignore', options.stdout ?? 'ignore', 'inherit'],
  });
  const deadline = Date.now() + 60_000;
  while (!(await ready().catch(() => false))) {
    if (child.exitCode !== null) throw new Error(`${file} exited with ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error(`${file} did not start within 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return child;
}

/** Sends SIGTERM and resolves when the child has exited. */
export function stopServer(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
