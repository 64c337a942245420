import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { asNewsgateData, postgraphileTarget } from './postgraphile';
import { CONNECTIONS, type Figures, type Target, benchTargets, freePort, gatewayEntry, load, median, post, settled, startServer, stopServer } from './harness';

/**
 * Throughput and latency of the real gateway (`src/main.ts`, as `npm start` runs it, in production
 * mode) over HTTP, for a fixed article query and a fixed list query, with the cache off, with Redis
 * warm, with records cached in process, with the in-process levels (records and whole answers) warm,
 * and the same with rate limits charged in Redis; and, as the ceiling, a bare Node `http` server sending
 * the same precomputed answer to the same requests, measured right before and right after each mode (this machine's speed
 * drifts by tens of percent within minutes, so a ratio means something only between runs close in time).
 * autocannon runs in this process, each server in its own, so on a two-core machine the load
 * generator and the server each have a core (Redis and PostgreSQL share).
 *
 * Needs DATABASE_URL (and DATABASE_SCHEMA) naming a seeded store; Redis from REDIS_URL, default the
 * local one. BENCH_SECONDS (default 10) sets each measurement's length, after a 3-second warm-up.
 * BENCH_MODES (default all) picks modes by id, comma-separated: off, redis, records, memory, limits,
 * and the peers, peer and postgraphile; the ceiling always runs, and the first mode's answer is the
 * one the others must equal. BENCH_TARGETS (default both) picks the queries by name: article, list.
 *
 * The miss path (mode `off`) is also compared with peers (which need `off`), on the same store with
 * the same pool size, each measured right before and right after the uncached gateway: `peer`, the
 * least a GraphQL server can do for these queries, graphql-js with one hand-written statement per
 * query that builds the whole answer in PostgreSQL (./peer.ts); and `postgraphile`, PostGraphile 5
 * asked for the same in its own names (./postgraphile.ts; it adds a function in a schema of its own,
 * `<DATABASE_SCHEMA>_postgraphile`). A peer's `data` must equal the gateway's, or the bench stops.
 * Every server's CPU time per request (user + system, from /proc) is reported beside its
 * throughput: issue 19's goal for a miss is newsgate's at most 1.5 times the one-statement peer's
 * and under half PostGraphile's, with p99 under 100 ms for the article and 400 ms for the list.
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
const PICKED = process.env.BENCH_MODES?.split(',');
const MODES = PICKED ? ALL_MODES.filter((mode) => PICKED.includes(mode.id)) : ALL_MODES;
/** BENCH_TARGETS (default both) picks the queries by name, comma-separated: article, list. */
const PICKED_TARGETS = process.env.BENCH_TARGETS?.split(',');

/**
 * A server newsgate's miss path is compared with: its entry point (started with the bench's
 * environment and `env`), its request for a bench target, and its answer's `data` in newsgate's
 * shape. The goal: newsgate's CPU per request on a miss at most `cpuGoal` times the peer's.
 */
interface Peer {
  id: string;
  name: string;
  file: string;
  env: Record<string, string>;
  cpuGoal: number;
  request(target: Target): Target;
  data(target: Target, data: any): unknown;
}

const ALL_PEERS: Peer[] = [
  { id: 'peer', name: 'one-stmt peer', file: 'tools/bench/peer-server.ts', env: {}, cpuGoal: 1.5, request: (target) => target, data: (_, data) => data },
  { id: 'postgraphile', name: 'PostGraphile 5', file: 'tools/bench/postgraphile-server.ts',
    env: { GRAPHILE_ENV: 'production' }, cpuGoal: 0.5, request: postgraphileTarget, data: asNewsgateData },
];
const PEERS = PICKED ? ALL_PEERS.filter((peer) => PICKED.includes(peer.id)) : ALL_PEERS;
if (PEERS.length > 0 && !MODES.some((mode) => mode.id === 'off')) {
  throw new Error(`BENCH_MODES: ${PEERS.map((peer) => peer.id).join(', ')} measured beside the uncached gateway only; add off (e.g. BENCH_MODES=off,peer)`);
}

/** Issue 19's bound on a miss's p99 at 50 connections, per query. */
const P99_GOAL_MS: Record<string, number> = { article: 100, list: 400 };

interface Measured extends Figures { ceiling: { rps: number; before: number; after: number; cpuMsPerRequest: number } }

/** One round's miss path against one peer: the uncached gateway, and the mean of the peer's runs right before and after it. */
interface MissPath { gateway: Figures; peer: Figures }

