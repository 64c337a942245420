import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { type Figures, type Target, benchTargets, freePort, gatewayEntry, load, median, post, startServer, stopServer } from './harness';

/**
 * Capacity of the real gateway (`src/main.ts`, `CACHE=layered`, production mode) while its Redis is
 * down, against the same gateway a moment before with Redis up: the article and list requests of
 * `npm run bench:http`, 50 connections. For each grace (`CACHE_OUTAGE_GRACE_SECONDS`) in
 * BENCH_GRACES (default `30,5,0`: the default, one the outage outlasts, and none) and each request:
 * a redis-server of the benchmark's own and a fresh gateway; 3 s of warm-up and BENCH_SECONDS
 * (default 10) with Redis up; then Redis is killed (SIGKILL) and the gateway loaded for
 * BENCH_OUTAGE_SECONDS (default 10) more. Prints req/s, the slowest second's req/s, p50 and p99 of
 * each, and the ratio down/up. BENCH_ROUNDS (default 1) measures everything that many times, with
 * fresh processes, and prints medians with the range of the ratio (this shared machine's speed
 * drifts within minutes, see docs/performance.md).
 *
 * Rate limits are off, as in the benchmark's in-process rows; BENCH_RATE_LIMITS=true keeps them on
 * (budgets in the same Redis, too large to run out; counted in process while it is down).
 * Needs DATABASE_URL (and DATABASE_SCHEMA) naming a seeded store (`npm run seed`).
 */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const OUTAGE_SECONDS = Number(process.env.BENCH_OUTAGE_SECONDS ?? 10);
const WARMUP_SECONDS = 3;
const GRACES = (process.env.BENCH_GRACES ?? '30,5,0').split(',').map(Number);
const RATE_LIMITS = process.env.BENCH_RATE_LIMITS === 'true';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 1);
for (const [name, values] of [
  ['BENCH_SECONDS', [SECONDS]], ['BENCH_OUTAGE_SECONDS', [OUTAGE_SECONDS]], ['BENCH_GRACES', GRACES], ['BENCH_ROUNDS', [ROUNDS]],
] as const) {
  if (!values.every((value) => Number.isInteger(value) && value >= 0)) throw new Error(`${name} must be whole numbers, not ${process.env[name]}`);
}

/** A redis-server of the benchmark's own on `port`, keeping nothing on disk; resolves once it answers. */
async function startRedis(port: number, dir: string): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
  const deadline = Date.now() + 10_000;
  while (!(await answersPing(port))) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`redis-server on port ${port} did not start`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return child;
}

async function answersPing(port: number): Promise<boolean> {
  const client = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await client.ping() === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

interface Row { target: string; grace: number; up: Figures; down: Figures }

/** One gateway with a Redis of its own: loaded with Redis up, then with that Redis killed. */
async function measure(grace: number, target: Target, dir: string): Promise<Row> {
  const redisPort = await freePort();
  const redis = await startRedis(redisPort, dir);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const url = `${base}/graphql`;
  try {
    const gateway = await startServer(gatewayEntry(), [], {
      CACHE: 'layered', REDIS_URL: `redis://127.0.0.1:${redisPort}`, CACHE_OUTAGE_GRACE_SECONDS: String(grace),
      RATE_LIMIT_ENABLED: String(RATE_LIMITS), RATE_LIMIT_PUBLIC_POINTS: String(1e12),
      PORT: String(port), HOST: '127.0.0.1', NODE_ENV: 'production', LOG_LEVEL: 'error', SEED_WORKED_EXAMPLE: 'false',
    }, async () => ((await (await fetch(`${base}/readyz`)).json()) as { status: string }).status === 'ready');
    try {
      await post(url, target.body);
      await load(url, target.body, WARMUP_SECONDS);
      const up = await load(url, target.body, SECONDS);
      await kill(redis);
      const down = await load(url, target.body, OUTAGE_SECONDS);
      console.log(`  ${target.name.padEnd(8)} grace ${String(grace).padStart(2)} s  up: ${line(up)}  down: ${line(down)}`);
      return { target: target.name, grace, up, down };
    } finally {
      await stopServer(gateway);
    }
  } finally {
    await kill(redis);
  }
}

async function main(): Promise<void> {
  const targets = await benchTargets();
  const dir = mkdtempSync(join(tmpdir(), 'ng-outage-'));
  const rows: Row[] = [];
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      if (ROUNDS > 1) console.log(`round ${round} of ${ROUNDS}`);
      for (const grace of GRACES) {
        for (const target of targets) rows.push(await measure(grace, target, dir));
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const rounds = ROUNDS > 1 ? `; ${ROUNDS} rounds of fresh processes (medians, and the range of down/up)` : '';
  console.log(`\nnewsgate (CACHE=layered${RATE_LIMITS ? ', rate limits in Redis' : ''}) over HTTP, 50 connections: ` +
    `${SECONDS} s with Redis up (after ${WARMUP_SECONDS} s of warm-up), then ${OUTAGE_SECONDS} s with its Redis killed${rounds}`);
  console.log('query    grace s  up req/s  up p99 ms  down req/s  slowest s  down p50 ms  down p99 ms  down/up  failed' + (ROUNDS > 1 ? '  down/up range' : ''));
  for (const grace of GRACES) {
    for (const target of targets) {
      const runs = rows.filter((row) => row.grace === grace && row.target === target.name);
      const mid = (figure: (row: Row) => number) => median(runs.map(figure));
      const ratios = runs.map((row) => row.down.rps / row.up.rps);
      console.log(`${target.name.padEnd(8)} ${String(grace).padStart(7)}  ${mid((r) => r.up.rps).toFixed(0).padStart(8)}  ` +
        `${String(mid((r) => r.up.p99)).padStart(9)}  ${mid((r) => r.down.rps).toFixed(0).padStart(10)}  ` +
        `${String(mid((r) => r.down.minRps)).padStart(9)}  ${String(mid((r) => r.down.p50)).padStart(11)}  ` +
        `${String(mid((r) => r.down.p99)).padStart(11)}  ${median(ratios).toFixed(2).padStart(7)}  ` +
        `${String(runs.reduce((sum, r) => sum + r.up.failures + r.down.failures, 0)).padStart(6)}` +
        (ROUNDS > 1 ? `  ${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}`.padStart(15) : ''));
    }
  }
}

function line(figures: Figures): string {
  return `${figures.rps.toFixed(0).padStart(6)} req/s (slowest second ${figures.minRps}), p50 ${figures.p50} ms, p99 ${figures.p99} ms, failed ${figures.failures}`;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
