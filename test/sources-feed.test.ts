import { FeedSource, MAX_FEED_ITEMS } from '../src/sources/feed';
import { MAX_SOURCE_BODY_BYTES } from '../src/sources/http';
import type { ExternalItem, RemotePage, RemotePageRequest, RemoteQuery, Validators } from '../src/sources/source';
import { rssDocument, rssItem, startFeedUpstream, type FeedUpstream } from './support/feed-upstream';

let upstream: FeedUpstream;
beforeAll(async () => {
  upstream = await startFeedUpstream();
});
afterEach(() => upstream.reset());
afterAll(() => upstream.close());

function feedSource(url: string): FeedSource {
  return new FeedSource({
    id: 'harbour-wire', name: 'Harbour Wire', kind: 'feed', url, licence: '© Harbour Wire, used with permission',
    headers: { 'x-api-key': 'test-key' }, timeoutMs: 2_000, ttlSeconds: 60, staleSeconds: 600, budgetPerMinute: 60, concurrency: 2,
  });
}

const ask = (source: FeedSource, request: Partial<RemotePageRequest> = {}, validators?: Validators, signal = AbortSignal.timeout(5_000)) =>
  source.fetchPage({ query: {}, cursor: null, size: 100, ...request }, signal, validators);

async function page(source: FeedSource, request: Partial<RemotePageRequest> = {}, validators?: Validators): Promise<RemotePage> {
  const answer = await ask(source, request, validators);
  if (answer === 'not-modified') throw new Error('expected a page, got not-modified');
  return answer;
}

/** Every item matching `query`, page after page of `size`, with each page's length. */
async function walk(source: FeedSource, query: RemoteQuery, size: number): Promise<{ items: ExternalItem[]; lengths: number[] }> {
  const items: ExternalItem[] = [];
  const lengths: number[] = [];
  let cursor: string | null = null;
  do {
    const next: RemotePage = await page(source, { query, cursor, size });
    items.push(...next.items);
    lengths.push(next.items.length);
    cursor = next.next;
  } while (cursor !== null && lengths.length < 100);
  return { items, lengths };
}

const ids = (items: ExternalItem[]) => items.map((item) => item.remoteId);