/** A server under load: where to send requests, and its process (whose CPU time is measured). */
interface Server { url: string; child: ChildProcess }

/** What a load of `target` sends. */
function requestsOf(target: Target): string | readonly string[] {
  return target.bodies ?? target.body;
}

/** Warms the server up with one short run, lets it finish what that run left in flight, then measures. */
async function measure(server: Server, body: string | readonly string[]): Promise<Figures> {
  await load(server.url, body, WARMUP_SECONDS);
  await settled(server.child.pid!);
  return load(server.url, body, SECONDS, server.child.pid);
}

/** Two runs as one: the mean of each figure (the slower second of the two, the sum of failures). */
function meanOf(a: Figures, b: Figures): Figures {
  const mean = (pick: (figures: Figures) => number) => (pick(a) + pick(b)) / 2;
  return {
    rps: mean((f) => f.rps), minRps: Math.min(a.minRps, b.minRps), p50: mean((f) => f.p50), p99: mean((f) => f.p99),
    failures: a.failures + b.failures, cpuMsPerRequest: mean((f) => f.cpuMsPerRequest),
    opening: { p50: mean((f) => f.opening.p50), max: Math.max(a.opening.max, b.opening.max) },
  };
}

async function main(): Promise<void> {
  const targets = (await benchTargets()).filter((target) => !PICKED_TARGETS || PICKED_TARGETS.includes(target.name));
  if (targets.length === 0) throw new Error(`BENCH_TARGETS: ${process.env.BENCH_TARGETS} names no query; the queries are article and list`);

  const results = new Map<string, Map<string, Measured[]>>(targets.map((target) => [target.name, new Map()]));
  const answers = new Map<string, { headers: Record<string, string>; text: string }>();
  const ceilings = new Map<string, Server>();
  /** By target, then by peer. */
  const missPaths = new Map<string, Map<Peer, MissPath[]>>(targets.map((target) => [target.name, new Map(PEERS.map((peer) => [peer, []]))]));
  const peers = new Map<Peer, Server>();
  const dir = mkdtempSync(join(tmpdir(), 'ng-ceiling-'));
  const prefix = `bench${process.pid}`;
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      if (ROUNDS > 1) console.log(`round ${round} of ${ROUNDS}`);
      for (const mode of MODES) {
        const port = await freePort();
        const url = `http://127.0.0.1:${port}/graphql`;
        const gateway = await startServer(gatewayEntry(), [], {
          ...mode.env, PORT: String(port), HOST: '127.0.0.1', NODE_ENV: 'production', CACHE_PREFIX: prefix, SEED_WORKED_EXAMPLE: 'false',
        }, async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200);
        const server = { url, child: gateway };
        const compared = mode.id === 'off' ? PEERS : [];
        for (const peer of compared) if (!peers.has(peer)) peers.set(peer, await startPeer(peer));
        try {
          for (const target of targets) {
            const answer = await post(url, target.body);
            const first = answers.get(target.name);
            if (!first) answers.set(target.name, answer);
            else if (!isDeepStrictEqual(JSON.parse(first.text), JSON.parse(answer.text))) {
              throw new Error(`${mode.name} answered the ${target.name} query differently from the uncached gateway`);
            }
            for (const peer of compared) await checkPeer(peer, peers.get(peer)!, target, answer);
            if (!ceilings.has(target.name)) ceilings.set(target.name, await startCeiling(dir, target, answers.get(target.name)!));
            // The machine's speed drifts within minutes: each mode is compared with the mean of ceiling
            // runs right before and right after it (and the miss path with the peers', just inside those).
            const ceilingServer = ceilings.get(target.name)!;
            // Sent the same requests as the gateway: autocannon costs the load's process more per
            // request when the bodies vary, and that process shares the machine with the server.
            const before = await measure(ceilingServer, requestsOf(target));
            const peersBefore = new Map<Peer, Figures>();
            for (const peer of compared) peersBefore.set(peer, await measure(peers.get(peer)!, requestsOf(peer.request(target))));
            const figures = await measure(server, requestsOf(target));
            const peersAfter = new Map<Peer, Figures>();
            for (const peer of [...compared].reverse()) peersAfter.set(peer, await measure(peers.get(peer)!, requestsOf(peer.request(target))));
            const after = await measure(ceilingServer, requestsOf(target));
            const ceilingFigures = meanOf(before, after);
            const ceiling = { rps: ceilingFigures.rps, before: before.rps, after: after.rps, cpuMsPerRequest: ceilingFigures.cpuMsPerRequest };
            const byMode = results.get(target.name)!;
            byMode.set(mode.name, [...(byMode.get(mode.name) ?? []), { ...figures, ceiling }]);
            console.log(`  ${target.name.padEnd(8)} ${mode.name.padEnd(16)} ${line(figures)}  ` +
              `(bare http before ${before.rps.toFixed(0)}, after ${after.rps.toFixed(0)} req/s)`);
            for (const peer of compared) {
              const [peerBefore, peerAfter] = [peersBefore.get(peer)!, peersAfter.get(peer)!];
              const peerFigures = meanOf(peerBefore, peerAfter);
              byMode.set(peer.name, [...(byMode.get(peer.name) ?? []), { ...peerFigures, ceiling }]);
              missPaths.get(target.name)!.get(peer)!.push({ gateway: figures, peer: peerFigures });
              console.log(`  ${target.name.padEnd(8)} ${peer.name.padEnd(16)} ${line(peerFigures)}  ` +
                `(before ${peerBefore.rps.toFixed(0)}, after ${peerAfter.rps.toFixed(0)} req/s)`);
            }
          }
        } finally {
          await stopServer(gateway);
        }
      }
      // Each round's ceilings and peers are fresh processes too.
      await stopAll(ceilings);
      await stopAll(peers);
    }
  } finally {
    await stopAll(ceilings);
    await stopAll(peers);
    rmSync(dir, { recursive: true, force: true });
  }

  const rounds = ROUNDS > 1 ? `, ${ROUNDS} rounds of fresh processes (medians; the range of each round's ratio to the ceiling)` : '';
  console.log(`\nnewsgate over HTTP: ${CONNECTIONS} connections, ${SECONDS} s each after ${WARMUP_SECONDS} s of warm-up${rounds}; ` +
    'the ceiling is the mean of a bare Node http server sending the same answer right before and after each mode');
  console.log('query    mode             req/s    p50 ms  p99 ms  cpu ms/req  x uncached  ceiling req/s  ceiling cpu  x ceiling  failed' +
    (ROUNDS > 1 ? '  x ceiling range' : ''));
  for (const [target, byMode] of results) {
    const uncached = byMode.has('cache off') ? median(byMode.get('cache off')!.map((m) => m.rps)) : Number.NaN;
    for (const [mode, runs] of byMode) {
      const rps = median(runs.map((m) => m.rps));
      const ratios = runs.map((m) => m.rps / m.ceiling.rps);
      const failures = runs.reduce((sum, m) => sum + m.failures, 0);
      console.log(`${target.padEnd(8)} ${mode.padEnd(16)} ${rps.toFixed(0).padStart(6)}  ` +
        `${ms(median(runs.map((m) => m.p50))).padStart(6)}  ${ms(median(runs.map((m) => m.p99))).padStart(6)}  ` +
        `${median(runs.map((m) => m.cpuMsPerRequest)).toFixed(3).padStart(10)}  ` +
        `${ratio(rps, uncached).padStart(10)}  ${median(runs.map((m) => m.ceiling.rps)).toFixed(0).padStart(13)}  ` +
        `${median(runs.map((m) => m.ceiling.cpuMsPerRequest)).toFixed(3).padStart(11)}  ` +
        `${median(ratios).toFixed(2).padStart(9)}  ${String(failures).padStart(6)}` +
        (ROUNDS > 1 ? `  ${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}`.padStart(17) : ''));
    }
  }
  if (PEERS.length > 0) printMissPaths(missPaths);
}

