import pino from 'pino';
import { createApiKey } from '../src/auth/api-keys';
import { createSourceAdapters } from '../src/sources';
import { createRemoteSources } from '../src/sources/remote';
import type { FeedSourceDefinition, RemoteSources } from '../src/sources/source';
import { type FeedUpstream, startFeedUpstream } from './support/feed-upstream';
import { type FixedSources, threeSources } from './support/fixed-sources';
import { gatewaysOverWorkedExample, type TestGateway } from './support/gateway';

const NEWS = `query ($first: Int, $after: String) {
  news(first: $first, after: $after) {
    edges { node { __typename headline ... on ExternalArticle { id url fetchedAt stale source { id } } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

describe('remote sources in the graph', () => {
  const example = gatewaysOverWorkedExample();
  let api: TestGateway;
  let sources: FixedSources;
  let editor: Record<string, string>;

  beforeAll(async () => {
    editor = { authorization: `Bearer ${(await createApiKey(example.store, 'Night desk', 'editor')).key}` };
  });
  beforeEach(async () => {
    sources = threeSources();
    api = await example.gateway({ sources, http: { responseCache: { ttlMs: 60_000, maxBytes: 1_000_000 } } });
  });
  afterEach(() => example.stopGateways());

  const remoteSources = (data: any) => new Set(data.news.edges.filter((e: any) => e.node.source).map((e: any) => e.node.source.id));

  it('answers with the other sources\' items and one SOURCE_UNAVAILABLE error when a source fails', async () => {
    sources.failing.add('partner');
    const response = await api.gql(NEWS, { first: 50 });
    expect(response.status).toBe(200);
    expect(remoteSources(response.data)).toEqual(new Set(['wire', 'feed']));
    expect(response.data.news.edges).toHaveLength(3 + 7 + 5 - 2); // the worked example's article; no drafts here
    expect(response.errors).toEqual([{
      message: expect.stringMatching(/^source "partner" is unavailable \(timeout\)/),
      path: ['news'],
      extensions: { code: 'SOURCE_UNAVAILABLE', source: 'partner', retryable: true },
    }]);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const metrics = await (await fetch(api.url.replace(/graphql$/, 'metrics'))).text();
    expect(metrics).toMatch(/newsgate_graphql_errors_total\{code="SOURCE_UNAVAILABLE"\} 1\b/);
  });

  it('picks a failed source up where it was once it answers again: no item lost', async () => {
    const first = await api.gql(NEWS, { first: 4 });
    sources.failing.add('feed');
    const second = await api.gql(NEWS, { first: 4, after: first.data.news.pageInfo.endCursor });
    expect(second.errors?.map((e) => e.extensions?.source)).toEqual(['feed']);
    sources.failing.clear();
    const seen = [...first.data.news.edges, ...second.data.news.edges].map((e: any) => e.node.headline);
    let after = second.data.news.pageInfo.endCursor;
    for (let more = second.data.news.pageInfo.hasNextPage; more;) {
      const { data } = await api.gql(NEWS, { first: 4, after });
      seen.push(...data.news.edges.map((e: any) => e.node.headline));
      ({ hasNextPage: more, endCursor: after } = data.news.pageInfo);
    }
    expect(seen.filter((h) => h.startsWith('feed story'))).toHaveLength(5);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('names stale sources in extensions.sources, and no cache keeps that answer', async () => {
    sources.stale.add('feed');
    const stale = await api.gql(NEWS, { first: 50 });
    expect(stale.errors).toBeUndefined();
    expect(stale.extensions).toEqual({ sources: { stale: ['feed'] } });
    expect(stale.data.news.edges.filter((e: any) => e.node.source?.id === 'feed').every((e: any) => e.node.stale)).toBe(true);
    expect(stale.data.news.edges.filter((e: any) => e.node.source?.id === 'wire').some((e: any) => e.node.stale)).toBe(false);
    expect(stale.headers.get('cache-control')).toBe('no-store');
    const asked = sources.requests.length;
    await api.gql(NEWS, { first: 50 });
    expect(sources.requests.length).toBeGreaterThan(asked);
  });

  it('keeps a fresh answer no longer than the shortest-lived page it used, in HTTP caches and the response cache', async () => {
    sources.maxAgeSeconds = 12;
    const fresh = await api.gql(NEWS, { first: 50 });
    expect(fresh.headers.get('cache-control')).toBe('max-age=12, public');
    const asked = sources.requests.length;
    const again = await api.gql(NEWS, { first: 50 });
    expect(again.data).toEqual(fresh.data);
    expect(sources.requests.length).toBe(asked);
  });

  it('lists every source with its provenance and health, newsgate first', async () => {
    sources.failing.add('feed');
    const { data } = await api.gql(`{ sources { id name kind url licence health { state lastError { message } latencyP50Ms itemsCached } } }`);
    expect(data.sources.map((s: any) => [s.id, s.kind])).toEqual([['newsgate', 'LOCAL'], ['wire', 'REST'], ['feed', 'FEED'], ['partner', 'GRAPHQL']]);
    expect(data.sources[2]).toEqual({
      id: 'feed', name: 'The feed', kind: 'FEED', url: 'https://feed.example', licence: '© feed',
      health: { state: 'DOWN', lastError: { message: 'feed did not answer in time' }, latencyP50Ms: 12, itemsCached: 5 },
    });
  });

  describe('importExternalArticle', () => {
    const IMPORT = `mutation ($id: ID!) { importExternalArticle(id: $id) { id status sourceUrl headline body publishedAt locations { name } version } }`;
    const idOf = async (headline: string) => {
      const { data } = await api.gql(NEWS, { first: 50 });
      return data.news.edges.find((e: any) => e.node.headline === headline).node.id as string;
    };

    it('copies a remote item into a DRAFT with its sourceUrl, once', async () => {
      const id = await idOf('wire story w2');
      const first = await api.gql(IMPORT, { id }, editor);
      expect(first.errors).toBeUndefined();
      expect(first.data.importExternalArticle).toMatchObject({
        status: 'DRAFT', sourceUrl: 'https://wire.example/w2', headline: 'wire story w2', body: 'What happened in w2.',
        publishedAt: '2026-11-18T08:00:00.000Z', locations: [{ name: 'Balochistan' }], version: 1,
      });
      const second = await api.gql(IMPORT, { id }, editor);
      expect(second.data.importExternalArticle).toEqual(first.data.importExternalArticle);
      const drafts = await example.store.scoped({ unpublished: true }).listArticles({}, 'PUBLISHED_AT_DESC', { first: 100 });
      expect(drafts.rows.filter((a) => a.sourceUrl === 'https://wire.example/w2')).toHaveLength(1);
    });

    it('needs an editor\'s key', async () => {
      const { errors, data } = await api.gql(IMPORT, { id: await idOf('feed story f1') });
      expect(errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
      expect(data).toBeNull();
      const all = await example.store.scoped({ unpublished: true }).listArticles({}, 'PUBLISHED_AT_DESC', { first: 100 });
      expect(all.rows.filter((a) => a.sourceUrl === 'https://feed.example/f1')).toEqual([]);
    });

    it('answers NOT_FOUND for an id that names no remote item, and SOURCE_UNAVAILABLE when the source cannot be asked', async () => {
      const missing = await api.gql(IMPORT, { id: 'ext_bm90aGluZw' }, editor);
      expect(missing.errors?.[0].extensions?.code).toBe('NOT_FOUND');
      const id = await idOf('partner story p1');
      sources.failing.add('partner');
      const down = await api.gql(IMPORT, { id }, editor);
      expect(down.errors?.[0].extensions).toMatchObject({ code: 'SOURCE_UNAVAILABLE', source: 'partner', retryable: true });
    });
  });

  it('gives ExternalArticle no figures, revisions or version, and both kinds of item the NewsItem fields', async () => {
    const { data } = await api.gql(`{ external: __type(name: "ExternalArticle") { fields { name } interfaces { name } }
      article: __type(name: "Article") { interfaces { name } } }`);
    const fields = data.external.fields.map((f: any) => f.name);
    expect(fields).toEqual(expect.arrayContaining(['id', 'headline', 'url', 'places', 'source', 'fetchedAt', 'stale']));
    for (const ours of ['casualtyFigures', 'revisions', 'version', 'body']) expect(fields).not.toContain(ours);
    expect(data.external.interfaces).toEqual([{ name: 'NewsItem' }]);
    expect(data.article.interfaces).toEqual([{ name: 'NewsItem' }, { name: 'Node' }]);
  });
});

describe('news over a real feed source', () => {
  const example = gatewaysOverWorkedExample();
  let upstream: FeedUpstream;
  const opened: RemoteSources[] = [];
  beforeAll(async () => {
    upstream = await startFeedUpstream();
  });
  afterEach(async () => {
    upstream.reset();
    await example.stopGateways();
    await Promise.all(opened.splice(0).map((sources) => sources.close()));
  });
  afterAll(() => upstream.close());

  /** A gateway whose one remote source is the feed upstream's RSS, with no page cached yet. */
  async function gatewayOverFeed(timeoutMs: number): Promise<TestGateway> {
    const definition: FeedSourceDefinition = {
      id: 'harbour-wire', name: 'Harbour Wire', kind: 'feed', url: upstream.rssUrl, licence: '© Harbour Wire', headers: {},
      timeoutMs, ttlSeconds: 60, staleSeconds: 600, budgetPerMinute: 600, concurrency: 4,
    };
    const sources = createRemoteSources(createSourceAdapters([definition]), [definition], { log: pino({ level: 'silent' }) });
    opened.push(sources);
    return example.gateway({ sources });
  }

  it('lists the feed\'s items beside the store\'s articles, with their provenance', async () => {
    const api = await gatewayOverFeed(2_000);
    const { data, errors } = await api.gql(`{ news(first: 50) { edges { node { __typename headline publishedAt
      ... on ExternalArticle { url stale source { id kind licence } } } } } }`);
    expect(errors).toBeUndefined();
    const external = data.news.edges.map((e: any) => e.node).filter((n: any) => n.__typename === 'ExternalArticle');
    expect(external.length).toBeGreaterThan(3);
    expect(external[0]).toMatchObject({ stale: false, source: { id: 'harbour-wire', kind: 'FEED', licence: '© Harbour Wire' } });
    expect(data.news.edges.at(-1).node).toMatchObject({ __typename: 'Article', publishedAt: null });
    const dated = external.filter((n: any) => n.publishedAt).map((n: any) => n.publishedAt);
    expect(dated).toEqual([...dated].sort().reverse());
  });

  it('answers within the source\'s timeout when the feed hangs: the store\'s articles and one SOURCE_UNAVAILABLE error', async () => {
    const api = await gatewayOverFeed(300);
    upstream.hang();
    const started = Date.now();
    const response = await api.gql(`{ news(first: 10) { edges { node { __typename } } } }`);
    expect(Date.now() - started).toBeLessThan(300 + 700);
    expect(response.status).toBe(200);
    expect(response.data.news.edges).toEqual([{ node: { __typename: 'Article' } }]);
    expect(response.errors).toEqual([expect.objectContaining({
      path: ['news'], extensions: { code: 'SOURCE_UNAVAILABLE', source: 'harbour-wire', retryable: true },
    })]);
    expect(response.headers.get('cache-control')).toBe('no-store');
  });
});
