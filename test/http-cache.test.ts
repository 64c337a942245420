import { createApiKey } from '../src/auth/api-keys';
import { RedisCache } from '../src/cache';
import { CacheKeyValueStore } from '../src/cache/key-value';
import { documentHash } from '../src/http/trusted-documents';
import { type TestGateway, gatewaysOverWorkedExample } from './support/gateway';
import { until } from './support/processes';
import { SHARED_REDIS_URL, dropPrefix, sharedRedisAvailable, startRedis, uniquePrefix } from './support/redis';

const HEADLINE = '{ articles(first: 1) { edges { node { headline } } } }';

/** Posts `body` as JSON to the gateway and answers its status, headers and parsed body. */
async function post(api: TestGateway, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(api.url, {
    method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: await response.json() as any };
}

/** An automatic persisted query: the hash alone, or with its document to register it. */
function persisted(query: string, withDocument: boolean) {
  const extensions = { persistedQuery: { version: 1, sha256Hash: documentHash(query) } };
  return withDocument ? { query, extensions } : { extensions };
}

describe('HTTP caching and automatic persisted queries', () => {
  const t = gatewaysOverWorkedExample();
  const gateway = t.gateway;
  let editor: Record<string, string>;
  beforeAll(async () => {
    expect(t.articleId).toBeTruthy();
    editor = { authorization: `Bearer ${(await createApiKey(t.store, 'Desk', 'editor')).key}` };
  });

  describe('Cache-Control', () => {
    let api: TestGateway;
    beforeAll(async () => { api = await gateway(); });

    it('lets any cache keep a public answer for the default 30 seconds, varying by Authorization', async () => {
      const answer = await api.gql(HEADLINE);
      expect(answer.data.articles.edges).toHaveLength(1);
      expect(answer.headers.get('cache-control')).toBe('max-age=30, public');
      expect(answer.headers.get('vary')).toMatch(/authorization/i);
    });

    it('keeps an answer to an API key private, so no shared cache holds drafts', async () => {
      const answer = await api.gql(HEADLINE, undefined, editor);
      expect(answer.data.articles.edges).toHaveLength(1);
      expect(answer.headers.get('cache-control')).toBe('max-age=30, private');
    });

    it('marks the editors\' revision trail private by its schema hint', async () => {
      const answer = await api.gql('{ articles(first: 1) { edges { node { revisions { version } } } } }', undefined, editor);
      expect(answer.errors).toBeUndefined();
      expect(answer.headers.get('cache-control')).toBe('max-age=30, private');
    });

    it('never lets a mutation or an answer with errors be stored', async () => {
      const mutation = await api.gql('mutation { createAuthor(input: { name: "Cache Test" }) { id } }', undefined, editor);
      expect(mutation.errors).toBeUndefined();
      expect(mutation.headers.get('cache-control')).toBe('no-store');
      const failed = await api.gql('{ article { id } }');
      expect(failed.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      expect(failed.headers.get('cache-control')).toBe('no-store');
    });

    it('uses the configured max-age, and no-store for 0', async () => {
      const short = await gateway({ http: { httpCacheMaxAgeSeconds: 5 } });
      expect((await short.gql(HEADLINE)).headers.get('cache-control')).toBe('max-age=5, public');
      const none = await gateway({ http: { httpCacheMaxAgeSeconds: 0 } });
      expect((await none.gql(HEADLINE)).headers.get('cache-control')).toBe('no-store');
    });
  });

  (sharedRedisAvailable() ? describe : describe.skip)('automatic persisted queries in Redis', () => {
    const prefix = uniquePrefix('apq');
    const caches: RedisCache[] = [];
    async function instance() {
      const cache = new RedisCache({ url: SHARED_REDIS_URL, prefix });
      caches.push(cache);
      expect(await cache.ready()).toBe(true);
      return gateway({ http: { automaticPersistedQueries: { store: new CacheKeyValueStore(cache), ttlSeconds: 60 } } });
    }
    afterAll(async () => {
      await Promise.all(caches.map((cache) => cache.close()));
      await dropPrefix(prefix);
    });

    it('runs on one instance a hash registered on another', async () => {
      const [a, b] = [await instance(), await instance()];
      const query = '{ articles(first: 1) { edges { node { headline slug } } } }';
      const unknown = await post(b, persisted(query, false));
      expect(unknown.body.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');

      const registered = await post(a, persisted(query, true));
      expect(registered.status).toBe(200);
      // Apollo stores the document while the operation runs, without waiting for the store.
      await until(async () => !(await post(b, persisted(query, false))).body.errors, 'the hash to reach Redis', 1_000);
      const byHash = await post(b, persisted(query, false));
      expect(byHash.status).toBe(200);
      expect(byHash.body.data).toEqual(registered.body.data);
    });

    it('refuses a document that does not match its hash, storing nothing', async () => {
      const api = await instance();
      const forged = { query: HEADLINE, extensions: { persistedQuery: { version: 1, sha256Hash: documentHash('{ __typename }') } } };
      const answer = await post(api, forged);
      expect(answer.status).toBe(400);
      expect(answer.body.errors[0]).toMatchObject({ message: expect.stringMatching(/sha does not match/), extensions: { code: 'BAD_REQUEST' } });
      expect((await post(api, persisted('{ __typename }', false))).body.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    });

    it('fails open with Redis down: the client is asked for the document, and the document runs', async () => {
      const redis = await startRedis();
      const cache = new RedisCache({ url: redis.url, prefix, operationTimeoutMs: 100 });
      caches.push(cache);
      expect(await cache.ready()).toBe(true);
      const api = await gateway({ http: { automaticPersistedQueries: { store: new CacheKeyValueStore(cache), ttlSeconds: 60 } } });
      const query = '{ articles(first: 1) { totalCount } }';
      expect((await post(api, persisted(query, true))).status).toBe(200);
      await until(async () => !(await post(api, persisted(query, false))).body.errors, 'the hash to reach Redis', 1_000);
      await redis.kill();
      try {
        const started = Date.now();
        const miss = await post(api, persisted(query, false));
        expect(miss.body.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
        const full = await post(api, persisted(query, true));
        expect(full.status).toBe(200);
        expect(full.body.data.articles.totalCount).toBe(1);
        expect(Date.now() - started).toBeLessThan(2_000);
      } finally {
        await redis.stop();
      }
    });
  });
});