/**
 * The miss path against each peer, per query: medians over rounds, each round's ratios taken against
 * the mean of the peer's runs right before and after the gateway's; and whether issue 19's goal
 * holds (CPU per request at most the peer's `cpuGoal` times the peer's, p99 under the query's bound).
 */
function printMissPaths(missPaths: Map<string, Map<Peer, MissPath[]>>): void {
  console.log(`\nthe miss path: newsgate with the cache off against ${PEERS.map((peer) => peer.name).join(' and ')}, on the same store ` +
    'and pool size, each the mean of its runs right before and after the gateway; CPU is each server process\'s user + system ' +
    'time per request' + (ROUNDS > 1 ? '; medians, with the range of each round\'s ratio' : ''));
  console.log('query    peer             newsgate req/s  peer req/s  x req/s  newsgate p50/p99 ms  peer p50/p99 ms  newsgate cpu ms/req  ' +
    'peer cpu ms/req  x cpu' + (ROUNDS > 1 ? '  x cpu range  x req/s range' : '') + '  goal');
  for (const [target, byPeer] of missPaths) {
    for (const [peer, runs] of byPeer) {
      if (runs.length === 0) continue;
      const pick = (server: 'gateway' | 'peer', figure: 'rps' | 'p50' | 'p99' | 'cpuMsPerRequest') => median(runs.map((run) => run[server][figure]));
      const cpuRatios = runs.map((run) => run.gateway.cpuMsPerRequest / run.peer.cpuMsPerRequest);
      const rpsRatios = runs.map((run) => run.gateway.rps / run.peer.rps);
      const p99 = pick('gateway', 'p99');
      const met = median(cpuRatios) <= peer.cpuGoal && p99 < P99_GOAL_MS[target];
      console.log(`${target.padEnd(8)} ${peer.name.padEnd(16)} ${pick('gateway', 'rps').toFixed(0).padStart(14)}  ` +
        `${pick('peer', 'rps').toFixed(0).padStart(10)}  ${median(rpsRatios).toFixed(2).padStart(7)}  ` +
        `${`${ms(pick('gateway', 'p50'))}/${ms(p99)}`.padStart(19)}  ${`${ms(pick('peer', 'p50'))}/${ms(pick('peer', 'p99'))}`.padStart(15)}  ` +
        `${pick('gateway', 'cpuMsPerRequest').toFixed(3).padStart(19)}  ${pick('peer', 'cpuMsPerRequest').toFixed(3).padStart(15)}  ` +
        `${median(cpuRatios).toFixed(2).padStart(5)}` +
        (ROUNDS > 1 ? `  ${range(cpuRatios).padStart(11)}  ${range(rpsRatios).padStart(13)}` : '') +
        `  ${met ? 'met' : 'MISSED'} (cpu x <= ${peer.cpuGoal}, p99 < ${P99_GOAL_MS[target]} ms)`);
    }
  }
}

