import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFeedUpstream, type FeedUpstream } from './support/feed-upstream';
import { startGatewayProcess, type GatewayProcess } from './support/gateway-process';
import { threeSourcesFile } from './support/sources-file';
import { numberedStories, startGraphqlUpstream, startRestUpstream, type StoryUpstream } from './support/upstreams';

/**
 * The real gateway (`src/main.ts` in a process of its own) started with a sources file naming three
 * real upstreams on loopback ports: a GraphQL API, a REST content API and an RSS feed. Proves the
 * wiring end to end: the file read at start, each kind's adapter, the protections and the page cache,
 * and `news` / `sources` in the graph.
 */

const TIMEOUT_MS = 600;

const NEWS = `query News($first: Int, $after: String, $filter: NewsFilter) {
  news(first: $first, after: $after, filter: $filter) {
    totalCount totalCountIsLowerBound
    edges { node { id headline publishedAt source { id } ... on ExternalArticle { stale source { licence } } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

type NewsNode = { id: string; headline: string; publishedAt: string | null; source: { id: string; licence?: string }; stale?: boolean };

describe('a gateway started with a sources file', () => {
  let graphql: StoryUpstream;
  let rest: StoryUpstream;
  let feed: FeedUpstream;
  let gateway: GatewayProcess;
  let dir: string;

  async function post(query: string, variables: Record<string, unknown> = {}) {
    const response = await fetch(gateway.url, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, body: await response.json() as { data?: any; errors?: any[] } };
  }

  async function walk(first: number): Promise<NewsNode[]> {
    const nodes: NewsNode[] = [];
    let after: string | null = null;
    for (let page = 0; page < 100; page += 1) {
      const { body } = await post(NEWS, { first, after });
      expect(body.errors).toBeUndefined();
      nodes.push(...body.data.news.edges.map((edge: { node: NewsNode }) => edge.node));
      if (!body.data.news.pageInfo.hasNextPage) return nodes;
      after = body.data.news.pageInfo.endCursor;
    }
    throw new Error('news did not end within 100 pages');
  }

  beforeAll(async () => {
    [graphql, rest, feed] = await Promise.all([
      startGraphqlUpstream(numberedStories(25, 'g')), startRestUpstream(numberedStories(25, 'r')), startFeedUpstream(),
    ]);
    dir = mkdtempSync(join(tmpdir(), 'newsgate-sources-'));
    writeFileSync(join(dir, 'sources.yaml'), threeSourcesFile({ graphql: graphql.url, rest: rest.url, feed: feed.rssUrl }, { timeoutMs: TIMEOUT_MS, staleSeconds: 0 }));
    gateway = await startGatewayProcess({ SOURCES_FILE: join(dir, 'sources.yaml') });
  });

  afterAll(async () => {
    await gateway?.stop();
    await Promise.all([graphql?.close(), rest?.close(), feed?.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists the store\'s articles and every source\'s items in one walk, each once, newest first', async () => {
    const small = await walk(7);
    const ids = small.map((node) => node.id);
    expect(new Set(ids).size).toBe(ids.length);
    const bySource = (id: string) => small.filter((node) => node.source.id === id).length;
    expect(bySource('meridian')).toBe(25);
    expect(bySource('broadsheet')).toBe(25);
    expect(bySource('harbour')).toBeGreaterThan(3);
    expect(bySource('newsgate')).toBe(1);
    const dated = small.filter((node) => node.publishedAt !== null).map((node) => Date.parse(node.publishedAt!));
    expect(dated).toEqual([...dated].sort((a, b) => b - a));
    expect(small.findIndex((node) => node.publishedAt === null)).toBeGreaterThanOrEqual(dated.length);
    expect(small.find((node) => node.source.id === 'harbour')).toMatchObject({ stale: false, source: { licence: 'Harbour Wire, headlines used with permission' } });
    // Another page size walks the same items in the same order.
    expect((await walk(40)).map((node) => node.id)).toEqual(ids);
  });

  it('names each source with its health, beside our own store', async () => {
    const { body } = await post('{ sources { id kind licence health { state lastSuccessAt } } }');
    expect(body.data.sources.map((source: { id: string; kind: string }) => [source.id, source.kind])).toEqual([
      ['newsgate', 'LOCAL'], ['meridian', 'GRAPHQL'], ['broadsheet', 'REST'], ['harbour', 'FEED'],
    ]);
    expect(body.data.sources.slice(1).map((source: { health: { state: string } }) => source.health.state)).toEqual(['UP', 'UP', 'UP']);
  });

  it('answers with the other sources and one SOURCE_UNAVAILABLE error when a source hangs, within its timeout', async () => {
    rest.hang();
    try {
      const started = performance.now();
      // A search no page was cached for, so the hung source must be asked.
      const { status, body } = await post(NEWS, { first: 50, filter: { search: 'Numbered' } });
      const elapsed = performance.now() - started;
      expect(status).toBe(200);
      expect(elapsed).toBeLessThan(TIMEOUT_MS + 1_500);
      expect(body.errors).toEqual([expect.objectContaining({
        path: ['news'], extensions: expect.objectContaining({ code: 'SOURCE_UNAVAILABLE', source: 'broadsheet', retryable: true }),
      })]);
      const sources = new Set(body.data.news.edges.map((edge: { node: NewsNode }) => edge.node.source.id));
      expect(sources).toEqual(new Set(['meridian']));
      expect(body.data.news.totalCountIsLowerBound).toBe(true);
      expect((await gateway.get('/readyz')).status).toBe(200);
      const metrics = await (await gateway.get('/metrics')).text();
      expect(metrics).toMatch(/newsgate_source_timeouts_total\{source="broadsheet"\} [1-9]/);
      expect(metrics).toMatch(/newsgate_source_requests_total\{source="meridian"\} [1-9]/);
    } finally {
      rest.reset();
    }
  });
});
