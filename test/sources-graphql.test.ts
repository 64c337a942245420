import { GraphqlSource } from '../src/sources/graphql';
import { SOURCE_DEFAULTS } from '../src/sources/definitions';
import type { GraphqlSourceDefinition, RemotePage, RemotePageRequest } from '../src/sources/source';
import { numberedStories, startGraphqlUpstream, STORIES, type StoryUpstream } from './support/upstreams';

const DOCUMENT = `
  query News($q: String, $section: String, $since: String, $until: String, $after: String, $first: Int) {
    stories(query: $q, section: $section, since: $since, until: $until, after: $after, first: $first) {
      edges { node { id title summary link published byline section country language tags } }
      pageInfo { endCursor hasNextPage }
      totalCount
    }
  }
`;

function definition(url: string, overrides: Partial<GraphqlSourceDefinition> = {}): GraphqlSourceDefinition {
  return {
    id: 'meridian', name: 'Meridian Wire', kind: 'graphql', url: `${url}/graphql`, licence: 'Meridian terms',
    headers: { authorization: 'Bearer test-token' }, ...SOURCE_DEFAULTS,
    document: DOCUMENT,
    variables: { q: 'search', section: 'tag', since: 'from', until: 'to', after: 'cursor', first: 'size' },
    itemsPath: 'stories.edges.*.node', nextCursorPath: 'stories.pageInfo.endCursor', hasNextPath: 'stories.pageInfo.hasNextPage',
    totalPath: 'stories.totalCount',
    mapping: {
      remoteId: 'id', headline: 'title', standfirst: 'summary', url: 'link', publishedAt: 'published',
      authorNames: 'byline', language: 'language', tags: 'tags', placeHints: 'country',
    },
    ...overrides,
  };
}

const FIRST: RemotePageRequest = { query: {}, cursor: null, size: 10 };
const signal = () => AbortSignal.timeout(5_000);