/** Starts `peer` on the bench's store (DATABASE_URL and DATABASE_SCHEMA, from this environment). */
async function startPeer(peer: Peer): Promise<Server> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/graphql`;
  const child = await startServer(peer.file, [String(port)], peer.env, async () => {
    await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    return true;
  });
  return { url, child };
}

/** Throws, showing where, unless `peer`'s `data` for `target` (in newsgate's shape) equals the gateway's. */
async function checkPeer(peer: Peer, server: Server, target: Target, gateway: { text: string }): Promise<void> {
  const expected = (JSON.parse(gateway.text) as { data: unknown }).data;
  const actual = peer.data(target, (JSON.parse((await post(server.url, peer.request(target).body)).text) as { data: unknown }).data);
  if (!isDeepStrictEqual(expected, actual)) {
    const [want, got] = [JSON.stringify(expected), JSON.stringify(actual)];
    let at = 0;
    while (at < want.length && want[at] === got[at]) at++;
    throw new Error(`${peer.name} answered the ${target.name} query differently from the gateway, from character ${at}:\n` +
      `  gateway: …${want.slice(Math.max(0, at - 80), at + 120)}\n  peer:    …${got.slice(Math.max(0, at - 80), at + 120)}`);
  }
}

/** Stops every server in `servers` and empties it. */
async function stopAll(servers: Map<unknown, { child: ChildProcess }>): Promise<void> {
  await Promise.all([...servers.values()].map(({ child }) => stopServer(child)));
  servers.clear();
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

/** The smallest and largest of `values`, to two places. */
function range(values: number[]): string {
  return `${Math.min(...values).toFixed(2)}-${Math.max(...values).toFixed(2)}`;
}

/** A latency in whole ms, or to one place when it is a mean of two runs that is not whole. */
function ms(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

/** `a / b` to two places; a dash when `b` was not measured (BENCH_MODES without `off`). */
function ratio(a: number, b: number): string {
  return Number.isNaN(b) ? '-' : (a / b).toFixed(2);
}

function line(figures: Figures): string {
  return `${figures.rps.toFixed(0).padStart(6)} req/s  p50 ${ms(figures.p50)} ms  p99 ${ms(figures.p99)} ms  ` +
    `cpu ${figures.cpuMsPerRequest.toFixed(3)} ms/req  failed ${figures.failures}  ` +
    `(each connection's first request: p50 ${ms(figures.opening.p50)} ms, max ${ms(figures.opening.max)} ms)`;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
