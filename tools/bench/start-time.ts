/**
 * `npm run bench:start [-- --runs N]`: how long `npm start` takes to answer its first query, and where
 * the time goes. Each run launches `npm start` (its prestart build included) on a free port with the
 * in-memory store, POSTs the worked example's query every 10 ms until one is answered, then stops it.
 * Phases come from the gateway's JSON log and from marks that ./start-marks.cjs reports; prints each
 * run and the medians, with the machine's load average (other work on it slows every phase).
 */
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { freePort, median } from './harness';

const ROOT = join(__dirname, '..', '..');
const QUERY = JSON.stringify({ query: '{ articles(first: 1) { edges { node { headline } } } }' });

/** The phases of one start, in milliseconds, in the order they happen. */
type Phases = Record<string, number>;

/** Launches `npm start`; resolves with its phases once it answered and has stopped. */
async function oneStart(): Promise<Phases> {
  const port = await freePort();
  const launched = Date.now();
  const child = spawn('npm', ['start'], {
    cwd: ROOT,
    detached: true, // its own process group: npm, the build and the gateway stop together
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_FORMAT: 'json', DATABASE_URL: '', PGLITE_DATA_DIR: '',
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${join(__dirname, 'start-marks.cjs')}`,
    },
  });
  const times = new Map<string, number>();
  let buildMs = 0;
  let output = '';
  const read = (line: string) => {
    output += `${line}\n`;
    const mark = /^start-mark (\{.*\})$/.exec(line);
    const build = /^build: .* in (\d+) ms$/.exec(line);
    if (mark) {
      const { mark: name, time } = JSON.parse(mark[1]) as { mark: string; time: number };
      times.set(name, time);
    } else if (line.startsWith('{')) {
      const record = JSON.parse(line) as { msg: string; time: number };
      if (!times.has(record.msg)) times.set(record.msg, record.time);
    } else if (build) {
      buildMs = Number(build[1]);
    }
  };
  createInterface({ input: child.stdout }).on('line', read);
  createInterface({ input: child.stderr }).on('line', read);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  let answered = 0;
  const deadline = launched + 60_000;
  while (!answered) {
    if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}:\n${output}`);
    if (Date.now() > deadline) throw new Error(`npm start answered nothing within 60 s:\n${output}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: QUERY,
      });
      if (response.ok && !(await response.json() as { errors?: unknown }).errors) answered = Date.now();
    } catch { /* not listening yet */ }
    if (!answered) await new Promise((resolve) => setTimeout(resolve, 10));
  }
  process.kill(-child.pid!, 'SIGTERM');
  await exited;

  const at = (name: string) => {
    const time = times.get(name);
    if (time === undefined) throw new Error(`no "${name}" in the output of npm start:\n${output}`);
    return time;
  };
  const seeded = times.get('empty store: loaded the worked example') ?? at('content store open and migrated');
  return {
    'npm and the build (prestart)': at('process started') - launched,
    '  of which the build': buildMs,
    'node and loading modules': at('modules loaded') - at('process started'),
    'store: PGlite and migrations': at('content store open and migrated') - at('modules loaded'),
    'worked example loaded': seeded - at('content store open and migrated'),
    'gateway built and listening': at('newsgate is serving GraphQL') - seeded,
    'first query answered': answered - at('newsgate is serving GraphQL'),
    'total: npm start to first answer': answered - launched,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' } } });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a whole number of at least 1');
  const load = () => loadavg()[0].toFixed(2);
  console.log(`load average before: ${load()}`);
  const results: Phases[] = [];
  for (let run = 1; run <= runs; run += 1) {
    const phases = await oneStart();
    results.push(phases);
    console.log(`run ${run}: ${phases['total: npm start to first answer']} ms to the first answer`);
  }
  const width = Math.max(...Object.keys(results[0]).map((name) => name.length));
  console.log(`load average after: ${load()}\n\nmedian of ${runs} run(s), ms:`);
  for (const name of Object.keys(results[0])) {
    console.log(`  ${name.padEnd(width)}  ${String(Math.round(median(results.map((phases) => phases[name])))).padStart(6)}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
