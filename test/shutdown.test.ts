import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { ContentStore } from '../src/store/store';
import { startTestGateway, type TestGateway } from './support/gateway';
import { Http1Connection, graphqlPost, type Http1Answer } from './support/http1';
import { openTestStore } from './support/stores';

const ROOT = join(__dirname, '..');

const COUNT = '{ articles { totalCount } }';
const SLOW = '{ authors { totalCount } }';
const TYPENAME = '{ __typename }';
const ANSWERS: Record<string, unknown> = {
  [COUNT]: { data: { articles: { totalCount: 0 } } },
  [SLOW]: { data: { authors: { totalCount: 0 } } },
  [TYPENAME]: { data: { __typename: 'Query' } },
};

/** `count` connections, each answered once with keep-alive and left open. */
async function keptAlive(url: string, count: number): Promise<Http1Connection[]> {
  return Promise.all(Array.from({ length: count }, async () => {
    const connection = await Http1Connection.open(url);
    expect((await connection.request(graphqlPost(TYPENAME))).headers.connection).toBe('keep-alive');
    return connection;
  }));
}

/** The answer to `query`, the last on its connection: complete, and saying so. */
function expectLastAnswer(answer: Http1Answer, query: string): void {
  expect({ status: answer.status, connection: answer.headers.connection, body: JSON.parse(answer.body) })
    .toEqual({ status: 200, connection: 'close', body: ANSWERS[query] });
}

/** Makes the store take 400 ms longer to list authors (`SLOW`): a request still executing when the stop begins. */
function slowAuthors(store: ContentStore): void {
  const listAuthors = store.listAuthors.bind(store);
  jest.spyOn(store, 'listAuthors').mockImplementation(async (page) => {
    await new Promise((resolve) => setTimeout(resolve, 400));
    return listAuthors(page);
  });
}

async function responseCacheHits(api: TestGateway): Promise<number> {
  const hits = await api.gateway.metrics.registry.getSingleMetric('newsgate_response_cache_hits_total')?.get();
  return hits?.values.reduce((sum, { value }) => sum + value, 0) ?? 0;
}

