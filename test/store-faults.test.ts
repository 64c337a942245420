import { Client } from 'pg';
import { createApiKey } from '../src/auth/api-keys';
import { loadCodedArticle } from '../src/seed/worked-example';
import { openStore } from '../src/store/open';
import { buildCorpus } from './support/corpus';
import { type GatewayProcess, startGatewayProcess } from './support/gateway-process';
import { type PostgresServer, serverProgramsFor, startPostgres } from './support/postgres-server';
import { until } from './support/processes';

/*
 * PostgreSQL breaking under the real gateway (`src/main.ts` in a process of its own), on a
 * PostgreSQL server of the test's own: its connections terminated under load, a table locked, the
 * server stopped and started again, the server frozen. The machine's PostgreSQL is never touched.
 */

/** Short bounds, so that each fault shows within a test's time. */
const READ_TIMEOUT_MS = 1_000;
const WRITE_TIMEOUT_MS = 2_000;
const ACQUIRE_TIMEOUT_MS = 2_000;
const REQUEST_TIMEOUT_MS = 4_000;
const READINESS_TIMEOUT_MS = 1_000;
/** What an answer may take beyond a bound on a busy two-core machine. */
const SLACK_MS = 700;

const ARTICLES = `{ articles(first: 10) { edges { node { headline authors { name } locations { name } casualtyFigures { low partOf { id } } } } } }`;
const ARTICLE = `query ($slug: String!) { article(slug: $slug) { headline casualtyFigures { low best high location { name } } } }`;
const PLACES = `{ locations(first: 10) { totalCount edges { node { name children { name } } } } }`;
const STATS = `{ casualtyStats(filter: { outcome: [KILLED] }, groupBy: [GROUP]) { total { low } buckets { group low } } }`;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

interface Answer {
  status: number;
  ms: number;
  codes: string[];
  body: any;
}

const binaries = serverProgramsFor('store fault');

