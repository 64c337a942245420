import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect } from 'node:net';
import { join } from 'node:path';
import { startTestGateway } from './support/gateway';
import { openTestStore } from './support/stores';

const ROOT = join(__dirname, '..');

describe('shutdown', () => {
  it('answers requests in flight before the server stops, then refuses new connections', async () => {
    const t = await openTestStore('pglite');
    const api = await startTestGateway(t.store);
    const listAuthors = t.store.listAuthors.bind(t.store);
    jest.spyOn(t.store, 'listAuthors').mockImplementation(async (page) => {
      await new Promise((resolve) => setTimeout(resolve, 400));
      return listAuthors(page);
    });
    const inFlight = api.gql(`{ authors { totalCount } }`);
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
    const socket = connect(Number(new URL(api.url).port), '127.0.0.1');
    await once(socket, 'connect');
    // One answered request leaves the connection open and idle (HTTP/1.1 keep-alive).
    socket.write('POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 26\r\n\r\n{"query":"{ __typename }"}');
    await once(socket, 'data');
    const closed = once(socket, 'close');
    const started = Date.now();
    await api.stop();
    await closed;
    expect(Date.now() - started).toBeLessThan(1_000);
    await t.dispose();
  });

  it('exits cleanly on SIGTERM after `npm start`, closing the store', async () => {
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

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(lines.map((l) => l.msg)).toEqual(expect.arrayContaining(['shutting down: finishing requests in flight', 'stopped']));
  });
});
