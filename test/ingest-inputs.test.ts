import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cleanHtml } from '../src/ingest/clean';
import type { PageInput } from '../src/ingest/ingest';
import { type IngestItem, readInputs } from '../src/ingest/inputs';
import { canonicalUrlOf } from '../src/ingest/metadata';

/**
 * What `npm run ingest` reads (src/ingest/inputs.ts): pages, feeds and directories on disk turned
 * into ingest items, with the fixtures in test/fixtures/ingest (invented reports, written for these tests).
 */
const FIXTURES = join(__dirname, 'fixtures/ingest');
const fixture = (path: string) => join(FIXTURES, path);

/** The page of the one item from `origin`; fails the test when that item is an error. */
function pageFrom(items: IngestItem[], origin: string): PageInput {
  const item = items.find((candidate) => candidate.origin === origin);
  expect(item?.error).toBeUndefined();
  return item!.input!;
}

describe('ingest inputs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'newsgate-ingest-inputs-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a directory\'s pages and feeds recursively, sorted by path, skipping hidden files and other extensions', () => {
    const items = readInputs([FIXTURES]);
    expect(items.map((item) => item.origin)).toEqual([
      `${fixture('feeds/agency.xml')} (item 1)`,
      `${fixture('feeds/agency.xml')} (item 2)`,
      `${fixture('feeds/wire.rss')} (item 1)`,
      `${fixture('feeds/wire.rss')} (item 2)`,
      `${fixture('feeds/wire.rss')} (item 3)`,
      fixture('pages/dorvan-bus-blast.html'),
      fixture('pages/ostrel-landslide.txt'),
      fixture('pages/regional/tesk-floods.htm'),
    ]);
  });

  it('reads an HTML page as HTML, keyed by its canonical URL, else its og:url', () => {
    const items = readInputs([fixture('pages/dorvan-bus-blast.html'), fixture('pages/regional/tesk-floods.htm')]);
    const wire = pageFrom(items, fixture('pages/dorvan-bus-blast.html'));
    expect(wire).toMatchObject({ sourceUrl: 'https://meridianwire.example/world/2026/11/28/dorvan-bus-bomb', sourceId: null });
    expect(wire.html).toBe(readFileSync(fixture('pages/dorvan-bus-blast.html'), 'utf8'));
    expect(wire.text).toBeUndefined();
    expect(pageFrom(items, fixture('pages/regional/tesk-floods.htm')).sourceUrl).toBe('https://liracourier.example/2026/11/27/flash-floods-tesk/');
  });

  it('reads a text page as text, keyed by its file URL, and an HTML page that states no URL likewise', () => {
    const bare = join(dir, 'bare page.html');
    writeFileSync(bare, '<html><body><p>Two people died when a wall collapsed, police said.</p></body></html>');
    const items = readInputs([fixture('pages/ostrel-landslide.txt'), bare]);
    const text = pageFrom(items, fixture('pages/ostrel-landslide.txt'));
    expect(text.text).toBe(readFileSync(fixture('pages/ostrel-landslide.txt'), 'utf8'));
    expect(text.html).toBeUndefined();
    expect(text.sourceUrl).toBe(pathToFileURL(resolve(fixture('pages/ostrel-landslide.txt'))).href);
    expect(pageFrom(items, bare).sourceUrl).toMatch(/^file:\/\/.*\/bare%20page\.html$/);
  });

  it('names pages that state no URL below --base-url, by their path under the directory named', () => {
    const items = readInputs([fixture('pages'), fixture('pages/ostrel-landslide.txt')], { baseUrl: 'https://archive.example/scrapes/' });
    const urls = items.map((item) => item.input?.sourceUrl);
    expect(urls).toContain('https://archive.example/scrapes/ostrel-landslide.txt');
    expect(urls.filter((url) => url === 'https://archive.example/scrapes/ostrel-landslide.txt')).toHaveLength(2);
    // A page that states its canonical URL keeps it.
    expect(pageFrom(items, fixture('pages/dorvan-bus-blast.html')).sourceUrl).toMatch(/^https:\/\/meridianwire\.example\//);
    expect(urls.every((url) => !url?.startsWith('file:'))).toBe(true);
  });

  it('gives every page the source named on the command line', () => {
    const items = readInputs([fixture('pages'), fixture('feeds/agency.xml')], { sourceId: 'regional-desk' });
    const pages = items.filter((item) => !item.error);
    expect(pages).toHaveLength(5);
    for (const item of pages) expect(item.input!.sourceId).toBe('regional-desk');
  });

  describe('an RSS feed', () => {
    const items = readInputs([fixture('feeds/wire.rss')]);
    const item = (n: number) => `${fixture('feeds/wire.rss')} (item ${n})`;

    it('gives an item\'s full story from content:encoded, and the feed\'s item fields as hints', () => {
      const ferry = pageFrom(items, item(1));
      expect(ferry.sourceUrl).toBe('https://meridianwire.example/world/2026/11/29/varnia-ferry');
      const story = cleanHtml(ferry.html!).body;
      expect(story).toMatch(/^A ferry carrying about 120 passengers capsized in rough seas/);
      expect(story).toContain('hopes of finding more survivors were fading.');
      expect(ferry.html).not.toContain('overturned in rough seas'); // the description, a teaser
      expect(ferry.hints).toEqual({
        headline: 'Ferry capsizes off Varnia\'s coast; 9 dead, dozens missing',
        publishedAt: new Date('2026-11-29T14:05:00Z'),
        authors: ['Teodor Vask'],
        language: 'en',
        tags: ['World', 'Accidents'], // not the ISO 3166 code
      });
    });

    it('reads the description when there is no content:encoded, and resolves a relative link against the channel\'s', () => {
      const checkpoint = pageFrom(items, item(2));
      expect(checkpoint.sourceUrl).toBe('https://meridianwire.example/world/2026/11/29/lira-checkpoint');
      // A short fragment too is a document whose body the cleaner reads.
      expect(cleanHtml(checkpoint.html!).body).toMatch(/^Gunmen attacked a police checkpoint[\s\S]*could not be independently verified\.$/);
      expect(checkpoint.hints?.authors).toEqual(['Ana Petrov']); // the author's name, not the e-mail address
    });

    it('makes an item without a link an error of that item alone', () => {
      expect(items.map((i) => i.error?.message ?? null)).toEqual([null, null, expect.stringMatching(/has no http\(s\) link/)]);
      expect(items[2].origin).toBe(item(3));
    });
  });

  describe('an Atom feed', () => {
    const items = readInputs([fixture('feeds/agency.xml')]);
    const entry = (n: number) => `${fixture('feeds/agency.xml')} (item ${n})`;

    it('reads HTML content as HTML, before the summary, with the entry\'s fields as hints', () => {
      const fire = pageFrom(items, entry(1));
      expect(fire.sourceUrl).toBe('https://vpa.example/news/2026/11/30/dorvan-factory-fire');
      expect(cleanHtml(fire.html!).body).toMatch(/^A fire swept through a textile factory in Dorvan overnight, killing seven workers/);
      expect(fire.hints).toEqual({
        headline: 'Fire at Dorvan textile factory kills 7 & injures 20',
        publishedAt: new Date('2026-11-30T06:55:00Z'),
        authors: ['Lena Dravic'],
        language: 'en',
        tags: ['Disasters', 'Kessel'],
      });
    });

    it('reads a text summary as text, resolves a relative link against the feed\'s, and dates an entry by updated', () => {
      const storm = pageFrom(items, entry(2));
      expect(storm.sourceUrl).toBe('https://vpa.example/news/2026/11/30/lira-storm');
      expect(storm.html).toBeUndefined();
      expect(storm.text).toMatch(/^A storm with winds of up to 110 km\/h killed two people in Lira province/);
      expect(storm.hints?.publishedAt).toEqual(new Date('2026-11-30T05:20:00Z'));
    });
  });

  it('recognises a feed by its content whatever the file is called, and a page mentioning <rss> as a page', () => {
    const disguised = join(dir, 'latest.html');
    const plain = join(dir, 'wire-feed.txt');
    copyFileSync(fixture('feeds/wire.rss'), disguised);
    copyFileSync(fixture('feeds/agency.xml'), plain);
    const mentions = join(dir, 'help.html');
    writeFileSync(mentions, '<!doctype html><html><body><p>Our <code>&lt;rss&gt;</code> feed: <rss version="2.0"></p></body></html>');
    const items = readInputs([disguised, plain, mentions]);
    expect(items.map((item) => item.origin)).toEqual([
      `${disguised} (item 1)`, `${disguised} (item 2)`, `${disguised} (item 3)`, `${plain} (item 1)`, `${plain} (item 2)`, mentions,
    ]);
    expect(pageFrom(items, mentions).html).toContain('<rss version="2.0">');
  });

  it('makes a missing path, an unreadable file, a broken feed and an unknown kind of file errors of their own, and reads the rest', () => {
    const folder = join(dir, 'mixed');
    mkdirSync(folder);
    writeFileSync(join(folder, 'a-broken.rss'), '<rss version="2.0"><channel><item><title>Cut off mid-');
    writeFileSync(join(folder, 'b-sitemap.xml'), '<?xml version="1.0"?><urlset><url><loc>https://example.org/</loc></url></urlset>');
    symlinkSync(join(folder, 'gone.html'), join(folder, 'c-dangling.html'));
    copyFileSync(fixture('pages/ostrel-landslide.txt'), join(folder, 'd-good.txt'));
    const items = readInputs([join(dir, 'no-such-file.html'), folder]);
    expect(items.map((item) => [item.origin, item.error?.message ?? 'page'])).toEqual([
      [join(dir, 'no-such-file.html'), expect.stringMatching(/^ENOENT: no such file or directory/)],
      [join(folder, 'a-broken.rss'), expect.stringMatching(/^is not a readable feed: /)],
      [join(folder, 'b-sitemap.xml'), 'is neither a page (.html, .htm, .txt) nor an RSS 2.0 or Atom feed'],
      [join(folder, 'c-dangling.html'), expect.stringMatching(/^ENOENT/)],
      [join(folder, 'd-good.txt'), 'page'],
    ]);
    expect((items[0].error as NodeJS.ErrnoException).code).toBe('ENOENT');
  });
});

describe('canonicalUrlOf', () => {
  it('takes the canonical link before og:url, and og:url when there is no canonical link', () => {
    const both = '<head><link rel="canonical" href="https://a.example/story"><meta property="og:url" content="https://a.example/story?ref=x"></head>';
    expect(canonicalUrlOf(both)).toBe('https://a.example/story');
    expect(canonicalUrlOf('<head><meta property="og:url" content="https://b.example/p/7"></head>')).toBe('https://b.example/p/7');
  });

  it('resolves a relative canonical link against og:url, and gives null for one it cannot resolve', () => {
    expect(canonicalUrlOf('<head><link rel="canonical" href="/news/7"><meta property="og:url" content="https://c.example/x?y=1"></head>'))
      .toBe('https://c.example/news/7');
    expect(canonicalUrlOf('<head><link rel="canonical" href="/news/7"></head>')).toBeNull();
  });

  it('gives null for a page that states no URL, or none on http(s)', () => {
    expect(canonicalUrlOf('<html><body><p>No head.</p></body></html>')).toBeNull();
    expect(canonicalUrlOf('<head><link rel="canonical" href="javascript:void(0)"></head>')).toBeNull();
  });
});
