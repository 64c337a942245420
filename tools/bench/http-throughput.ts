import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { CONNECTIONS, type Figures, type Target, benchTargets, freePort, load, median, post, startServer, stopServer } from './harness';

/**
 * Throughput and latency of the real gateway (`src/main.ts`, as `npm start` runs it, in production
 * mode) over HTTP, for a fixed article query and a fixed list query, with the cache off, with Redis
 * warm, with records cached in process, with the in-process levels (records and whole answers) warm,
 * and the same with rate limits charged in Redis; and, as the ceiling, a bare Node `http` server sending
 * the same precomputed answer, measured right before and right after each mode (this machine's speed
 * drifts by tens of percent within minutes, so a ratio means something only between runs close in time).
 * autocannon runs in this process, each server in its own, so on a two-core machine the load
 * generator and the server each have a core (Redis and PostgreSQL share).
 *
 * Needs DATABASE_URL (and DATABASE_SCHEMA) naming a seeded store; Redis from REDIS_URL, default the
 * local one. BENCH_SECONDS (default 10) sets each measurement's length, after a 3-second warm-up.
 * BENCH_MODES (default all) picks modes by id, comma-separated: off, redis, records, memory, limits;
 * the ceiling always runs, and the first mode's answer is the one the others must equal.
 * BENCH_ROUNDS (default 1) measures everything that many times, each round with fresh processes (a
 * process's speed is partly luck: identical bare servers started one after another here differ by up
 * to a fifth for their whole life), and reports medians, with the range of each ratio to the ceiling.
 */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP_SECONDS = 3;
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

interface Mode { id: string; name: string; env: Record<string, string> }

/**
 * Rate limits are off but in the last mode, which charges every request to one client address
 * (budgets in Redis, too large to run out): that is the cost of the production default.
 */
const ALL_MODES: Mode[] = [
  { id: 'off', name: 'cache off', env: { CACHE: 'off', RATE_LIMIT_ENABLED: 'false' } },
  { id: 'redis', name: 'Redis warm', env: { CACHE: 'redis', REDIS_URL, RATE_LIMIT_ENABLED: 'false' } },
  { id: 'records', name: 'records in proc', env: { CACHE: 'layered', CACHE_RESPONSES: 'false', REDIS_URL, RATE_LIMIT_ENABLED: 'false' } },
  { id: 'memory', name: 'in-process warm', env: { CACHE: 'layered', REDIS_URL, RATE_LIMIT_ENABLED: 'false' } },
  { id: 'limits', name: '+ rate limits', env: { CACHE: 'layered', REDIS_URL, RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_PUBLIC_POINTS: String(1e12) } },
];
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 1);
if (!Number.isInteger(ROUNDS) || ROUNDS < 1) throw new Error(`BENCH_ROUNDS must be a whole number of at least 1, not ${process.env.BENCH_ROUNDS}`);
const MODES = process.env.BENCH_MODES
  ? ALL_MODES.filter((mode) => process.env.BENCH_MODES!.split(',').includes(mode.id))
  : ALL_MODES;

interface Measured extends Figures { ceiling: { rps: number; before: number; after: number } }

/** Warms the server up with one short run, then measures. */
async function measure(url: string, body: string): Promise<Figures> {
  await load(url, body, WARMUP_SECONDS);
  return load(url, body, SECONDS);
}

