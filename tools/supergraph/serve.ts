import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { join } from 'node:path';
import { SUBGRAPH_SECRET_HEADER } from '../../src/http/subgraph';
import { playgroundAssets } from '../../src/http/playground-assets';
import { composeSupergraph } from './compose';
import { createHiveRouter } from './hive-router';
import { startMediaSubgraph } from './media-subgraph';
import { FEDERATED_EXAMPLE } from './playground';
import { freePort, until } from '../../test/support/processes';

/**
 * `npm run supergraph`: a supergraph to try on one machine, offline. Starts three servers on
 * 127.0.0.1 and stops them all on Ctrl-C (SIGINT) or SIGTERM:
 * - newsgate itself as `npm start` runs it (built first), with the embedded store seeded with the
 *   worked example, on a free port, its `_service` and `_entities` guarded by a secret made for
 *   this run (SUBGRAPH_SECRET);
 * - the example media subgraph (./media-subgraph.ts), on a free port;
 * - Hive Gateway's runtime over the two, composed with The Guild's composer, at
 *   http://127.0.0.1:SUPERGRAPH_PORT/graphql (default 4000), with GraphiQL for browsers; it sends
 *   newsgate the secret header with every request.
 */

const ROOT = join(__dirname, '..', '..');
const PORT = Number(process.env.SUPERGRAPH_PORT ?? 4000);

/** What stops each server started so far, in start order. */
const running: { name: string; stop(): Promise<void> }[] = [];

/** Stops the servers, last started first; never rejects. */
async function stopAll(): Promise<void> {
  for (const server of running.splice(0).reverse()) {
    await server.stop().catch((error: unknown) => console.error(`could not stop ${server.name}:`, error));
  }
}

const hasExited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

/** newsgate as `npm start` runs it: `npm run build`, then dist/main.js with `env` on top of ours. */
async function startNewsgate(env: Record<string, string>): Promise<string> {
  const build = spawnSync(process.execPath, ['tools/build.mjs'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('npm run build failed');
  const port = await freePort();
  const child = spawn(process.execPath, ['--enable-source-maps', 'dist/main.js'], {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  running.push({
    name: 'newsgate',
    stop: () => new Promise((resolve) => {
      if (hasExited(child)) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  });
  const base = `http://127.0.0.1:${port}`;
  await until(async () => {
    if (hasExited(child)) throw new Error(`newsgate exited at start (${child.exitCode ?? child.signalCode})`);
    return fetch(`${base}/healthz`).then((response) => response.ok, () => false);
  }, 'newsgate to answer /healthz', 60_000);
  return `${base}/graphql`;
}

async function main(): Promise<void> {
  const secret = randomBytes(24).toString('base64url');
  const newsgateUrl = await startNewsgate({
    SUBGRAPH_SECRET: secret, SEED_WORKED_EXAMPLE: 'true', PLAYGROUND: 'false', LOG_LEVEL: 'warn',
    // The embedded store in memory and the in-process cache, whatever the shell says.
    DATABASE_URL: '', PGLITE_DATA_DIR: '', REDIS_URL: '', REDIS_CLUSTER_NODES: '', CACHE: 'memory',
  });
  const media = await startMediaSubgraph();
  running.push({ name: 'the media subgraph', stop: media.stop });
  const subgraphHeaders = { newsgate: { [SUBGRAPH_SECRET_HEADER]: secret } };
  const supergraphSdl = await composeSupergraph([
    { name: 'newsgate', url: newsgateUrl, headers: subgraphHeaders.newsgate },
    { name: 'media', url: media.url },
  ]);
  // The playground's files take seconds to bundle: before the URL is printed, not at the first visit.
  await playgroundAssets();
  const router = createHiveRouter({ supergraphSdl, subgraphHeaders, playground: true });
  const server = http.createServer(router);
  running.push({
    name: 'the router',
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await router.dispose();
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(PORT, '127.0.0.1', resolve);
  });
  const url = `http://127.0.0.1:${PORT}/graphql`;
  const oneLine = FEDERATED_EXAMPLE.replace(/#.*\n/g, '').replace(/\s+/g, ' ').trim();
  console.log(`
The supergraph (newsgate and the media subgraph through Hive Gateway) is at ${url}
Open it in a browser for GraphiQL, or ask it from a shell:

curl -s ${url} -H 'content-type: application/json' \\
  -d '${JSON.stringify({ query: oneLine })}'

Subgraphs: newsgate at ${newsgateUrl} (its _service and _entities need the ${SUBGRAPH_SECRET_HEADER} header),
media at ${media.url}. Ctrl-C stops all three.`);
}

let stopping = false;
const shutdown = async (code: number) => {
  if (stopping) return;
  stopping = true;
  await stopAll();
  if (code === 0) console.log('stopped: the router, the media subgraph and newsgate');
  process.exit(code);
};
// A Ctrl-C in a terminal reaches newsgate too (same process group); it shuts down on its own and
// its stop above then only waits for it to exit.
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

main().catch(async (error) => {
  console.error('the supergraph could not start:', error instanceof Error ? error.message : error);
  await shutdown(1);
});