describe('a feed source', () => {
  it('says who it is, as its definition gives', () => {
    expect(feedSource(upstream.rssUrl).info).toEqual({
      id: 'harbour-wire', name: 'Harbour Wire', kind: 'feed', url: upstream.rssUrl, licence: '© Harbour Wire, used with permission',
    });
  });

  it('maps every field of an RSS 2.0 item, newest first and undated last', async () => {
    const { items, next, totalCount } = await page(feedSource(upstream.rssUrl));
    const common = { sourceId: 'harbour-wire', language: 'en-GB' };
    expect(items).toEqual([
      {
        ...common, remoteId: 'hw-2026-11-30-0412',
        headline: 'Floodwaters recede in Szeged as the Tisza drops below its warning level',
        standfirst: 'The river fell 40 cm overnight, the water authority said. Follow our live coverage',
        url: 'https://wire.example/europe/2026/11/30/szeged-floodwaters-recede',
        publishedAt: new Date('2026-11-30T08:15:00Z'), authorNames: ['Ilona Varga'],
        tags: ['Europe', 'Floods'], placeHints: ['HU', 'Europe', 'Floods'],
      },
      {
        ...common, remoteId: new URL('/business/2026/11/30/rotterdam-port-talks', upstream.rssUrl).href,
        headline: 'Dockers & port operators resume talks in Rotterdam',
        standfirst: 'Negotiators met at 07:00 — the first session since Friday’s walk-out.',
        url: new URL('/business/2026/11/30/rotterdam-port-talks', upstream.rssUrl).href,
        publishedAt: new Date('2026-11-30T07:40:00Z'), authorNames: ['Pieter de Vries'],
        tags: ['Business', 'Shipping'], placeHints: ['Rotterdam', 'Business', 'Shipping'],
      },
      {
        ...common, remoteId: 'hw-2026-11-29-0977',
        headline: 'Markets close higher; tech shares lead the gains',
        standfirst: 'Indices rose for a third day as investors bet on “a soft landing”, traders said.',
        url: 'https://wire.example/markets/2026/11/29/close',
        publishedAt: new Date('2026-11-29T18:05:00Z'), authorNames: ['Markets desk'],
        tags: ['Markets'], placeHints: ['Markets'],
      },
      {
        ...common, remoteId: 'https://wire.example/uk/2026/11/29/coast-warning-lifted',
        headline: 'Weather warning for the coast lifted',
        standfirst: 'The Met Office lifted its amber warning at noon.',
        url: 'https://wire.example/uk/2026/11/29/coast-warning-lifted',
        publishedAt: new Date('2026-11-29T12:00:00Z'), authorNames: [],
        tags: ['UK'], placeHints: ['UK'],
      },
      {
        ...common, remoteId: 'https://wire.example/world/2026/11/29/ceasefire-monitors',
        headline: 'Ceasefire monitors arrive in southern Lebanon',
        standfirst: 'Monitors from three countries began work on Sunday. Their first report is due within a week.',
        url: 'https://wire.example/world/2026/11/29/ceasefire-monitors',
        publishedAt: null, authorNames: ['Sara Haddad', 'Tom Okafor'],
        tags: ['World'], placeHints: ['LB', 'Tyre', 'World'],
      },
      {
        ...common, remoteId: 'hw-corr-0031',
        headline: 'Correction: an earlier version of this story misnamed the ferry operator',
        standfirst: 'We apologise for the error.',
        url: 'https://wire.example/corrections/ferry-operator',
        publishedAt: null, authorNames: [], tags: [], placeHints: [],
      },
    ]);
    expect(next).toBeNull();
    expect(totalCount).toBe(6);
  });

  it('maps every field of an Atom entry, the entry\'s language before the feed\'s', async () => {
    const { items, next, totalCount } = await page(feedSource(upstream.atomUrl));
    const common = { sourceId: 'harbour-wire', language: 'fr-CH' };
    expect(items).toEqual([
      {
        ...common, remoteId: 'tag:leman.example,2026-11-30:depeche/8841',
        headline: 'Le Rhône & ses affluents : la décrue se confirme',
        standfirst: 'Le niveau du fleuve a baissé de 30 cm depuis dimanche.',
        url: 'https://leman.example/suisse/2026/11/30/rhone-decrue',
        publishedAt: new Date('2026-11-30T09:00:00Z'), authorNames: ['Claire Morel', 'Luca Bernasconi'],
        tags: ['Suisse', 'Météo'], placeHints: ['CH', 'Suisse', 'Météo'],
      },
      {
        ...common, remoteId: 'tag:leman.example,2026-11-30:depeche/8835',
        headline: 'Genève : le tram 15 reprend son service',
        standfirst: 'Après trois jours de travaux, la ligne rouvre.',
        url: new URL('transports/2026/11/30/tram-15', upstream.atomUrl).href,
        publishedAt: new Date('2026-11-30T08:30:00Z'), authorNames: ['Nadia Perret'],
        tags: ['Transports'], placeHints: ['Genève', 'Transports'],
      },
      {
        ...common, remoteId: 'tag:leman.example,2026-11-29:depeche/8790',
        headline: 'Prix de l’énergie : hausse de 3 % en décembre',
        standfirst: 'Les tarifs réglementés augmenteront au 1er décembre.',
        url: 'https://leman.example/economie/2026/11/29/prix-energie',
        publishedAt: new Date('2026-11-29T16:45:00Z'), authorNames: ['Marc Dubois'],
        tags: ['economie'], placeHints: ['economie'],
      },
      {
        ...common, language: 'de-CH', remoteId: 'tag:leman.example,2026-11-29:meldung/112',
        headline: 'Lawinengefahr im Wallis gestiegen',
        standfirst: 'Das Institut hob die Warnstufe auf 3 an.',
        url: 'https://leman.example/de/wallis/lawinen',
        publishedAt: null, authorNames: ['Beat Imhof'],
        tags: ['Wallis'], placeHints: ['Wallis'],
      },
    ]);
    expect(next).toBeNull();
    expect(totalCount).toBe(4);
  });

  it('strips HTML from every text, scripts and all, and decodes entities and CDATA', async () => {
    for (const url of [upstream.rssUrl, upstream.atomUrl]) {
      const { items } = await page(feedSource(url));
      const texts = items.flatMap((item) => [item.headline, item.standfirst ?? '', ...item.tags, ...item.authorNames]);
      for (const text of texts) {
        expect(text).not.toMatch(/<\/?[a-z!]/i);
        expect(text).not.toMatch(/&(#\d+|[a-z]+);/i);
        expect(text).not.toContain('track()');
      }
    }
  });

  it('drops entries whose link is not http(s), and entries without a title', async () => {
    for (const url of [upstream.rssUrl, upstream.atomUrl]) {
      const { items } = await page(feedSource(url));
      expect(items.map((item) => item.headline)).not.toEqual(expect.arrayContaining([expect.stringMatching(/briefing live|lecteur vidéo/)]));
      expect(items.every((item) => /^https?:\/\//.test(item.url))).toBe(true);
    }
    const { items } = await page(feedSource(upstream.rssUrl));
    expect(items.map((item) => item.url)).not.toContain('https://wire.example/untitled');
  });

  it('keeps the first of two entries with the same id', async () => {
    upstream.change('rss', rssDocument([
      { id: 'same', title: 'First telling', date: new Date('2026-11-30T10:00:00Z') },
      { id: 'same', title: 'Second telling', date: new Date('2026-11-30T11:00:00Z') },
    ]));
    const { items } = await page(feedSource(upstream.rssUrl));
    expect(items.map((item) => item.headline)).toEqual(['First telling']);
  });

  it('sends the headers its definition gives', async () => {
    await page(feedSource(upstream.rssUrl));
    expect(upstream.lastHeaders?.['x-api-key']).toBe('test-key');
  });

  it(`takes at most ${MAX_FEED_ITEMS} entries from one feed, the first ones in the document`, async () => {
    const start = Date.parse('2026-01-01T00:00:00Z');
    upstream.change('rss', rssDocument(Array.from({ length: MAX_FEED_ITEMS + 100 }, (_, i) => (
      { id: `item-${i}`, title: `Item ${i}`, date: new Date(start + i * 60_000) }))));
    const { items, totalCount } = await page(feedSource(upstream.rssUrl), { size: 1_000 });
    expect(totalCount).toBe(MAX_FEED_ITEMS);
    expect(new Set(ids(items))).toEqual(new Set(Array.from({ length: MAX_FEED_ITEMS }, (_, i) => `item-${i}`)));
  });
});

describe('a feed source\'s pages', () => {
  it.each([1, 2, 3, 4])('walk every item once, in order, with pages of %i', async (size) => {
    for (const url of [upstream.rssUrl, upstream.atomUrl]) {
      const source = feedSource(url);
      const all = (await page(source)).items;
      const { items, lengths } = await walk(source, {}, size);
      expect(ids(items)).toEqual(ids(all));
      expect(lengths.slice(0, -1).every((length) => length === size)).toBe(true);
      expect(lengths.at(-1)).toBeGreaterThan(0);
    }
  });

  it('repeat nothing and skip nothing older when entries are added between pages', async () => {
    const source = feedSource(upstream.rssUrl);
    const all = (await page(source)).items;
    const first = await page(source, { size: 2 });
    upstream.addItem('rss', rssItem({ id: 'breaking', title: 'Breaking: newer than every page so far', date: new Date('2026-11-30T12:00:00Z') }));
    upstream.addItem('rss', rssItem({ id: 'late-filed', title: 'Late-filed: older than the first page', date: new Date('2026-11-29T20:00:00Z') }));
    const rest: ExternalItem[] = [];
    let cursor = first.next;
    while (cursor !== null) {
      const next = await page(source, { size: 2, cursor });
      rest.push(...next.items);
      cursor = next.next;
    }
    expect([...ids(first.items), ...ids(rest)]).toEqual([...ids(all.slice(0, 2)), 'late-filed', ...ids(all.slice(2))]);
  });

  it('reject a cursor the source did not give, naming the source', async () => {
    await expect(page(feedSource(upstream.rssUrl), { cursor: 'not-a-cursor' })).rejects.toThrow(/^feed source "harbour-wire" .*cursor/);
  });
});

describe('a feed source\'s filters', () => {
  const headlines = async (query: RemoteQuery, url = upstream.rssUrl) => (await page(feedSource(url), { query })).items.map((item) => item.headline);

  it('search every word in the headline or standfirst, ignoring case', async () => {
    expect(await headlines({ search: 'ROTTERDAM' })).toEqual(['Dockers & port operators resume talks in Rotterdam']);
    expect(await headlines({ search: 'river overnight' })).toEqual(['Floodwaters recede in Szeged as the Tisza drops below its warning level']);
    expect(await headlines({ search: 'river rotterdam' })).toEqual([]);
    expect(await headlines({ search: 'décrue' }, upstream.atomUrl)).toEqual(['Le Rhône & ses affluents : la décrue se confirme']);
  });

  it('match a tag ignoring case', async () => {
    expect(await headlines({ tag: 'world' })).toEqual(['Ceasefire monitors arrive in southern Lebanon']);
    expect(await headlines({ tag: 'Météo' }, upstream.atomUrl)).toEqual(['Le Rhône & ses affluents : la décrue se confirme']);
    expect(await headlines({ tag: 'HU' })).toEqual([]);
  });

  it('bound the date from inclusive and to exclusive, and leave undated items out of a bounded list', async () => {
    expect(await headlines({ publishedFrom: new Date('2026-11-30T07:40:00Z') })).toEqual([
      'Floodwaters recede in Szeged as the Tisza drops below its warning level',
      'Dockers & port operators resume talks in Rotterdam',
    ]);
    expect(await headlines({ publishedTo: new Date('2026-11-29T18:05:00Z') })).toEqual(['Weather warning for the coast lifted']);
    expect(await headlines({ publishedFrom: new Date('2026-11-29T00:00:00Z'), publishedTo: new Date('2026-11-30T00:00:00Z') })).toEqual([
      'Markets close higher; tech shares lead the gains',
      'Weather warning for the coast lifted',
    ]);
  });

  it('page through only the matching items and count them', async () => {
    const query = { publishedFrom: new Date('2026-11-29T00:00:00Z') };
    const source = feedSource(upstream.rssUrl);
    const { items, totalCount } = await page(source, { query });
    expect(totalCount).toBe(4);
    expect(ids((await walk(source, query, 3)).items)).toEqual(ids(items));
  });
});

describe('a feed source\'s conditional requests', () => {
  it('give the feed\'s validators, and resolve not-modified when they are sent back (the upstream counts the 304)', async () => {
    const source = feedSource(upstream.rssUrl);
    const { validators } = await page(source);
    expect(validators).toEqual({ etag: expect.stringMatching(/^".+"$/), lastModified: expect.any(String) });
    await expect(ask(source, {}, validators)).resolves.toBe('not-modified');
    await expect(ask(source, {}, { lastModified: validators!.lastModified })).resolves.toBe('not-modified');
    expect(upstream.counts).toEqual({ requests: 3, notModified: 2 });
  });

  it('fetch the changed feed when it changed since', async () => {
    const source = feedSource(upstream.rssUrl);
    const before = await page(source);
    upstream.addItem('rss', rssItem({ id: 'new', title: 'A new item', date: new Date('2026-11-30T12:00:00Z') }));
    const after = await ask(source, {}, before.validators);
    expect(after).not.toBe('not-modified');
    expect((after as RemotePage).items[0].remoteId).toBe('new');
    expect((after as RemotePage).validators?.etag).not.toBe(before.validators?.etag);
    expect(upstream.counts.notModified).toBe(0);
  });

  it('give no validators when the feed gives none, and a page when validators are sent', async () => {
    const source = feedSource(upstream.rssUrl);
    const { validators } = await page(source);
    upstream.honourValidators(false);
    const answer = await ask(source, {}, validators);
    expect(answer).not.toBe('not-modified');
    expect((answer as RemotePage).validators).toBeUndefined();
    expect(upstream.counts.notModified).toBe(0);
  });
});

describe('a feed source\'s failures', () => {
  it.each([
    ['a feed cut off inside a tag', undefined],
    ['an HTML page', '<!doctype html><html><body><h1>Welcome</h1></body></html>'],
    ['text that is not XML', 'Service temporarily unavailable'],
  ])('reject %s as not a feed, naming the source', async (_, body) => {
    upstream.malformed(body);
    await expect(page(feedSource(upstream.rssUrl))).rejects.toThrow(/^feed source "harbour-wire" sent a document that is not an RSS or Atom feed/);
  });

  it('reject a JSON feed, naming the format', async () => {
    upstream.malformed(JSON.stringify({ version: 'https://jsonfeed.org/version/1.1', title: 'Harbour Wire', items: [] }));
    await expect(page(feedSource(upstream.rssUrl))).rejects.toThrow('feed source "harbour-wire" sent a JSON feed; a feed source reads RSS 2.0 or Atom');
  });

  it('reject an HTTP 500, naming the source and the status', async () => {
    upstream.fail(500);
    await expect(page(feedSource(upstream.rssUrl))).rejects.toThrow(/^feed source "harbour-wire" could not be read: .* answered HTTP 500$/);
  });

  it('reject a feed nobody answers at, naming the source and why', async () => {
    const closed = await startFeedUpstream();
    await closed.close();
    await expect(page(feedSource(closed.rssUrl))).rejects.toThrow(/^feed source "harbour-wire" could not be read: .*\(ECONNREFUSED\)$/);
  });

  it('reject a body over the size cap, naming the source', async () => {
    upstream.pad(MAX_SOURCE_BODY_BYTES);
    await expect(page(feedSource(upstream.rssUrl))).rejects.toThrow(new RegExp(`^feed source "harbour-wire" could not be read: .* ${MAX_SOURCE_BODY_BYTES}`));
  });

  it('serve a slow feed that answers within the timeout', async () => {
    upstream.delay(300);
    const answer = await ask(feedSource(upstream.rssUrl), {}, undefined, AbortSignal.timeout(3_000));
    expect((answer as RemotePage).items).toHaveLength(6);
  });

  it('reject a hung feed when the caller\'s signal times out, within the timeout', async () => {
    upstream.hang();
    const started = performance.now();
    await expect(ask(feedSource(upstream.rssUrl), {}, undefined, AbortSignal.timeout(300))).rejects.toMatchObject({ name: 'TimeoutError' });
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(300 + 250);
    expect(upstream.counts.requests).toBe(1);
  });
});