describe('shutdown', () => {
  it('cuts what is still running a second before the shutdown timeout, leaving that second to close the store', async () => {
    const t = await openTestStore('pglite');
    const api = await startTestGateway(t.store, { shutdownTimeoutMs: 1_500 });
    const listAuthors = t.store.listAuthors.bind(t.store);
    jest.spyOn(t.store, 'listAuthors').mockImplementation(async (page) => {
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      return listAuthors(page);
    });
    const inFlight = api.gql(SLOW).then(() => 'answered', () => 'cut');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    await api.stop();
    const stoppedAfter = Date.now() - started;
    expect(await inFlight).toBe('cut');
    expect(stoppedAfter).toBeGreaterThanOrEqual(450);
    expect(stoppedAfter).toBeLessThan(1_500);
    await new Promise((resolve) => setTimeout(resolve, 3_000)); // the store call ends before the store closes
    await t.dispose();
  });

  it('answers requests in flight before the server stops, then refuses new connections', async () => {
    const t = await openTestStore('pglite');
    const api = await startTestGateway(t.store);
    slowAuthors(t.store);
    const inFlight = api.gql(SLOW);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await api.stop();
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(response.data).toEqual({ authors: { totalCount: 0 } });
    await expect(fetch(api.url, { method: 'POST' })).rejects.toThrow();
    await t.dispose();
  });

  it('does not wait for idle keep-alive connections to stop', async () => {
    const t = await openTestStore('pglite');
    const api = await startTestGateway(t.store);
    const [connection] = await keptAlive(api.url, 1);
    const started = Date.now();
    await api.stop();
    await connection.closed;
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(connection.errors).toEqual([]);
    await t.dispose();
  });

  it('answers every request on a kept-alive connection while draining with `Connection: close`, resets none, closes idle ones at once', async () => {
    const t = await openTestStore('pglite');
    const api = await startTestGateway(t.store, { http: { responseCache: { ttlMs: 60_000, maxBytes: 2 ** 20 } } });
    slowAuthors(t.store);
    const idle = await keptAlive(api.url, 3);
    expect((await idle[0].request(graphqlPost(COUNT))).status).toBe(200); // now a cached answer
    const busy = await keptAlive(api.url, 2);
    const arriving = await keptAlive(api.url, 2);
    const reusing = await keptAlive(api.url, 2);
    const partial = await keptAlive(api.url, 2);
    const queries = [COUNT, TYPENAME]; // a cached answer and one executed, on each pair below
    for (const connection of busy) connection.write(graphqlPost(SLOW));
    // Requests whose headers and half their body arrive before the stop, the rest during the drain.
    const halves = queries.map((query) => [graphqlPost(query).slice(0, -10), graphqlPost(query).slice(-10)]);
    partial.forEach((connection, i) => connection.write(halves[i][0]));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const hitsBefore = await responseCacheHits(api);

    // Idle when the stop begins, as a busy client's connection is between two requests: the next
    // comes a moment later (this timer is due before any the stop sets).
    const moment = new Promise((resolve) => setTimeout(resolve, 10));
    // Written in the tick the stop begins: received by the kernel, not yet read by the gateway.
    arriving.forEach((connection, i) => connection.write(graphqlPost(queries[i])));
    const stopped = api.stop();
    await moment;
    reusing.forEach((connection, i) => connection.write(graphqlPost(queries[i])));
    await expect(Http1Connection.open(api.url)).rejects.toMatchObject({ code: 'ECONNREFUSED' });

    await Promise.all(idle.map((connection) => connection.closed));
    expect(busy.map((connection) => connection.answers.length)).toEqual([1, 1]); // still executing
    partial.forEach((connection, i) => connection.write(halves[i][1]));

    await Promise.all([
      ...busy.map(async (connection) => expectLastAnswer(await connection.answer(2), SLOW)),
      ...[...arriving, ...reusing, ...partial].map(async (connection, i) => expectLastAnswer(await connection.answer(2), queries[i % 2])),
    ]);
    const all = [...idle, ...busy, ...arriving, ...reusing, ...partial];
    await Promise.all(all.map((connection) => connection.closed));
    expect(all.map((connection) => connection.errors)).toEqual(all.map(() => []));
    await stopped;
    expect(await responseCacheHits(api) - hitsBefore).toBe(3); // COUNT, on an arriving, a reusing and a partial connection
    await t.dispose();
  });

  it('exits cleanly on SIGTERM after `npm start`, answering kept-alive clients with `Connection: close`, closing the store', async () => {
    const child = spawn(process.execPath, [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'src/main.ts'], {
      // Production, as deployed: Jest's NODE_ENV=test would hide Apollo's own signal handlers.
      cwd: ROOT, env: { ...process.env, NODE_ENV: 'production', PORT: '0', HOST: '127.0.0.1', DATABASE_URL: '', PGLITE_DATA_DIR: '', REDIS_URL: '' },
    });
    const lines: any[] = [];
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      for (const line of chunk.split('\n').filter(Boolean)) lines.push(JSON.parse(line));
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const deadline = Date.now() + 30_000;
    while (!lines.some((l) => l.url) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const { url } = lines.find((l) => l.url);
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ articles { totalCount } }"}' });
    expect(await response.json()).toEqual({ data: { articles: { totalCount: 1 } } });
    const [idle, sending] = await keptAlive(url, 2);
    const request = graphqlPost(COUNT);
    sending.write(request.slice(0, -10));

    child.kill('SIGTERM');
    await idle.closed;
    sending.write(request.slice(-10));
    const answer = await sending.answer(2);
    expect({ status: answer.status, connection: answer.headers.connection, body: JSON.parse(answer.body) })
      .toEqual({ status: 200, connection: 'close', body: { data: { articles: { totalCount: 1 } } } });
    await sending.closed;
    expect([idle.errors, sending.errors]).toEqual([[], []]);
    expect(await exited).toBe(0);
    expect(lines.map((l) => l.msg)).toEqual(expect.arrayContaining(['shutting down: finishing requests in flight', 'stopped']));
  });
});
