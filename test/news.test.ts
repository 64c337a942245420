import { createArticle } from '../src/editorial/editorial';
import { FixedSources, item, threeSources } from './support/fixed-sources';
import { type GraphQLResponse, gatewaysOverWorkedExample, type TestGateway } from './support/gateway';
import { toGlobalId } from '../src/global-ids';
import { storeId } from './support/ids';

const NEWS = `query ($filter: NewsFilter, $first: Int, $after: String) {
  news(filter: $filter, first: $first, after: $after) {
    edges { cursor node { __typename id headline publishedAt ... on ExternalArticle { source { id } } } }
    pageInfo { hasNextPage endCursor }
    totalCount totalCountIsLowerBound
  }
}`;

describe('news over the store and three sources', () => {
  const example = gatewaysOverWorkedExample();
  let api: TestGateway;
  let sources: FixedSources;
  let local: { id: string; publishedAt: string | null }[];

  beforeAll(async () => {
    const [pakistan] = await example.store.locationsByIsoCodes(['PK']);
    const dated = await Promise.all([
      createArticle(example.store, 'test', { headline: 'Local news of the 17th', body: 'Text.', publishedAt: new Date('2026-11-17T00:00:00Z'), status: 'PUBLISHED', locationIds: [pakistan!.id] }),
      createArticle(example.store, 'test', { headline: 'Local news of the 5th', body: 'Text.', publishedAt: new Date('2026-11-05T00:00:00Z'), status: 'PUBLISHED' }),
    ]);
    await createArticle(example.store, 'test', { headline: 'A draft', body: 'Not yet.', publishedAt: new Date('2026-11-19T00:00:00Z') });
    local = [...dated.map((a) => ({ id: a.id, publishedAt: a.publishedAt!.toISOString() })), { id: example.articleId, publishedAt: null }];
  });
  beforeEach(async () => {
    sources = threeSources();
    api = await example.gateway({ sources });
  });
  afterEach(() => example.stopGateways());

  /** Every page of `news` under `filter`, `first` at a time: the nodes in order, and how many pages. */
  async function walk(first: number, filter?: object) {
    const nodes: any[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const { data, errors }: GraphQLResponse = await api.gql(NEWS, { filter, first, after });
      expect(errors).toBeUndefined();
      pages += 1;
      expect(data.news.edges.length).toBeLessThanOrEqual(first);
      nodes.push(...data.news.edges.map((edge: any) => edge.node));
      if (!data.news.pageInfo.hasNextPage) return { nodes, pages };
      after = data.news.pageInfo.endCursor;
      expect(pages).toBeLessThan(100);
    }
  }

  /** What `news` must list: newest first, undated last, ties by source id then id. */
  function expectedOrder(): string[] {
    const remote = threeSources().sources.flatMap((source) => source.items);
    const all = [
      ...local.map((a) => ({ key: `newsgate:${a.id}`, date: a.publishedAt, source: 'newsgate', id: a.id })),
      ...remote.map((i) => ({ key: `${i.sourceId}:${i.remoteId}`, date: i.publishedAt?.toISOString() ?? null, source: i.sourceId, id: i.remoteId })),
    ];
    return all.sort((a, b) => (a.date === b.date ? 0 : a.date === null ? 1 : b.date === null ? -1 : a.date < b.date ? 1 : -1) ||
      (a.source < b.source ? -1 : a.source > b.source ? 1 : 0) || (a.id < b.id ? -1 : 1)).map((entry) => entry.key);
  }

  const keyOf = (node: any) => (node.__typename === 'Article' ? `newsgate:${storeId(node.id)}` : `${node.source.id}:${node.headline.split(' ').at(-1)}`);

  it.each([1, 2, 3, 5, 7, 50])('lists every item exactly once, newest first, walking pages of %i', async (first) => {
    const { nodes, pages } = await walk(first);
    const keys = nodes.map(keyOf);
    expect(keys).toEqual(expectedOrder());
    expect(new Set(keys).size).toBe(keys.length);
    expect(pages).toBe(Math.max(1, Math.ceil(keys.length / first)));
  });

  it('counts the store and the sources that count, and says the total is a lower bound when one does not', async () => {
    const { data } = await api.gql(NEWS, { first: 1 });
    // 3 published local articles + 7 wire + 5 feed; the partner gives no count.
    expect(data.news).toMatchObject({ totalCount: 15, totalCountIsLowerBound: true });
    const counted = await api.gql(NEWS, { first: 1, filter: { sourceIds: ['newsgate', 'wire'] } });
    expect(counted.data.news).toMatchObject({ totalCount: 10, totalCountIsLowerBound: false });
  });

  it('ties remote items to places by ISO code and by name, including places below the one asked for', async () => {
    const [pakistan, balochistan] = await example.store.locationsByIsoCodes(['PK', 'PK-BA']);
    const inPakistan = (await walk(2, { locationId: pakistan!.id })).nodes.map(keyOf);
    expect(inPakistan).toEqual(['wire:w1', 'partner:p2', 'feed:f2', 'wire:w2', `newsgate:${local[0].id}`, `newsgate:${example.articleId}`]);
    const inBalochistan = (await walk(3, { locationId: balochistan!.id })).nodes.map(keyOf);
    expect(inBalochistan).toEqual(['partner:p2', 'feed:f2', 'wire:w2', `newsgate:${example.articleId}`]);
  });

  it('gives remote items the places their hints name', async () => {
    const { data } = await api.gql(`{ news(first: 50, filter: { sourceIds: ["feed", "wire"] }) { edges { node { headline places { name } } } } }`);
    const placesOf = (headline: string) => data.news.edges.find((edge: any) => edge.node.headline === headline).node.places.map((p: any) => p.name);
    expect(placesOf('feed story f2')).toEqual(['Quetta']);
    expect(placesOf('wire story w2')).toEqual(['Balochistan']);
    expect(placesOf('feed story f3')).toEqual([]);
  });

  it('filters remote items by tag, dates and words as the store filters articles', async () => {
    const { nodes } = await walk(10, { publishedFrom: '2026-11-18T08:00:00Z', publishedTo: '2026-11-21T00:00:00Z' });
    expect(nodes.map(keyOf)).toEqual(['wire:w1', 'partner:p2', 'feed:f2', 'wire:w2']);
    const tagged = await walk(10, { tag: 'floods', sourceIds: ['wire', 'feed'] });
    expect(tagged.nodes.map(keyOf)).toEqual(['wire:w3']);
    const words = await walk(10, { search: 'story -w1 w', sourceIds: ['wire'] });
    expect(words.nodes.map(keyOf)).toEqual(['wire:w2', 'wire:w3', 'wire:w4', 'wire:w5', 'wire:w6', 'wire:w7']);
  });

  it('refuses a cursor of another filter, and one that is not a cursor, as BAD_USER_INPUT', async () => {
    const { data } = await api.gql(NEWS, { first: 2 });
    const other = await api.gql(NEWS, { first: 2, after: data.news.pageInfo.endCursor, filter: { tag: 'x' } });
    expect(other.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'after' });
    expect(other.errors?.[0].message).toMatch(/another list/);
    const forged = await api.gql(NEWS, { first: 2, after: Buffer.from('[1,2]').toString('base64url') });
    expect(forged.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('refuses a source id that names no source', async () => {
    const { errors } = await api.gql(NEWS, { filter: { sourceIds: ['nowhere'] } });
    expect(errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'filter.sourceIds' });
  });

  it('pages on past a source whose latest pages hold nothing the filter keeps, without losing what lies beyond', async () => {
    const [pakistan] = await example.store.locationsByIsoCodes(['PK']);
    const many = Array.from({ length: 150 }, (_, i) => item('bulk', `b${String(i).padStart(3, '0')}`,
      new Date(Date.parse('2026-11-28T00:00:00Z') - i * 3_600_000).toISOString(), { placeHints: i === 140 ? ['PK'] : ['IN'] }));
    await example.stopGateways();
    api = await example.gateway({ sources: new FixedSources([{ info: { id: 'bulk', name: 'Bulk', kind: 'rest', url: 'https://bulk.example', licence: '' }, items: many }]) });
    const { nodes, pages } = await walk(2, { locationId: pakistan!.id, sourceIds: ['bulk'] });
    expect(nodes.map((node) => node.headline)).toEqual(['bulk story b140']);
    expect(pages).toBeGreaterThan(1);
  });

  it('asks every source for the same page size on every page of a walk', async () => {
    await walk(3);
    expect(new Set(sources.requests.map((r) => r.request.size))).toEqual(new Set([20]));
  });
});

describe('news without sources', () => {
  const example = gatewaysOverWorkedExample();

  it('lists only the store\'s published articles, and `sources` only newsgate', async () => {
    const api = await example.gateway();
    const { data, errors } = await api.gql(`{ news { edges { node { __typename id url source { id kind } } } totalCount totalCountIsLowerBound }
      sources { id kind url health { state } } }`);
    expect(errors).toBeUndefined();
    expect(data.news).toEqual({
      edges: [{ node: { __typename: 'Article', id: toGlobalId('Article', example.articleId), url: null, source: { id: 'newsgate', kind: 'LOCAL' } } }],
      totalCount: 1, totalCountIsLowerBound: false,
    });
    expect(data.sources).toEqual([{ id: 'newsgate', kind: 'LOCAL', url: null, health: null }]);
  });
});
