import { type IncomingHttpHeaders, get as httpGet } from 'node:http';
import { GraphQLError } from 'graphql';
import { createApiKey } from '../src/auth/api-keys';
import { MemoryCache, RedisCache, TwoLevelCache } from '../src/cache';
import type { Cache } from '../src/cache/cache';
import type { HttpEdgeOptions } from '../src/http/edge';
import type { RateLimiter } from '../src/http/limits';
import { invalidatingResponses } from '../src/cache/responses';
import { loadCodedArticle } from '../src/seed/worked-example';
import { CachedStore } from '../src/cache/cached-store';
import { startTestGateway, type TestGateway } from './support/gateway';
import { until } from './support/processes';
import { SHARED_REDIS_URL, dropPrefix, sharedRedisAvailable, startRedis, uniquePrefix } from './support/redis';
import { openTestStore } from './support/stores';

const HEADLINE = 'query Headline($id: ID!) { article(id: $id) { headline version } }';

/**
 * A GET through `node:http`, which sends the headers it is given and no others (`fetch` adds
 * `Cache-Control: no-cache` to a conditional request, which asks the server for the whole answer).
 */
function get(url: string, headers: Record<string, string>): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    httpGet(url, { headers }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => { body += chunk; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    }).on('error', reject);
  });
}

/** The samples of /metrics whose line starts with `name`, summed. */
async function metric(api: TestGateway, name: string): Promise<number> {
  const text = await (await fetch(new URL('/metrics', api.url))).text();
  return text.split('\n').filter((line) => line.startsWith(name)).reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}

