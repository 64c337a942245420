import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { RedisCache, TwoLevelCache } from '../src/cache';
import { invalidatingResponses } from '../src/cache/responses';
import { CachedStore } from '../src/cache/cached-store';
import { openStore } from '../src/store/open';
import { startTestGateway } from './support/gateway';
import { SHARED_REDIS_URL, dropPrefix, sharedRedisAvailable, uniquePrefix } from './support/redis';
import { TEST_DATABASE_URL, postgresAvailable } from './support/services';
import { dropSchema, newSchemaName } from './support/stores';

const ROOT = join(__dirname, '..');
const run = promisify(execFile);

/** The environment that points a CLI at a store: a PGlite directory, or a PostgreSQL schema. */
type StoreEnv = { PGLITE_DATA_DIR: string } | { DATABASE_URL: string; DATABASE_SCHEMA: string; REDIS_URL?: string; CACHE_PREFIX?: string };

/** Runs `npm run <script>`'s command directly (tsx) against `store`; never throws on exit codes. */
async function cli(script: string, args: string[], store: StoreEnv) {
  try {
    const { stdout, stderr } = await run(process.execPath, [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), script, ...args],
      { cwd: ROOT, env: { ...process.env, DATABASE_URL: '', PGLITE_DATA_DIR: '', REDIS_URL: '', ...store } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('command-line tools', () => {
  const dir = mkdtempSync(join(tmpdir(), 'newsgate-cli-'));
  const pglite = { PGLITE_DATA_DIR: dir };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const good = (slug: string) => ({
    headline: `Floods in ${slug}`, slug, body: 'At least 7 people died in the floods.', status: 'PUBLISHED',
    publishedAt: '2026-03-01T08:00:00Z', sourceUrl: `https://example.org/${slug}`,
    figures: [{ key: 'dead', outcome: 'KILLED', group: 'UNSPECIFIED', qualifier: 'AT_LEAST', number: 7,
      claimantType: 'OFFICIAL', verification: 'REPORTED', quote: 'At least 7 people died in the floods.' }],
  });

  it('imports NDJSON: stores the good records, reports the bad ones by field, and is idempotent', async () => {
    const file = join(dir, 'articles.ndjson');
    const bad = { ...good('bad-one'), figures: [{ ...good('x').figures[0], number: -1 }] };
    writeFileSync(file, [good('valley'), bad, '{ not json', good('delta')].map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n'));

    const first = await cli('src/cli/import.ts', [file], pglite);
    expect(first.code).toBe(1);
    expect(first.stdout).toContain('created 2, updated 0, unchanged 0, rejected 2 of 4 records');
    expect(first.stderr).toMatch(/record 1 \(bad-one\) rejected:\n\s+figures\.0\.number: must not be negative/);
    expect(first.stderr).toMatch(/line 3: not JSON/);

    const second = await cli('src/cli/import.ts', [file], pglite);
    expect(second.stdout).toContain('created 0, updated 0, unchanged 2, rejected 2 of 4 records');

    const store = await openStore({ pgliteDataDir: dir });
    try {
      expect(await store.countArticles({})).toBe(2);
      const [valley] = await store.articlesBySlugs(['valley']);
      expect(valley?.publishedAt?.toISOString()).toBe('2026-03-01T08:00:00.000Z');
      expect(await store.scoped({ unpublished: true }).articlesBySlugs(['bad-one'])).toEqual([null]);
    } finally {
      await store.close();
    }
  });

  it('rejects, record by record, text the store cannot hold, unknown values and misshapen records, and stores the rest', async () => {
    const file = join(dir, 'hostile.json');
    const figure = good('x').figures[0];
    writeFileSync(file, JSON.stringify([
      good('first-good'),
      { ...good('nul'), figures: [{ ...figure, quote: 'At least 7\u0000 people died in the floods.' }] },
      { ...good('surrogate'), headline: 'Floods \ud800' },
      { ...good('unknown'), status: 'LIVE', figures: [{ ...figure, qualifier: 'SOME' }] },
      { ...good('keyless'), figures: [{ ...figure, key: '' }] },
      { ...good('old'), publishedAt: '0099-03-01T08:00:00Z' },
      null,
      good('second-good'),
    ]));

    const imported = await cli('src/cli/import.ts', [file], pglite);
    expect(imported.stdout).toContain('created 2, updated 0, unchanged 0, rejected 6 of 8 records');
    expect(imported.stderr).toMatch(/record 1 \(nul\) rejected:\n\s+figures\.0\.quote: contains a NUL character \(U\+0000\)/);
    expect(imported.stderr).toMatch(/record 2 \(surrogate\) rejected:\n\s+headline: contains a lone UTF-16 surrogate \(U\+D800\)/);
    expect(imported.stderr).toMatch(/record 3 \(unknown\) rejected:\n\s+status: .*"PUBLISHED"[^\n]*\n\s+figures\.0\.qualifier: .*"AT_LEAST"/);
    expect(imported.stderr).toMatch(/record 4 \(keyless\) rejected:\n\s+figures\.0\.key: must not be empty/);
    expect(imported.stderr).toMatch(/record 5 \(old\) rejected:\n\s+publishedAt: must lie between 1000-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z/);
    expect(imported.stderr).toMatch(/record 6 \(no slug\) rejected:\n\s+\(record\): Invalid input: expected object/);
  });

  it('imports figures that restate and supersede others by key, with who and background, and rejects bad links', async () => {
    const file = join(dir, 'linked.json');
    const figure = good('x').figures[0];
    writeFileSync(file, JSON.stringify([
      { ...good('linked'), figures: [
        { ...figure, key: 'lead' },
        { ...figure, key: 'officials', restates: 'lead', who: ' villagers ', claimedBy: 'local officials' },
        { ...figure, key: 'rose', number: 9, supersedes: 'lead' },
        { ...figure, key: 'last-year', number: 70, background: true },
      ] },
      { ...good('badly-linked'), figures: [{ ...figure, key: 'a', restates: 'b', background: 'yes' }] },
    ]));

    const imported = await cli('src/cli/import.ts', [file], pglite);
    expect(imported.stdout).toContain('created 1, updated 0, unchanged 0, rejected 1 of 2 records');
    expect(imported.stderr).toMatch(/record 1 \(badly-linked\) rejected:\n\s+figures\.0\.restates: names no figure key "b"\n\s+figures\.0\.background: must be true or false/);

    const store = await openStore({ pgliteDataDir: dir });
    try {
      const [article] = await store.articlesBySlugs(['linked']);
      const [[lead, officials, rose, lastYear]] = await store.figuresOfArticles([article!.id]);
      expect(officials).toMatchObject({ restatesId: lead.id, supersedesId: null, who: 'villagers', background: false });
      expect(rose).toMatchObject({ restatesId: null, supersedesId: lead.id, low: 9 });
      expect(lastYear).toMatchObject({ background: true, low: 70 });
    } finally {
      await store.close();
    }
  });

  // PostgreSQL, because a revoke must reach a gateway that is running (PGlite serves one process).
  (postgresAvailable() ? it : it.skip)('creates an editor key that works against a running gateway, lists it, and revokes it', async () => {
    const schema = newSchemaName();
    const pg = { DATABASE_URL: TEST_DATABASE_URL, DATABASE_SCHEMA: schema };
    const created = await cli('src/cli/keys.ts', ['create', '--role', 'editor', '--name', 'Night desk'], pg);
    expect(created.code).toBe(0);
    const key = created.stdout.trim().split('\n').at(-1)!;
    expect(key).toMatch(/^ngk_[0-9a-f]{16}_/);
    const id = key.split('_')[1];

    const store = await openStore({ databaseUrl: TEST_DATABASE_URL, databaseSchema: schema });
    const api = await startTestGateway(store);
    try {
      const write = () => api.gql(`mutation { createAuthor(input: { name: "Via CLI key" }) { slug } }`, undefined, { authorization: `Bearer ${key}` });
      expect((await write()).data).toEqual({ createAuthor: { slug: 'via-cli-key' } });
      const listed = await cli('src/cli/keys.ts', ['list'], pg);
      expect(listed.stdout).toMatch(new RegExp(`${id}\\s+editor\\s+live .* Night desk`));
      expect((await cli('src/cli/keys.ts', ['revoke', id], pg)).stdout).toContain(`revoked key ${id}`);
      const refused = await write();
      expect(refused.status).toBe(401);
      expect(refused.errors![0].message).toMatch(/revoked/);
    } finally {
      await api.stop();
      await store.close();
      await dropSchema(schema);
    }
  });

  // A gateway wired as `npm start` wires one with Redis: the import must reach its caches at once.
  (postgresAvailable() && sharedRedisAvailable() ? it : it.skip)('imports past a running gateway\'s caches: it answers with the import at once', async () => {
    const schema = newSchemaName();
    const prefix = uniquePrefix('import');
    const pg = { DATABASE_URL: TEST_DATABASE_URL, DATABASE_SCHEMA: schema };
    const store = await openStore({ databaseUrl: TEST_DATABASE_URL, databaseSchema: schema });
    const cache = new TwoLevelCache(new RedisCache({ url: SHARED_REDIS_URL, prefix }), { l1TtlSeconds: 0.5 });
    let api: Awaited<ReturnType<typeof startTestGateway>> | undefined;
    const clear = () => api?.gateway.responseCache?.clear();
    cache.l2.onInvalidate(clear);
    expect(await cache.l2.ready()).toBe(true);
    api = await startTestGateway(new CachedStore(store, invalidatingResponses(cache, clear)), {
      http: { responseCache: { ttlMs: 500, maxBytes: 2 ** 20 } },
    });
    try {
      const count = async () => (await api!.gql('{ articles { totalCount } }')).data.articles.totalCount;
      expect(await count()).toBe(0);
      expect(await count()).toBe(0); // now cached: records, the count and the answer
      const file = join(dir, 'one.json');
      writeFileSync(file, JSON.stringify([good('harbour')]));
      const imported = await cli('src/cli/import.ts', [file], { ...pg, REDIS_URL: SHARED_REDIS_URL, CACHE_PREFIX: prefix });
      expect(imported.stdout).toContain('created 1');
      // The invalidation message reaches the gateway a moment after the CLI's write returns.
      const started = Date.now();
      while (await count() !== 1) {
        expect(Date.now() - started).toBeLessThan(1_000);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    } finally {
      await api.stop();
      await cache.close();
      await store.close();
      await dropSchema(schema);
      await dropPrefix(prefix);
    }
  });

  it('explains its usage on bad arguments', async () => {
    const bad = await cli('src/cli/keys.ts', ['create', '--role', 'owner'], pglite);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--role must be editor or admin[\s\S]*usage:/);
  });
});