(binaries ? describe : describe.skip)('the gateway when PostgreSQL fails', () => {
  let server: PostgresServer;
  let gateway: GatewayProcess;
  let editorKey: string;
  let articleId: string;
  let slug: string;

  beforeAll(async () => {
    server = await startPostgres();
    const store = await openStore({ databaseUrl: server.url });
    try {
      await loadCodedArticle(store);
      [articleId] = await buildCorpus(store, 30);
      slug = (await store.articlesByIds([articleId]))[0]!.slug;
      editorKey = (await createApiKey(store, 'Fault tester', 'editor')).key;
    } finally {
      await store.close();
    }
    gateway = await startGatewayProcess({
      DATABASE_URL: server.url,
      CACHE: 'off', // every read goes to PostgreSQL
      RATE_LIMIT_ENABLED: 'false',
      DATABASE_POOL_SIZE: '6',
      DATABASE_READ_TIMEOUT_MS: String(READ_TIMEOUT_MS),
      DATABASE_WRITE_TIMEOUT_MS: String(WRITE_TIMEOUT_MS),
      DATABASE_STATS_TIMEOUT_MS: String(WRITE_TIMEOUT_MS),
      DATABASE_ACQUIRE_TIMEOUT_MS: String(ACQUIRE_TIMEOUT_MS),
      REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
      READINESS_TIMEOUT_MS: String(READINESS_TIMEOUT_MS),
    });
  }, 120_000);

  afterEach(async () => {
    await server?.resume();
  });

  afterAll(async () => {
    await gateway?.stop();
    await server?.dispose();
  });

  /** Posts one operation; never rejects (a refused connection is status 0). */
  async function ask(query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Answer> {
    const started = performance.now();
    try {
      const response = await fetch(gateway.url, {
        method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }),
      });
      const body = await response.json() as { errors?: { extensions?: { code?: string } }[] };
      return { status: response.status, ms: performance.now() - started, codes: (body.errors ?? []).map((e) => e.extensions?.code ?? '?'), body };
    } catch (error) {
      return { status: 0, ms: performance.now() - started, codes: [String(error)], body: null };
    }
  }

  async function readiness(): Promise<{ status: number; body: any }> {
    const response = await fetch(new URL('/readyz', gateway.url));
    return { status: response.status, body: await response.json() };
  }

  /** Runs `ask` in `workers` loops until `stop` says so; resolves to every answer. */
  async function load(workers: number, next: (i: number) => Promise<Answer>, stop: () => boolean): Promise<Answer[]> {
    const answers: Answer[] = [];
    await Promise.all(Array.from({ length: workers }, async (_, worker) => {
      for (let i = worker; !stop(); i += workers) answers.push(await next(i));
    }));
    return answers;
  }

  const READS = [() => ask(ARTICLES), () => ask(ARTICLE, { slug }), () => ask(PLACES), () => ask(STATS)];

  /** The article's version and how many revisions record it: a write lands whole or not at all. */
  async function versionAndRevisions(): Promise<{ version: number; revisions: number }> {
    const [row] = await server.sql<{ version: number; revisions: number }>(
      `SELECT a.version, (SELECT count(*)::int FROM revisions r WHERE r.entity = 'ARTICLE' AND r.entity_id = a.id) AS revisions
         FROM articles a WHERE a.id = $1`, [Number(articleId)]);
    return row;
  }

  /** Changes the article's standfirst once, reading its version first (a conflict is a fresh read away). */
  async function edit(n: number): Promise<Answer> {
    const auth = { authorization: `Bearer ${editorKey}` };
    const read = await ask(`query ($id: ID!) { article(id: $id) { version } }`, { id: articleId }, auth);
    if (read.codes.length) return read;
    return ask(`mutation ($id: ID!, $v: Int!, $s: String!) { updateArticle(id: $id, version: $v, input: { standfirst: $s }) { version } }`,
      { id: articleId, v: read.body.data.article.version, s: `Edit ${n}` }, auth);
  }

  it('survives connections terminated under load: no exit, every read answered, every failed write coded and not applied', async () => {
    const before = await versionAndRevisions();
    let stopping = false;
    let terminated = 0;
    const killer = (async () => {
      while (!stopping) {
        await new Promise((resolve) => setTimeout(resolve, 700));
        // What a failover, a restart, a pooler or idle_session_timeout does to the gateway's
        // connections: each round ends those open before it (not one opened while it runs).
        const [{ n }] = await server.sql<{ n: number }>(
          `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
            WHERE application_name = 'newsgate' AND backend_start < clock_timestamp() - interval '100 milliseconds'`);
        terminated += n;
      }
    })();
    const reads = load(6, (i) => READS[i % READS.length](), () => stopping);
    const writes = load(1, edit, () => stopping);
    await new Promise((resolve) => setTimeout(resolve, 8_000));
    stopping = true;
    const [readAnswers, writeAnswers] = await Promise.all([reads, writes, killer]);

    expect(terminated).toBeGreaterThan(10);
    expect({ exit: gateway.exit(), stderr: gateway.stderr() }).toEqual({ exit: null, stderr: '' });
    expect(gateway.logs.filter((line) => line.level >= 50)).toEqual([]);
    expect(readAnswers.length).toBeGreaterThan(100);
    expect(readAnswers.filter((answer) => answer.status !== 200 || answer.codes.length > 0)).toEqual([]);
    // A write either lands or is refused with a retryable code (a conflict is another writer's
    // landed write seen late: none here, but allowed), and what landed was recorded whole.
    expect(writeAnswers.flatMap((answer) => answer.codes).filter((code) => !['STORE_UNAVAILABLE', 'CONFLICT'].includes(code))).toEqual([]);
    const landed = writeAnswers.filter((answer) => answer.codes.length === 0).length;
    expect(landed).toBeGreaterThan(0);
    const after = await versionAndRevisions();
    expect(after.version - before.version).toBe(after.revisions - before.revisions);
    expect(after.version - before.version).toBeGreaterThanOrEqual(landed);
    expect(gateway.logs.some((line) => line.msg?.includes('a database connection was lost'))).toBe(true);
  }, 60_000);

  it('bounds waits behind a held table lock, keeps unrelated queries fast and stays ready', async () => {
    const holder = new Client({ connectionString: server.url });
    await holder.connect();
    const before = await versionAndRevisions();
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE articles IN ACCESS EXCLUSIVE MODE');
      let stopping = false;
      const articleReads = load(8, () => ask(ARTICLES), () => stopping);
      const placeReads = load(2, () => ask(PLACES), () => stopping);
      await new Promise((resolve) => setTimeout(resolve, 500));
      const ready = await readiness();
      const write = await edit(0);
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      stopping = true;
      const [articles, places] = await Promise.all([articleReads, placeReads]);

      // Reads of the locked table give up with a coded, retryable 503: waiting for their lane's turn
      // (at most the acquire timeout), then for a connection (as long again), then at their
      // statement timeout.
      expect(articles.length).toBeGreaterThan(0);
      for (const answer of articles) {
        expect(answer).toMatchObject({ status: 503, codes: ['STORE_TIMEOUT'] });
        expect(answer.ms).toBeLessThan(2 * ACQUIRE_TIMEOUT_MS + READ_TIMEOUT_MS + SLACK_MS);
      }
      expect(articles[0].body.errors[0].extensions).toMatchObject({ retryable: true, retryAfterSeconds: 1 });
      // Places are read in a lane of their own: the locked articles cannot take their connections
      // (without lanes, they wait for one behind the stuck reads and give up at the acquire timeout).
      expect(places.length).toBeGreaterThan(10);
      for (const answer of places) expect(answer).toMatchObject({ status: 200, codes: [] });
      expect(median(places.map((answer) => answer.ms))).toBeLessThan(ACQUIRE_TIMEOUT_MS / 2);
      expect(ready).toMatchObject({ status: 200, body: { status: 'ready', checks: { store: { status: 'up' } } } });
      expect(write.codes).toEqual(['STORE_TIMEOUT']);
      expect(write.body.errors[0].message).toMatch(/nothing was changed/);
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined);
      await holder.end();
    }
    expect(await versionAndRevisions()).toEqual(before);
    const after = await ask(ARTICLES);
    expect(after).toMatchObject({ status: 200, codes: [] });
    expect(gateway.exit()).toBeNull();
  }, 60_000);

  it('answers STORE_UNAVAILABLE while PostgreSQL refuses connections, says so in /readyz, and heals when it is back', async () => {
    await server.stop();
    try {
      const answers = await Promise.all([...READS, ...READS].map((read) => read()));
      for (const answer of answers) {
        expect(answer).toMatchObject({ status: 503, codes: ['STORE_UNAVAILABLE'] });
        expect(answer.ms).toBeLessThan(2 * ACQUIRE_TIMEOUT_MS + SLACK_MS);
      }
      const down = await readiness();
      expect(down.status).toBe(503);
      expect(down.body.checks.store).toMatchObject({ status: 'down', reason: expect.stringMatching(/cannot be reached/) });
      expect(down.body.checks.migrations.reason).not.toMatch(/migrate/);
      expect(gateway.exit()).toBeNull();
    } finally {
      await server.start();
    }
    await until(async () => (await ask(ARTICLES)).status === 200, 'the gateway to answer from PostgreSQL again', 10_000);
    for (const answer of await Promise.all(READS.map((read) => read()))) expect(answer).toMatchObject({ status: 200, codes: [] });
    expect(await readiness()).toMatchObject({ status: 200, body: { status: 'ready' } });
  }, 60_000);

  it('gives up on a frozen PostgreSQL within its bounds, says so in /readyz, and heals when it wakes', async () => {
    await server.pause();
    const answers = await Promise.all(READS.map((read) => read()));
    for (const answer of answers) {
      expect(answer).toMatchObject({ status: 503, codes: ['STORE_TIMEOUT'] });
      expect(answer.ms).toBeLessThan(REQUEST_TIMEOUT_MS + SLACK_MS);
    }
    const down = await readiness();
    expect(down.status).toBe(503);
    expect(down.body.checks.store).toMatchObject({ status: 'down', reason: expect.stringMatching(/no answer/) });
    await server.resume();
    await until(async () => (await ask(ARTICLES)).status === 200, 'the gateway to answer from PostgreSQL again', 15_000);
    for (const answer of await Promise.all(READS.map((read) => read()))) expect(answer).toMatchObject({ status: 200, codes: [] });
    expect(gateway.exit()).toBeNull();
  }, 60_000);
});