async function main(): Promise<void> {
  const targets = await benchTargets();

  const results = new Map<string, Map<string, Measured[]>>(targets.map((target) => [target.name, new Map()]));
  const answers = new Map<string, { headers: Record<string, string>; text: string }>();
  const ceilings = new Map<string, { child: ChildProcess; url: string }>();
  const dir = mkdtempSync(join(tmpdir(), 'ng-ceiling-'));
  const prefix = `bench${process.pid}`;
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      if (ROUNDS > 1) console.log(`round ${round} of ${ROUNDS}`);
      for (const mode of MODES) {
        const port = await freePort();
        const url = `http://127.0.0.1:${port}/graphql`;
        const gateway = await startServer('src/main.ts', [], {
          ...mode.env, PORT: String(port), HOST: '127.0.0.1', NODE_ENV: 'production', CACHE_PREFIX: prefix, SEED_WORKED_EXAMPLE: 'false',
        }, async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200);
        try {
          for (const target of targets) {
            const answer = await post(url, target.body);
            const first = answers.get(target.name);
            if (!first) answers.set(target.name, answer);
            else if (!isDeepStrictEqual(JSON.parse(first.text), JSON.parse(answer.text))) {
              throw new Error(`${mode.name} answered the ${target.name} query differently from the uncached gateway`);
            }
            if (!ceilings.has(target.name)) ceilings.set(target.name, await startCeiling(dir, target, answers.get(target.name)!));
            // The machine's speed drifts within minutes: each mode is compared with the mean of ceiling
            // runs right before and right after it.
            const ceilingUrl = ceilings.get(target.name)!.url;
            const before = await measure(ceilingUrl, target.body);
            const figures = await measure(url, target.body);
            const after = await measure(ceilingUrl, target.body);
            const ceiling = { rps: (before.rps + after.rps) / 2, before: before.rps, after: after.rps };
            const byMode = results.get(target.name)!;
            byMode.set(mode.name, [...(byMode.get(mode.name) ?? []), { ...figures, ceiling }]);
            console.log(`  ${target.name.padEnd(8)} ${mode.name.padEnd(16)} ${line(figures)}  ` +
              `(bare http before ${before.rps.toFixed(0)}, after ${after.rps.toFixed(0)} req/s)`);
          }
        } finally {
          await stopServer(gateway);
        }
      }
      // Each round's ceilings are fresh processes too.
      await stopCeilings(ceilings);
    }
  } finally {
    await stopCeilings(ceilings);
    rmSync(dir, { recursive: true, force: true });
  }

  const rounds = ROUNDS > 1 ? `, ${ROUNDS} rounds of fresh processes (medians; the range of each round's ratio to the ceiling)` : '';
  console.log(`\nnewsgate over HTTP: ${CONNECTIONS} connections, ${SECONDS} s each after ${WARMUP_SECONDS} s of warm-up${rounds}; ` +
    'the ceiling is the mean of a bare Node http server sending the same answer right before and after each mode');
  console.log('query    mode             req/s    p50 ms  p99 ms  x uncached  ceiling req/s  x ceiling  failed' + (ROUNDS > 1 ? '  x ceiling range' : ''));
  for (const [target, byMode] of results) {
    const uncached = byMode.has('cache off') ? median(byMode.get('cache off')!.map((m) => m.rps)) : Number.NaN;
    for (const [mode, runs] of byMode) {
      const rps = median(runs.map((m) => m.rps));
      const ratios = runs.map((m) => m.rps / m.ceiling.rps);
      const failures = runs.reduce((sum, m) => sum + m.failures, 0);
      console.log(`${target.padEnd(8)} ${mode.padEnd(16)} ${rps.toFixed(0).padStart(6)}  ` +
        `${String(median(runs.map((m) => m.p50))).padStart(6)}  ${String(median(runs.map((m) => m.p99))).padStart(6)}  ` +
        `${ratio(rps, uncached).padStart(10)}  ${median(runs.map((m) => m.ceiling.rps)).toFixed(0).padStart(13)}  ` +
        `${median(ratios).toFixed(2).padStart(9)}  ${String(failures).padStart(6)}` +
        (ROUNDS > 1 ? `  ${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}`.padStart(17) : ''));
    }
  }
}

async function stopCeilings(ceilings: Map<string, { child: ChildProcess }>): Promise<void> {
  await Promise.all([...ceilings.values()].map(({ child }) => stopServer(child)));
  ceilings.clear();
}

/**
 * Starts the ceiling for `target`: a bare Node `http` server sending `answer`'s body with every
 * header of it but those Node writes itself for each exchange (and the request id).
 */
async function startCeiling(dir: string, target: Target, answer: { headers: Record<string, string>; text: string }) {
  const file = join(dir, `${target.name}.json`);
  const kept = Object.fromEntries(Object.entries(answer.headers).filter(([name]) => !['date', 'connection', 'keep-alive', 'x-request-id'].includes(name)));
  writeFileSync(file, JSON.stringify({ headers: kept, body: answer.text }));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/graphql`;
  const child = await startServer('tools/bench/ceiling-server.ts', [String(port), file], {}, async () => {
    await post(url, target.body);
    return true;
  });
  return { child, url };
}

/** `a / b` to two places; a dash when `b` was not measured (BENCH_MODES without `off`). */
function ratio(a: number, b: number): string {
  return Number.isNaN(b) ? '-' : (a / b).toFixed(2);
}

function line(figures: Figures): string {
  return `${figures.rps.toFixed(0).padStart(6)} req/s  p50 ${figures.p50} ms  p99 ${figures.p99} ms  failed ${figures.failures}`;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
