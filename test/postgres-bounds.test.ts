import { PostgresDb } from '../src/store/postgres';
import { StoreTimeoutError } from '../src/store/errors';
import { type PostgresServer, serverProgramsFor, startPostgres } from './support/postgres-server';

/*
 * The client's own bound on a statement (`Source.bounded` and its watchdog in
 * src/store/postgres-pool.ts): a server that stops answering altogether is given up on a margin past
 * the server's own timeout, and the connection is thrown away; a slow statement is cancelled by the
 * server first. On a PostgreSQL server of the test's own, frozen with
 * SIGSTOP: the machine's PostgreSQL is never touched.
 */

const READ_MS = 400;
const WRITE_MS = 600;
/** The client's margin past the server's bound (CLIENT_TIMEOUT_MARGIN_MS), and how late the watchdog may look. */
const MARGIN_MS = 1_000;
const WATCH_MS = 100;
/** What a bound may take beyond itself on a busy two-core machine. */
const SLACK_MS = 600;

const binaries = serverProgramsFor('client bound');

/** How long `work` took to settle, and the error it rejected with (undefined if it resolved). */
async function timed(work: () => Promise<unknown>): Promise<{ ms: number; error: unknown }> {
  const started = performance.now();
  try {
    await work();
    return { ms: performance.now() - started, error: undefined };
  } catch (error) {
    return { ms: performance.now() - started, error };
  }
}

(binaries ? describe : describe.skip)('the client\'s bound on a statement', () => {
  let server: PostgresServer;
  let db: PostgresDb;

  beforeAll(async () => {
    server = await startPostgres();
    db = new PostgresDb({
      connectionString: server.url, readConnections: 4, writeConnections: 2,
      timeouts: { readMs: READ_MS, writeMs: WRITE_MS, acquireMs: 3_000, probeMs: READ_MS },
    });
  }, 60_000);

  afterAll(async () => {
    await server?.resume().catch(() => undefined);
    await db?.close();
    await server?.dispose();
  });

  it('lets the server cancel a slow statement at its own bound, before the client gives up', async () => {
    const slow = await timed(() => db.reads('articles').query('SELECT pg_sleep(5)'));
    expect(slow.error).toBeInstanceOf(StoreTimeoutError);
    expect(slow.error).toMatchObject({ wait: 'statement', timeoutMs: READ_MS, cause: expect.objectContaining({ code: '57014' }) });
    expect(slow.ms).toBeLessThan(READ_MS + SLACK_MS);
  });

  it('gives up on a frozen server a margin past the server\'s bound, for reads, writes and transactions, and heals when it wakes', async () => {
    // Connections open before the freeze (a new one would wait for the acquire timeout instead):
    // one for the read, one for the transaction (in another lane), one for the write.
    await Promise.all([
      db.reads('articles').query('SELECT pg_sleep(0.05)'), db.reads('places').query('SELECT pg_sleep(0.05)'), db.query('SELECT 1'),
    ]);
    await server.pause();
    try {
      const [read, write, transaction] = await Promise.all([
        timed(() => db.reads('articles').query('SELECT 1')),
        timed(() => db.query('SELECT 1')),
        timed(() => db.transaction((tx) => tx.query('SELECT 1'), { readLane: 'places' })),
      ]);
      for (const [answer, bound] of [[read, READ_MS], [write, WRITE_MS], [transaction, READ_MS]] as const) {
        expect(answer.error).toBeInstanceOf(StoreTimeoutError);
        expect(answer.error).toMatchObject({ wait: 'statement' });
        expect(answer.ms).toBeGreaterThanOrEqual(bound + MARGIN_MS - 50);
        expect(answer.ms).toBeLessThan(bound + MARGIN_MS + WATCH_MS + SLACK_MS);
      }
    } finally {
      await server.resume();
    }
    // The connections given up on were thrown away; new ones answer.
    expect((await db.reads('articles').query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    expect((await db.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  }, 30_000);
});
