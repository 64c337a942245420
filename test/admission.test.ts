import { type IncomingMessage, type Server, type ServerResponse, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type AdmissionLimits, admission, checkAdmission } from '../src/http/admission';
import { loadConfig } from '../src/config';
import { gatewaysOverWorkedExample } from './support/gateway';

/**
 * A server whose only handler is the admission step, then a handler that holds each admitted
 * response until the test lets it go (`finish`), noting the order requests were admitted in.
 */
async function heldServer(limits: AdmissionLimits) {
  const refusals: string[] = [];
  const step = admission(limits, (code) => refusals.push(code));
  const admitted: string[] = [];
  const held: ServerResponse[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    step(req, res, (error) => {
      if (error) throw error;
      admitted.push(req.url!.slice(1));
      held.push(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  /** Sends request `name`; resolves to its status, headers and body once answered. */
  const send = (name: string, signal?: AbortSignal) => fetch(`http://127.0.0.1:${port}/${name}`, { method: 'POST', body: '{}', signal })
    .then(async (response) => ({ status: response.status, retryAfter: response.headers.get('retry-after'), body: await response.json() as any }));
  /** Answers the oldest held request. */
  const finish = () => held.shift()!.end('{"done":true}');
  /** Lets the oldest held request go, then sends one more and expects it admitted next (after `first`) and answered. */
  const finishThenRun = async (first: string) => {
    finish();
    const next = send('next');
    await until(() => admitted.length === 2);
    finish();
    expect((await next).status).toBe(200);
    expect(admitted).toEqual([first, 'next']);
  };
  const close = () => new Promise<void>((resolve) => {
    for (const res of held.splice(0)) res.end('{}');
    server.closeAllConnections();
    server.close(() => resolve());
  });
  return { step, admitted, refusals, send, finish, finishThenRun, close, port };
}

/** Resolves once `check` holds, polling every 5 ms for up to 2 s. */
async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 2_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached within 2 s');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('admission', () => {
  it('answers at most maxConcurrent requests at once; the others wait and go in the order they came', async () => {
    const s = await heldServer({ maxConcurrent: 2, maxQueued: 10, queueTimeoutMs: 5_000 });
    try {
      const answers = [];
      for (const name of ['a', 'b', 'c', 'd', 'e']) {
        answers.push(s.send(name));
        // Each arrives before the next is sent, so the arrival order is known.
        await until(() => s.step.inFlight + s.step.queued === answers.length);
      }
      expect(s.admitted).toEqual(['a', 'b']);
      expect({ inFlight: s.step.inFlight, queued: s.step.queued }).toEqual({ inFlight: 2, queued: 3 });
      s.finish();
      await until(() => s.admitted.length === 3);
      expect(s.admitted).toEqual(['a', 'b', 'c']);
      s.finish();
      s.finish();
      await until(() => s.admitted.length === 5);
      expect(s.admitted).toEqual(['a', 'b', 'c', 'd', 'e']);
      s.finish();
      s.finish();
      expect((await Promise.all(answers)).map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200]);
      await until(() => s.step.inFlight === 0);
      expect(s.refusals).toEqual([]);
    } finally {
      await s.close();
    }
  });

  it('refuses at once, OVERLOADED with Retry-After, a request beyond the queue', async () => {
    const s = await heldServer({ maxConcurrent: 1, maxQueued: 1, queueTimeoutMs: 5_000 });
    try {
      const first = s.send('first');
      await until(() => s.step.inFlight === 1);
      const second = s.send('second');
      await until(() => s.step.queued === 1);
      const third = await s.send('third');
      expect(third).toEqual({
        status: 503, retryAfter: '1',
        body: { errors: [{ message: 'this instance answers at most 1 requests at once and 1 requests are already waiting: retry in a second',
          extensions: { code: 'OVERLOADED', retryable: true } }] },
      });
      expect(s.refusals).toEqual(['OVERLOADED']);
      s.finish();
      await until(() => s.admitted.length === 2);
      s.finish();
      expect([(await first).status, (await second).status]).toEqual([200, 200]);
      expect(s.admitted).toEqual(['first', 'second']);
    } finally {
      await s.close();
    }
  });

  it('refuses a request that found no place within the queue timeout, without running it', async () => {
    const s = await heldServer({ maxConcurrent: 1, maxQueued: 10, queueTimeoutMs: 150 });
    try {
      void s.send('holder');
      await until(() => s.step.inFlight === 1);
      const started = Date.now();
      const late = await s.send('late');
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
      expect(late.status).toBe(503);
      expect(late.body.errors[0]).toMatchObject({ extensions: { code: 'OVERLOADED' }, message: expect.stringContaining('no place freed within 150 ms') });
      expect(s.step.queued).toBe(0);
      // The place it would have had, once freed, is not lost: the next request runs.
      await s.finishThenRun('holder');
    } finally {
      await s.close();
    }
  });

  it('gives up the turn of a request whose client left while it waited', async () => {
    const s = await heldServer({ maxConcurrent: 1, maxQueued: 10, queueTimeoutMs: 5_000 });
    try {
      void s.send('holder');
      await until(() => s.step.inFlight === 1);
      const leaving = new AbortController();
      const gone = s.send('gone', leaving.signal).catch((error: Error) => error.name);
      await until(() => s.step.queued === 1);
      leaving.abort();
      expect(await gone).toBe('AbortError');
      // Once the server has heard it leave, it no longer waits.
      await until(() => s.step.queued === 0);
      await s.finishThenRun('holder');
      await until(() => s.step.inFlight === 0 && s.step.queued === 0);
    } finally {
      await s.close();
    }
  });

  it('frees the place of a request whose client left while it was answered', async () => {
    const s = await heldServer({ maxConcurrent: 1, maxQueued: 10, queueTimeoutMs: 5_000 });
    try {
      const leaving = new AbortController();
      const gone = s.send('gone', leaving.signal).catch((error: Error) => error.name);
      await until(() => s.step.inFlight === 1);
      leaving.abort();
      expect(await gone).toBe('AbortError');
      await until(() => s.step.inFlight === 0);
      // Its response (closed with its connection) is still held here; `finishThenRun` lets it go first.
      await s.finishThenRun('gone');
    } finally {
      await s.close();
    }
  });

  it('admits everything at once with maxConcurrent 0', async () => {
    const s = await heldServer({ maxConcurrent: 0, maxQueued: 0, queueTimeoutMs: 1 });
    try {
      const answers = ['a', 'b', 'c'].map((name) => s.send(name));
      await until(() => s.admitted.length === 3);
      s.finish();
      s.finish();
      s.finish();
      expect((await Promise.all(answers)).map((answer) => answer.status)).toEqual([200, 200, 200]);
    } finally {
      await s.close();
    }
  });

  it('names every bad limit', () => {
    expect(() => checkAdmission({ maxConcurrent: -1, maxQueued: 1.5, queueTimeoutMs: 0 })).toThrow(
      'admission limits: maxConcurrent (-1) must be a whole number, 0 for no limit; maxQueued (1.5) must be a whole number; ' +
      'queueTimeoutMs (0) must be a positive whole number');
  });

  it('reads MAX_CONCURRENT_OPERATIONS, MAX_QUEUED_OPERATIONS and QUEUE_TIMEOUT_MS, with defaults', () => {
    expect(loadConfig({}).http.admission).toEqual({ maxConcurrent: 16, maxQueued: 1_000, queueTimeoutMs: 5_000 });
    expect(loadConfig({ MAX_CONCURRENT_OPERATIONS: '0', MAX_QUEUED_OPERATIONS: '50', QUEUE_TIMEOUT_MS: '250' }).http.admission)
      .toEqual({ maxConcurrent: 0, maxQueued: 50, queueTimeoutMs: 250 });
    expect(() => loadConfig({ MAX_CONCURRENT_OPERATIONS: '-1' })).toThrow(/MAX_CONCURRENT_OPERATIONS/);
  });
});

describe('admission in the gateway', () => {
  const t = gatewaysOverWorkedExample();

  /**
   * Holds a GraphQL POST in flight: admitted (admission comes before the body is read), its body
   * never finished. Resolves once sent; `end()` lets it go.
   */
  function heldPost(url: string) {
    const { hostname, port, pathname } = new URL(url);
    const held = request({ hostname, port, path: pathname, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': '1000' } });
    held.on('error', () => undefined);
    held.write('{"query":');
    return { end: () => held.destroy() };
  }

  it('answers OVERLOADED on the POST and GET paths while its places are taken, and serves once one frees', async () => {
    const api = await t.gateway({ http: { admission: { maxConcurrent: 1, maxQueued: 0 } } });
    const metric = async (name: string) => {
      const text = await (await fetch(api.url.replace('/graphql', '/metrics'))).text();
      const line = text.split('\n').find((candidate) => candidate.startsWith(`${name} `));
      return line === undefined ? undefined : Number(line.slice(name.length + 1));
    };
    /** Resolves once `check` holds of what `read` gives, polling for up to 2 s. */
    const eventually = async <T>(read: () => Promise<T>, check: (value: T) => boolean): Promise<T> => {
      const deadline = Date.now() + 2_000;
      let value = await read();
      while (!check(value) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        value = await read();
      }
      return value;
    };
    const held = heldPost(api.url);
    expect(await eventually(() => metric('newsgate_graphql_requests_in_flight'), (n) => n === 1)).toBe(1);

    const refused = await api.gql('{ __typename }');
    expect(refused).toMatchObject({ status: 503, errors: [{ extensions: { code: 'OVERLOADED', retryable: true } }] });
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.data).toBeUndefined();
    const get = await fetch(`${api.url}?query=${encodeURIComponent('{ __typename }')}`, { headers: { 'apollo-require-preflight': 'true' } });
    expect(get.status).toBe(503);
    expect(await metric('newsgate_graphql_errors_total{code="OVERLOADED"}')).toBe(2);

    held.end();
    const served = await eventually(() => api.gql('{ __typename }'), (answer) => answer.status === 200);
    expect(served).toMatchObject({ status: 200, data: { __typename: 'Query' } });
    expect(await metric('newsgate_graphql_requests_in_flight')).toBe(0);
  });
});
