import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import net from 'node:net';

/** The servers tests started and that still run, with the signal that ends each. */
const owned = new Map<ChildProcess, NodeJS.Signals>();

// Whatever a failed test leaves running ends with the test process (woken first, should it be frozen).
process.once('exit', () => {
  for (const [child, signal] of owned) {
    try {
      child.kill('SIGCONT');
      child.kill(signal);
    } catch { /* already gone */ }
  }
});

/**
 * Spawns a process a test owns (a server of its own); if it still runs when the test process
 * exits, it is sent SIGCONT, then `endSignal`.
 */
export function spawnOwned(command: string, args: readonly string[], options: SpawnOptions, endSignal: NodeJS.Signals): ChildProcess {
  const child = spawn(command, args, options);
  owned.set(child, endSignal);
  child.once('exit', () => owned.delete(child));
  return child;
}

/** Whether `child` was started and has not exited yet. */
export function isRunning(child: ChildProcess | undefined): child is ChildProcess {
  return child !== undefined && child.exitCode === null && child.signalCode === null;
}

/** Resolves once `child` has exited: at once if it already has. */
export function exited(child: ChildProcess): Promise<void> {
  if (!isRunning(child)) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** A loopback port nothing listens on now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Polls `condition` every 50 ms until it holds; rejects, naming `what`, after `timeoutMs`. */
export async function until(condition: () => Promise<boolean> | boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