describe('the in-process response cache', () => {
  let t: Awaited<ReturnType<typeof openTestStore>>;
  let articleId: string;
  let editor: Record<string, string>;
  const gateways: TestGateway[] = [];
  const caches: Cache[] = [];

  /**
   * A gateway wired as `npm start` wires one: the data cache in front of the store, every
   * invalidation through it dropping the stored answers.
   */
  async function gateway(cache: Cache = new MemoryCache(), http: HttpEdgeOptions = {}) {
    let api: TestGateway | undefined;
    caches.push(cache);
    const store = new CachedStore(t.store, invalidatingResponses(cache, (tags) => api?.gateway.responseCache?.clear(tags)));
    api = await startTestGateway(store, { http: { responseCache: { ttlMs: 500, maxBytes: 2 ** 20 }, ...http } });
    gateways.push(api);
    return api;
  }

  /** Stops `api` and closes its cache now rather than after all the tests. */
  async function retire(api: TestGateway) {
    const at = gateways.indexOf(api);
    const [cache] = caches.splice(at, 1);
    gateways.splice(at, 1);
    await api.stop();
    await cache.close();
  }

  async function headline(api: TestGateway, headers: Record<string, string> = {}) {
    const answer = await api.gql(HEADLINE, { id: articleId }, headers);
    expect(answer.errors).toBeUndefined();
    return answer;
  }

  async function retitle(api: TestGateway, title: string) {
    const { version } = (await headline(api, editor)).data.article;
    const answer = await api.gql('mutation ($id: ID!, $v: Int!, $h: String!) { updateArticle(id: $id, version: $v, input: { headline: $h }) { headline } }',
      { id: articleId, v: version, h: title }, editor);
    expect(answer.errors).toBeUndefined();
  }

  beforeAll(async () => {
    t = await openTestStore('pglite');
    articleId = await loadCodedArticle(t.store);
    editor = { authorization: `Bearer ${(await createApiKey(t.store, 'Desk', 'editor')).key}` };
  });
  afterAll(async () => {
    await Promise.all(gateways.map((api) => api.stop()));
    await Promise.all(caches.map((cache) => cache.close()));
    await t?.dispose();
  });

  it('sends a public answer again, byte for byte, without touching the store, counted in the metrics', async () => {
    const api = await gateway();
    const first = await headline(api);
    t.db.reset();
    const again = await headline(api);
    expect(t.db.queries).toBe(0);
    expect(again.data).toEqual(first.data);
    expect(again.headers.get('cache-control')).toBe('max-age=30, public');
    expect(again.headers.get('x-request-id')).not.toBe(first.headers.get('x-request-id'));
    expect(api.gateway.responseCache?.size).toBe(1);
    expect(await metric(api, 'newsgate_response_cache_hits_total')).toBe(1);
    expect(await metric(api, 'newsgate_graphql_requests_total{operation="Headline",outcome="success"}')).toBe(2);
  });

  it('tells apart requests whose bodies are as long but differ, and forgets the answers it evicts', async () => {
    // Room for one answer only (each is about 1,900 bytes as counted): each evicts the other.
    const api = await gateway(new MemoryCache(), { responseCache: { ttlMs: 60_000, maxBytes: 3_000 } });
    const [first, second] = ['{ headline version }', '{ version headline }']
      .map((fields) => `query Same($id: ID!) { article(id: $id) ${fields} }`);
    expect(first.length).toBe(second.length);
    const ask = async (query: string) => {
      const before = await metric(api, 'newsgate_response_cache_hits_total');
      const answer = await api.gql(query, { id: articleId });
      return { keys: Object.keys(answer.data.article), hit: await metric(api, 'newsgate_response_cache_hits_total') > before };
    };
    expect(await ask(first)).toEqual({ keys: ['headline', 'version'], hit: false });
    expect(await ask(first)).toEqual({ keys: ['headline', 'version'], hit: true });
    expect(await ask(second)).toEqual({ keys: ['version', 'headline'], hit: false });
    expect(await ask(second)).toEqual({ keys: ['version', 'headline'], hit: true });
    expect(api.gateway.responseCache?.size).toBe(1);
    // Evicted: executed again, and answered right.
    expect(await ask(first)).toEqual({ keys: ['headline', 'version'], hit: false });
    expect(await ask(first)).toEqual({ keys: ['headline', 'version'], hit: true });
  });

  it('answers with the new state right after a write through the same gateway', async () => {
    const api = await gateway();
    await headline(api);
    await headline(api);
    expect(await metric(api, 'newsgate_response_cache_hits_total')).toBe(1); // the answer is held
    await retitle(api, 'Retitled once');
    expect((await headline(api)).data.article.headline).toBe('Retitled once');
  });

  it('drops only the answers built from what a write changed: by id, by slug, pages and counts', async () => {
    const stamp = Date.now();
    const [kept, edited] = await t.store.insertArticles(['kept', 'edited'].map((name, i) => ({
      slug: `${name}-${stamp}`, headline: `The ${name} story`, standfirst: null, body: 'At least 3 people were killed.',
      publishedAt: new Date(Date.UTC(2024, 0, 1 + i)), sourceUrl: null, language: 'en', tags: [`quiet-${stamp}`.slice(0, 50), name],
      authorIds: [], locationIds: [], status: 'PUBLISHED' as const,
    })));
    const api = await gateway(new MemoryCache(), { responseCache: { ttlMs: 60_000, maxBytes: 2 ** 20 } });
    const asks = {
      byId: (id: string) => api.gql('query ById($id: ID!) { article(id: $id) { headline } }', { id }),
      bySlug: (slug: string) => api.gql('query BySlug($slug: String!) { article(slug: $slug) { headline } }', { slug }),
      page: (ids: string[]) => api.gql('query Page($ids: [ID!]) { articles(filter: { ids: $ids }, first: 5) { totalCount edges { node { headline } } } }', { ids }),
      tagged: (tag: string) => api.gql('query Tagged($tag: String) { articles(filter: { tag: $tag }, first: 5) { edges { node { headline } } } }', { tag }),
      searched: (words: string) => api.gql('query Searched($words: String) { articles(filter: { search: $words }, first: 5) { totalCount edges { node { headline } } } }', { words }),
    };
    const edit = async (id: string, input: Record<string, unknown>) => {
      const { version } = (await api.gql('query ($id: ID!) { article(id: $id) { version } }', { id }, editor)).data.article;
      const answer = await api.gql('mutation ($id: ID!, $v: Int!, $input: UpdateArticleInput!) { updateArticle(id: $id, version: $v, input: $input) { id } }',
        { id, v: version, input }, editor);
      expect(answer.errors).toBeUndefined();
    };
    const keptAnswers = () => Promise.all([asks.byId(kept), asks.bySlug(`kept-${stamp}`), asks.page([kept]), asks.tagged('kept')]);
    const before = (await keptAnswers()).map((answer) => answer.data);
    await Promise.all([asks.byId(edited), asks.bySlug(`edited-${stamp}`), asks.page([kept, edited]), asks.tagged(`quiet-${stamp}`)]);

    // A search reads headlines and bodies: a revised standfirst keeps every search's answer it is not on.
    const searchedBefore = (await asks.searched('renamed')).data;
    expect(searchedBefore.articles.totalCount).toBe(0);
    const searchedKept = (await asks.searched('kept story')).data;
    expect(searchedKept.articles.edges.map((edge: { node: { headline: string } }) => edge.node.headline)).toContain('The kept story');
    await edit(edited, { standfirst: 'A revised standfirst.' });
    t.db.reset();
    expect((await keptAnswers()).map((answer) => answer.data)).toEqual(before);
    expect([(await asks.searched('renamed')).data, (await asks.searched('kept story')).data]).toEqual([searchedBefore, searchedKept]);
    expect(t.db.statements).toEqual([]);

    await edit(edited, { headline: 'The edited story, renamed' });
    t.db.reset();
    expect((await keptAnswers()).map((answer) => answer.data)).toEqual(before);
    expect(t.db.statements).toEqual([]); // every answer that read nothing of the edited article is still kept
    expect((await asks.byId(edited)).data.article.headline).toBe('The edited story, renamed');
    expect((await asks.bySlug(`edited-${stamp}`)).data.article.headline).toBe('The edited story, renamed');
    expect((await asks.page([kept, edited])).data.articles.edges.map((edge: { node: { headline: string } }) => edge.node.headline))
      .toContain('The edited story, renamed');
    // A new headline is searched at once.
    expect((await asks.searched('renamed')).data.articles.totalCount).toBe(1);

    // A write that changes which articles a filter selects drops every page and count, even those it was not on.
    await edit(edited, { tags: ['kept'] });
    expect((await asks.tagged('kept')).data.articles.edges).toHaveLength(2);
    expect((await asks.tagged(`quiet-${stamp}`)).data.articles.edges).toHaveLength(1);
    expect((await asks.page([kept])).data.articles.totalCount).toBe(1);
  });

  it('never serves or stores answers to requests with an API key, nor answers with errors', async () => {
    const api = await gateway();
    await headline(api);
    t.db.reset();
    const keyed = await headline(api, editor);
    expect(t.db.queries).toBeGreaterThan(0);
    expect(keyed.headers.get('cache-control')).toBe('max-age=30, private');

    const failing = '{ article { id } }';
    await api.gql(failing);
    const before = await metric(api, 'newsgate_response_cache_hits_total');
    expect((await api.gql(failing)).errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(await metric(api, 'newsgate_response_cache_hits_total')).toBe(before);
  });

  it('lets an answer live no longer than its time to live', async () => {
    const api = await gateway();
    await headline(api);
    await headline(api);
    expect(await metric(api, 'newsgate_response_cache_hits_total')).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 600));
    await headline(api);
    expect(await metric(api, 'newsgate_response_cache_hits_total')).toBe(1);
  });

  it('fetches a busy answer again late in its life with one request, so it never expires under load', async () => {
    const api = await gateway(new MemoryCache(), { responseCache: { ttlMs: 1000, maxBytes: 2 ** 20 } });
    const hits = () => metric(api, 'newsgate_response_cache_hits_total');
    await headline(api);
    await new Promise((resolve) => setTimeout(resolve, 800));
    const crowd = await Promise.all(Array.from({ length: 20 }, () => headline(api)));
    expect(crowd.every((answer) => answer.data.article.headline === crowd[0].data.article.headline)).toBe(true);
    expect(await hits()).toBe(19);
    // Past the first answer's life, and before three quarters of the next one's: that one is served to all.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await Promise.all(Array.from({ length: 20 }, () => headline(api)));
    expect(await hits()).toBe(39);
  });

  it('serves GETs that carry the CSRF preflight header, and leaves the others to Apollo', async () => {
    const api = await gateway();
    const url = `${api.url}?query=${encodeURIComponent('{ articles(first: 1) { totalCount } }')}`;
    const preflight = { 'apollo-require-preflight': 'true' };
    expect((await fetch(url, { headers: preflight })).status).toBe(200);
    t.db.reset();
    const hit = await fetch(url, { headers: preflight });
    expect(hit.status).toBe(200);
    expect(t.db.queries).toBe(0);
    expect((await fetch(url)).status).toBe(400); // CSRF prevention still refuses a simple GET
  });

  it('answers a conditional GET whose ETag still matches with 304 and no body, hit or miss alike', async () => {
    const api = await gateway();
    const url = `${api.url}?query=${encodeURIComponent('{ articles(first: 1) { totalCount } }')}`;
    const preflight = { 'apollo-require-preflight': 'true' };
    const first = await get(url, preflight);
    const etag = String(first.headers.etag);
    expect(first.status).toBe(200);
    expect(etag).toMatch(/^W\/".+"$/);

    t.db.reset();
    const hit = await get(url, { ...preflight, 'if-none-match': etag });
    expect(t.db.queries).toBe(0);
    expect(hit.status).toBe(304);
    expect(hit.body).toBe('');
    expect(hit.headers.etag).toBe(etag);
    expect(hit.headers['cache-control']).toBe(first.headers['cache-control']);
    expect(hit.headers['content-type']).toBeUndefined();
    expect(await metric(api, 'newsgate_response_cache_hits_total')).toBe(1);

    const changed = await get(url, { ...preflight, 'if-none-match': 'W/"an-older-answer"' });
    expect(changed.status).toBe(200);
    expect(changed.body).toBe(first.body);
    const revalidating = await get(url, { ...preflight, 'if-none-match': etag, 'cache-control': 'no-cache' });
    expect(revalidating.status).toBe(200);

    // The same request on a gateway that has not seen it: Express answers the miss the same way.
    const missed = await get(url.replace(api.url, (await gateway()).url), { ...preflight, 'if-none-match': etag });
    expect(missed.status).toBe(304);
  });

  it('charges every hit to the client\'s rate-limit budget, at the cost of the request that filled it', async () => {
    const charged: number[] = [];
    let budget = 3;
    const limiter: RateLimiter = async ({ cost }) => {
      charged.push(cost);
      budget -= 1;
      return budget >= 0 ? undefined : new GraphQLError('rate limit exceeded: retry in 7 s', {
        extensions: { code: 'RATE_LIMITED', http: { status: 429, headers: new Map([['retry-after', '7']]) } },
      });
    };
    const api = await gateway(new MemoryCache(), { rateLimiter: limiter });
    await headline(api);
    await headline(api);
    await headline(api);
    t.db.reset();
    const refused = await api.gql(HEADLINE, { id: articleId });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('7');
    expect(refused.errors?.[0].extensions?.code).toBe('RATE_LIMITED');
    expect(t.db.queries).toBe(0);
    expect(charged).toHaveLength(4);
    expect(new Set(charged).size).toBe(1);
    expect(charged[0]).toBeGreaterThan(1);
  });

  (sharedRedisAvailable() ? describe : describe.skip)('two gateways sharing Redis', () => {
    const prefix = uniquePrefix('responses');
    afterAll(() => dropPrefix(prefix));

    /**
     * As `npm start` wires `layered`: answers kept a minute, trusted while the write marker vouches
     * for them. `publishes: false`: the messages of its writes are lost to every other instance.
     */
    async function instance(publishes = true, url = SHARED_REDIS_URL) {
      const cache = new TwoLevelCache(new RedisCache({ url, prefix, publish: publishes }));
      expect(await cache.l2.ready()).toBe(true);
      const api = await gateway(cache, { responseCache: { ttlMs: 60_000, maxBytes: 2 ** 20, needsSync: true } });
      cache.l2.onInvalidate((tags) => api.gateway.responseCache?.clear(tags));
      cache.onSync((sync) => api.gateway.responseCache?.synced(sync));
      return api;
    }

    /** Milliseconds until `api` answers `title`. */
    async function lag(api: TestGateway, title: string): Promise<number> {
      const started = Date.now();
      while ((await headline(api)).data.article.headline !== title) {
        if (Date.now() - started > 5_000) throw new Error(`never saw "${title}"`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return Date.now() - started;
    }

    it('share answers through Redis, and never serve one older than the last write', async () => {
      const shared = async () => {
        const cache = new RedisCache({ url: SHARED_REDIS_URL, prefix });
        expect(await cache.ready()).toBe(true);
        return gateway(cache, { responseCache: { ttlMs: 0, maxBytes: 2 ** 20, shared: { cache, ttlSeconds: 60 } } });
      };
      const [a, b] = [await shared(), await shared()];
      // On a fresh prefix the first answer races its own records to create the generations, and loses.
      await headline(a);
      await headline(a);
      await new Promise((resolve) => setTimeout(resolve, 50)); // the answer is written after it is sent
      t.db.reset();
      const fromA = await headline(b);
      expect(t.db.queries).toBe(0);
      expect(await metric(b, 'newsgate_response_cache_hits_total')).toBe(1);
      await retitle(a, 'Retitled in Redis');
      expect((await headline(b)).data.article.headline).toBe('Retitled in Redis');
      expect(fromA.data.article.headline).not.toBe('Retitled in Redis');
    });

    it('move only a small entry from Redis on a hit once the body is known, and never a body other than the one it names', async () => {
      const reads: string[] = [];
      const shared = async () => {
        const cache = new RedisCache({ url: SHARED_REDIS_URL, prefix });
        expect(await cache.ready()).toBe(true);
        const counted: Cache = Object.assign(Object.create(cache) as RedisCache, {
          read: (requests: Parameters<Cache['read']>[0]) => {
            reads.push(...requests.map((request) => request.key.split(':')[0]));
            return cache.read(requests);
          },
        });
        return gateway(cache, { responseCache: { ttlMs: 0, maxBytes: 2 ** 20, shared: { cache: counted, ttlSeconds: 60 } } });
      };
      const [a, b] = [await shared(), await shared()];
      await headline(a);
      await headline(a);
      await new Promise((resolve) => setTimeout(resolve, 50));
      reads.length = 0;
      const first = await headline(b);
      const again = await headline(b);
      expect(again.data).toEqual(first.data);
      expect(reads).toEqual(['response', 'response-body', 'response']);
      // A write changes the answer, hence its digest: the new body is fetched, never the old one served.
      await retitle(a, 'Retitled by digest');
      await headline(a);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect((await headline(b)).data.article.headline).toBe('Retitled by digest');
    });

    it('agree at once when the invalidation message arrives, and within a second when it is lost', async () => {
      const [telling, silent, reader] = [await instance(), await instance(false), await instance()];
      await new Promise((resolve) => setTimeout(resolve, 300)); // a first check of the write marker
      await headline(reader);
      t.db.reset();
      await headline(reader);
      expect(t.db.queries).toBe(0); // it answers from its minute-long answer
      await retitle(telling, 'Retitled for two');
      expect(await lag(reader, 'Retitled for two')).toBeLessThan(200);
      // Its message lost, the reader learns of the write from the write marker (checked every 250 ms).
      await retitle(silent, 'Retitled unannounced');
      expect(await lag(reader, 'Retitled unannounced')).toBeLessThanOrEqual(1_000);
    });

    it('keep, on every instance, the answers a write did not touch, whether its message arrives or not', async () => {
      const [other] = await t.store.insertArticles([{
        slug: `untouched-${Date.now()}`, headline: 'Untouched', standfirst: null, body: 'Nothing happened.', publishedAt: new Date(Date.UTC(2024, 5, 1)),
        sourceUrl: null, language: 'en', tags: [], authorIds: [], locationIds: [], status: 'PUBLISHED',
      }]);
      const [telling, silent, first, second] = [await instance(), await instance(false), await instance(), await instance()];
      await new Promise((resolve) => setTimeout(resolve, 300)); // a first check of the write marker
      const readers = [first, second];
      const untouched = (api: TestGateway) => api.gql(HEADLINE, { id: other });
      await Promise.all(readers.flatMap((api) => [headline(api), untouched(api)]));
      await retitle(telling, 'Retitled, the rest kept');
      for (const api of readers) expect(await lag(api, 'Retitled, the rest kept')).toBeLessThan(200);
      // Its message lost, they read the write's tags from the log at their next check (every 250 ms).
      await retitle(silent, 'Retitled unannounced, the rest kept');
      for (const api of readers) expect(await lag(api, 'Retitled unannounced, the rest kept')).toBeLessThanOrEqual(1_000);
      t.db.reset();
      const hitsBefore = await Promise.all(readers.map((api) => metric(api, 'newsgate_response_cache_hits_total')));
      for (const api of readers) expect((await untouched(api)).data.article.headline).toBe('Untouched');
      expect(t.db.queries).toBe(0);
      const hitsAfter = await Promise.all(readers.map((api) => metric(api, 'newsgate_response_cache_hits_total')));
      expect(hitsAfter).toEqual(hitsBefore.map((hits) => hits + 1));
    });

    it('stop sending answers kept in process within a second of Redis not answering, and start again when it does', async () => {
      const server = await startRedis();
      let started: TestGateway | undefined;
      try {
        const api = started = await instance(true, server.url);
        const hits = () => metric(api, 'newsgate_response_cache_hits_total');
        await new Promise((resolve) => setTimeout(resolve, 300));
        await headline(api);
        await headline(api);
        expect(await hits()).toBe(1);
        server.pause(); // no check of the write marker can vouch for the answer any more
        await new Promise((resolve) => setTimeout(resolve, 1_300));
        await headline(api);
        expect(await hits()).toBe(1);
        server.resume();
        await until(async () => { await headline(api); return await hits() > 1; }, 'hits once Redis answers again', 5_000);
      } finally {
        // Before its Redis goes: ioredis gives a socket to a server that is gone 2 s to close.
        if (started) await retire(started);
        await server.stop();
      }
    });
  });
});
