import { SOURCE_DEFAULTS } from '../src/sources/definitions';
import { expandPath, RestSource } from '../src/sources/rest';
import type { RemotePage, RemotePageRequest, RestSourceDefinition } from '../src/sources/source';
import { numberedStories, startRestUpstream, STORIES, type StoryUpstream } from './support/upstreams';

function definition(url: string, overrides: Partial<RestSourceDefinition> = {}): RestSourceDefinition {
  return {
    id: 'broadsheet', name: 'The Broadsheet', kind: 'rest', url, licence: 'Broadsheet terms',
    headers: { 'api-key': 'test-key' }, ...SOURCE_DEFAULTS,
    path: '/search?q={search}&tag={tag}&from-date={from}&to-date={to}&page={page}&page-size={size}',
    itemsPath: 'response.results', pagesPath: 'response.pages', totalPath: 'response.total',
    mapping: {
      remoteId: 'id', headline: 'webTitle', standfirst: 'fields.trailText', url: 'webUrl', publishedAt: 'webPublicationDate',
      authorNames: 'fields.byline', language: 'fields.lang', tags: 'tags.*.webTitle', placeHints: 'fields.countryCode',
    },
    ...overrides,
  };
}

const FIRST: RemotePageRequest = { query: {}, cursor: null, size: 10 };
const signal = () => AbortSignal.timeout(5_000);

async function walk(source: RestSource, size: number): Promise<string[]> {
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const page = await source.fetchPage({ query: {}, cursor, size }, signal()) as RemotePage;
    seen.push(...page.items.map((item) => item.remoteId));
    cursor = page.next;
  } while (cursor !== null);
  return seen;
}

describe('a REST source', () => {
  let upstream: StoryUpstream;
  beforeEach(async () => { upstream = await startRestUpstream(); });
  afterEach(() => upstream.close());

  it('maps each field of its items, HTML stripped, and drops items without a headline or a safe URL', async () => {
    const page = await new RestSource(definition(upstream.url)).fetchPage(FIRST, signal()) as RemotePage;
    expect(page.items.map((item) => item.remoteId)).toEqual(['coast/st-106', 'valley/st-105', 'rail/st-102', 'coast/st-101']);
    expect(page.items[0]).toEqual({
      sourceId: 'broadsheet', remoteId: 'coast/st-106', headline: 'Harbour board approves new ferry pier',
      standfirst: 'The pier will take two ferries at once & open in spring.',
      url: 'https://news.example.org/coast/harbour-pier', publishedAt: new Date('2026-03-06T09:30:00Z'),
      authorNames: ['Ines Calder'], language: 'pt-PT', tags: ['transport', 'harbours'], placeHints: ['PT'],
    });
    expect(page.items[1].url).toBe(`${upstream.url}/valley/orchard-frost`);
    expect(page).toMatchObject({ next: null, totalCount: STORIES.length });
    expect(upstream.requests[0].headers['api-key']).toBe('test-key');
  });

  it('fills its path from our arguments, URL-encoded, dropping the parameters of absent ones', async () => {
    const source = new RestSource(definition(upstream.url));
    await source.fetchPage(FIRST, signal());
    expect(upstream.requests[0].path).toBe('/search?page=1&page-size=10');
    const page = await source.fetchPage({
      query: { search: 'harbour board', tag: 'transport', publishedFrom: new Date('2026-03-01T10:00:00Z'), publishedTo: new Date('2026-03-06T23:00:00Z') },
      cursor: null, size: 5,
    }, signal()) as RemotePage;
    expect(upstream.requests[1].path).toBe('/search?q=harbour%20board&tag=transport&from-date=2026-03-01&to-date=2026-03-06&page=1&page-size=5');
    expect(page.items.map((item) => item.remoteId)).toEqual(['coast/st-106']);
    expect(expandPath('/items/{page}?q={search}&x=1', { page: '2', search: 'a&b=c' })).toBe('/items/2?q=a%26b%3Dc&x=1');
    expect(expandPath('/items?q={search}', {})).toBe('/items');
  });

  it('walks every page to the end by its page count, and by short pages without one', async () => {
    upstream.setStories(numberedStories(23));
    const all = numberedStories(23).map((story) => `desk/${story.id}`);
    expect(await walk(new RestSource(definition(upstream.url)), 10)).toEqual(all);
    expect(upstream.requests).toHaveLength(3);
    expect(await walk(new RestSource(definition(upstream.url, { pagesPath: undefined })), 10)).toEqual(all);
    expect(upstream.requests).toHaveLength(6);
    upstream.setStories(numberedStories(20));
    expect(await walk(new RestSource(definition(upstream.url)), 10)).toHaveLength(20);
    expect(upstream.requests).toHaveLength(8);
  });

  it('rejects a 500, a malformed body, a missing list and a bad cursor, naming the source', async () => {
    const source = new RestSource(definition(upstream.url));
    upstream.fail(500);
    await expect(source.fetchPage(FIRST, signal())).rejects.toThrow(/^source "broadsheet": .*answered HTTP 500/);
    upstream.malformed();
    await expect(source.fetchPage(FIRST, signal())).rejects.toThrow(/^source "broadsheet": malformed answer: not JSON/);
    upstream.malformed('{"response": {"status": "ok"}}');
    await expect(source.fetchPage(FIRST, signal())).rejects.toThrow('source "broadsheet": malformed answer: response.results is not a list');
    upstream.reset();
    await expect(source.fetchPage({ ...FIRST, cursor: 'page-two' }, signal())).rejects.toThrow('source "broadsheet": cursor "page-two" is not a page number');
    await expect(source.fetchPage({ ...FIRST, cursor: '9' }, signal())).rejects.toThrow(/^source "broadsheet": .*answered HTTP 400/);
  });

  it('gives up when its signal ends, even on a slow remote', async () => {
    upstream.delay(3_000);
    const started = Date.now();
    await expect(new RestSource(definition(upstream.url)).fetchPage(FIRST, AbortSignal.timeout(200))).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('sends back the validators it was given and resolves not-modified on a 304, until the data changes', async () => {
    upstream.honourEtags();
    const source = new RestSource(definition(upstream.url));
    const page = await source.fetchPage(FIRST, signal()) as RemotePage;
    await expect(source.fetchPage(FIRST, signal(), page.validators)).resolves.toBe('not-modified');
    expect(upstream.notModifiedCount).toBe(1);
    upstream.setStories(numberedStories(1));
    await expect(source.fetchPage(FIRST, signal(), page.validators)).resolves.toMatchObject({ items: [{ remoteId: 'desk/n-1' }] });
    expect(upstream.notModifiedCount).toBe(1);
  });
});
