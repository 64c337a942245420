import { Client } from 'pg';
import { createApiKey } from '../src/auth/api-keys';
import { loadCodedArticle } from '../src/seed/worked-example';
import { migrate } from '../src/store/migrate';
import { PostgresDb, quoteIdent } from '../src/store/postgres';
import { SqlStore } from '../src/store/sql-store';
import { type TestGateway, startTestGateway } from './support/gateway';
import { TEST_DATABASE_URL, postgresAvailable } from './support/services';
import { dropSchema, newSchemaName } from './support/stores';

/*
 * The request deadline, against the machine's PostgreSQL, in a schema of the test's own: a lock on
 * its own `articles` table stalls the reads of one gateway whose statement timeouts are far longer
 * than its request deadline.
 */

const REQUEST_TIMEOUT_MS = 600;
const WRITE_TIMEOUT_MS = 1_500;
const SLACK_MS = 700;

(postgresAvailable() ? describe : describe.skip)('the request deadline', () => {
  const schema = newSchemaName();
  let db: PostgresDb;
  let api: TestGateway;
  let holder: Client;
  let articleId: string;
  let editor: string;

  beforeAll(async () => {
    db = new PostgresDb({ connectionString: TEST_DATABASE_URL, schema, timeouts: { readMs: 10_000, writeMs: WRITE_TIMEOUT_MS } });
    await db.exec(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
    await migrate(db);
    const store = new SqlStore(db);
    articleId = await loadCodedArticle(store);
    editor = (await createApiKey(store, 'Deadline tester', 'editor')).key;
    api = await startTestGateway(store, { requestTimeoutMs: REQUEST_TIMEOUT_MS });
    holder = new Client({ connectionString: TEST_DATABASE_URL, options: `-c search_path=${quoteIdent(schema)}` });
    await holder.connect();
  });

  afterAll(async () => {
    await holder?.end();
    await api?.stop();
    await db?.close();
    await dropSchema(schema);
  });

  afterEach(async () => {
    await holder.query('ROLLBACK');
  });

  it('refuses a read still waiting at the deadline with a retryable STORE_TIMEOUT, long before its statement timeout', async () => {
    await holder.query('BEGIN');
    await holder.query('LOCK TABLE articles IN ACCESS EXCLUSIVE MODE');
    const started = performance.now();
    const answer = await api.gql(`{ articles(first: 5) { edges { node { headline } } } }`);
    const took = performance.now() - started;
    expect(answer.status).toBe(503);
    expect(answer.headers.get('retry-after')).toBe('1');
    expect(answer.errors?.[0].extensions).toMatchObject({ code: 'STORE_TIMEOUT', wait: 'request', timeoutMs: REQUEST_TIMEOUT_MS, retryable: true });
    expect(took).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 50);
    expect(took).toBeLessThan(REQUEST_TIMEOUT_MS + SLACK_MS);
    // Places do not touch the locked table: the same gateway answers them.
    expect(await api.gql(`{ locations(first: 3) { edges { node { name } } } }`)).toMatchObject({ status: 200, data: { locations: expect.anything() } });
  });

  it('lets a write that has begun run to its own timeout, and reports that nothing was written', async () => {
    const [{ version }] = (await holder.query<{ version: number }>('SELECT version FROM articles WHERE id = $1', [articleId])).rows;
    await holder.query('BEGIN');
    await holder.query('LOCK TABLE articles IN ACCESS EXCLUSIVE MODE');
    const started = performance.now();
    const answer = await api.gql(`mutation ($id: ID!, $v: Int!) { updateArticle(id: $id, version: $v, input: { standfirst: "Late" }) { version } }`,
      { id: articleId, v: version }, { authorization: `Bearer ${editor}` });
    const took = performance.now() - started;
    expect(answer.status).toBe(503);
    expect(answer.errors?.[0].extensions).toMatchObject({ code: 'STORE_TIMEOUT', wait: 'statement', timeoutMs: WRITE_TIMEOUT_MS });
    expect(answer.errors?.[0].message).toMatch(/nothing was changed/);
    expect(took).toBeGreaterThanOrEqual(WRITE_TIMEOUT_MS - 50);
    await holder.query('ROLLBACK');
    const [after] = (await holder.query<{ version: number; standfirst: string | null }>('SELECT version, standfirst FROM articles WHERE id = $1', [articleId])).rows;
    expect(after.version).toBe(version);
    expect(after.standfirst).not.toBe('Late');
  });
});