describe('a GraphQL source', () => {
  let upstream: StoryUpstream;
  beforeEach(async () => { upstream = await startGraphqlUpstream(); });
  afterEach(() => upstream.close());

  it('maps each field of its items, HTML stripped, and drops items without a headline or a safe URL', async () => {
    const page = await new GraphqlSource(definition(upstream.url)).fetchPage(FIRST, signal()) as RemotePage;
    expect(page.items.map((item) => item.remoteId)).toEqual(['st-106', 'st-105', 'st-102', 'st-101']);
    expect(page.items[0]).toEqual({
      sourceId: 'meridian', remoteId: 'st-106', headline: 'Harbour board approves new ferry pier',
      standfirst: 'The pier will take two ferries at once & open in spring.',
      url: 'https://news.example.org/coast/harbour-pier', publishedAt: new Date('2026-03-06T09:30:00Z'),
      authorNames: ['Ines Calder'], language: 'pt-PT', tags: ['transport', 'harbours'], placeHints: ['PT'],
    });
    expect(page.items[1].url).toBe(`${upstream.url}/valley/orchard-frost`);
    expect(page).toMatchObject({ next: null, totalCount: STORIES.length });
    expect(upstream.requests[0].headers.authorization).toBe('Bearer test-token');
  });

  it('sends our arguments as the document\'s variables, leaving absent ones out', async () => {
    const source = new GraphqlSource(definition(upstream.url));
    const page = await source.fetchPage({
      query: { search: 'harbour', tag: 'harbours', publishedFrom: new Date('2026-03-01T00:00:00Z') }, cursor: null, size: 5,
    }, signal()) as RemotePage;
    expect(page.items.map((item) => item.remoteId)).toEqual(['st-106', 'st-101']);
    expect(JSON.parse(upstream.requests[0].body).variables).toEqual({ q: 'harbour', section: 'harbours', since: '2026-03-01T00:00:00.000Z', first: 5 });
  });

  it('walks every page to the end, without a repeat or a gap', async () => {
    upstream.setStories(numberedStories(23));
    const source = new GraphqlSource(definition(upstream.url));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await source.fetchPage({ query: {}, cursor, size: 10 }, signal()) as RemotePage;
      seen.push(...page.items.map((item) => item.remoteId));
      cursor = page.next;
    } while (cursor !== null);
    expect(seen).toEqual(numberedStories(23).map((story) => story.id));
    expect(upstream.requests).toHaveLength(3);
  });

  it('rejects a 500, a malformed body, errors without data and a missing list, naming the source', async () => {
    const source = new GraphqlSource(definition(upstream.url));
    upstream.fail(500);
    await expect(source.fetchPage(FIRST, signal())).rejects.toThrow(/^source "meridian": .*answered HTTP 500/);
    upstream.malformed();
    await expect(source.fetchPage(FIRST, signal())).rejects.toThrow(/^source "meridian": malformed answer: not JSON/);
    upstream.malformed('[1, 2]');
    await expect(source.fetchPage(FIRST, signal())).rejects.toThrow('source "meridian": malformed answer: not a GraphQL result');
    upstream.malformed('{"data": {"stories": {"edges": 7}}}');
    await expect(source.fetchPage(FIRST, signal())).rejects.toThrow('source "meridian": malformed answer: data.stories.edges.*.node is not a list');
    upstream.malformed('{"data": null, "errors": [{"message": "stories are resting"}, {"message": "try later"}]}');
    await expect(source.fetchPage(FIRST, signal())).rejects.toThrow('source "meridian": the remote answered with errors: stories are resting; try later');
    upstream.reset();
    const wrong = new GraphqlSource(definition(upstream.url, { document: 'query { stories { edges { node { headline } } } }' }));
    await expect(wrong.fetchPage(FIRST, signal())).rejects.toThrow(/^source "meridian": .*answered HTTP 400/);
  });

  it('gives up when its signal ends, even on a hanging remote', async () => {
    upstream.hang();
    const started = Date.now();
    await expect(new GraphqlSource(definition(upstream.url)).fetchPage(FIRST, AbortSignal.timeout(200))).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('sends back the validators it was given and resolves not-modified on a 304', async () => {
    upstream.honourEtags();
    const source = new GraphqlSource(definition(upstream.url));
    const page = await source.fetchPage(FIRST, signal()) as RemotePage;
    expect(page.validators?.etag).toMatch(/^".+"$/);
    await expect(source.fetchPage(FIRST, signal(), page.validators)).resolves.toBe('not-modified');
    expect(upstream.notModifiedCount).toBe(1);
    expect(upstream.requests[1].headers['if-none-match']).toBe(page.validators!.etag);
    upstream.setStories(numberedStories(2));
    await expect(source.fetchPage(FIRST, signal(), page.validators)).resolves.toMatchObject({ items: [{ remoteId: 'n-1' }, { remoteId: 'n-2' }] });
    expect(upstream.notModifiedCount).toBe(1);
  });

  it('checks its document against the remote\'s schema, naming every mismatch', async () => {
    await expect(new GraphqlSource(definition(upstream.url)).check(signal())).resolves.toBeUndefined();
    const stale = new GraphqlSource(definition(upstream.url, {
      document: 'query News($q: Int) { stories(query: $q, page: 2) { edges { node { id headline link } } } }',
    }));
    const error = await stale.check(signal()).then(() => null, (caught: Error) => caught);
    expect(error?.message.split('\n')).toEqual([
      'source "meridian": the document does not fit the remote\'s schema:',
      '  Unknown argument "page" on field "Query.stories".',
      '  Cannot query field "headline" on type "Story". Did you mean "byline"?',
      '  Variable "$q" of type "Int" used in position expecting type "String".',
    ]);
  });

  it('says so when the remote refuses introspection', async () => {
    upstream.malformed('{"errors": [{"message": "introspection is disabled"}]}');
    await expect(new GraphqlSource(definition(upstream.url)).check(signal()))
      .rejects.toThrow('source "meridian": cannot introspect the remote\'s schema (the remote answered with errors: introspection is disabled), so the document cannot be checked');
    upstream.fail(403);
    await expect(new GraphqlSource(definition(upstream.url)).check(signal()))
      .rejects.toThrow(/^source "meridian": cannot introspect the remote's schema \(.*answered HTTP 403\), so the document cannot be checked$/);
  });
});
