import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createApiKey } from '../src/auth/api-keys';
import { sentenceContaining } from '../src/domain/article-text';
import { boundsFor } from '../src/domain/casualty';
import { loadCodedArticle, readCodedArticle } from '../src/seed/worked-example';
import pino from 'pino';
import { createSourceAdapters } from '../src/sources';
import { createRemoteSources } from '../src/sources/remote';
import type { FeedSourceDefinition } from '../src/sources/source';
import { rssItem, startFeedUpstream } from './support/feed-upstream';
import { startTestGateway, type TestGateway } from './support/gateway';
import { describeEachEngine } from './support/stores';

/**
 * Ingestion end to end through the API (issue 18): `ingestPage` turns a raw page into a DRAFT
 * article with its places and proposed figures, idempotent by `sourceUrl`. The store holds the
 * worked example's gazetteer and article (the raw page is ingested under an address of its own).
 */
const RAW_PAGE = readFileSync(join(__dirname, '..', 'src', 'seed', 'content', 'seed-article.txt'), 'utf8');
const PAGES = join(__dirname, 'fixtures', 'pages');
const FIGURE = `id version outcome group qualifier low best high claimedBy claimantType verification quote
  origin confidence reviewStatus background location { name } partOf { id } restates { id } supersedes { id }`;
const INGEST = `mutation($input: IngestPageInput!) { ingestPage(input: $input) {
  outcome removedLines
  article { id slug version status headline body publishedAt language sourceUrl authors { name } locations { name } }
  proposedFigures { ${FIGURE} } withdrawnFigures { id reviewStatus retractionReason }
  placeProposals { name kind parent { name } sentence } } }`;
const FIGURES_OF = `query($id: ID!) { article(id: $id) { version casualtyFigures { ${FIGURE} } revisions { version action } } }`;
const REVIEW = `mutation($id: ID!, $v: Int!, $d: ReviewDecision!) { reviewCasualtyFigure(id: $id, version: $v, decision: $d) { id reviewStatus } }`;

type Figure = Record<string, any>;

describeEachEngine('ingesting pages through the API', (ctx) => {
  let api: TestGateway;
  let editor: Record<string, string>;

  beforeAll(async () => {
    editor = { authorization: `Bearer ${(await createApiKey(ctx().store, 'Intake desk', 'editor')).key}` };
    api = await startTestGateway(ctx().store);
  });
  afterAll(() => api.stop());

  const ingest = async (input: Record<string, unknown>) => {
    const response = await api.gql(INGEST, { input }, editor);
    expect(response.errors).toBeUndefined();
    return response.data.ingestPage;
  };
  const figuresOf = async (id: string) => (await api.gql(FIGURES_OF, { id }, editor)).data.article;

  /** A figure as a comparable row: its sentence, coding and place, and its whole's row (by sentence and number). */
  const rows = (figures: Figure[]) => {
    const label = (f: Figure) => `${f.quote} [${f.outcome} ${f.best ?? f.low}]`;
    return figures.map((f) => ({
      quote: f.quote, outcome: f.outcome, group: f.group, qualifier: f.qualifier, low: f.low, best: f.best, high: f.high,
      claimedBy: f.claimedBy?.toLowerCase() ?? null, claimantType: f.claimantType, verification: f.verification,
      place: f.location?.name ?? null, partOf: f.partOf ? label(figures.find((w) => w.id === f.partOf.id)!) : null,
    })).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  };

  describe('the worked example from its raw page', () => {
    let result: any;
    beforeAll(async () => {
      result = await ingest({ text: RAW_PAGE, sourceUrl: 'https://news.example/pakistan/balochistan-attacks', sourceId: 'scraper' });
    });

    it('is a DRAFT with the seeded story\'s text, free of furniture, and its metadata', () => {
      const { coding, page } = readCodedArticle();
      expect(result.outcome).toBe('CREATED');
      expect(result.article).toMatchObject({
        status: 'DRAFT', version: 1, headline: page.headline, language: coding.article.language, publishedAt: null,
        sourceUrl: 'https://news.example/pakistan/balochistan-attacks', authors: page.bylines.map((name) => ({ name })),
        locations: coding.article.reportsOn.map((name) => ({ name })),
      });
      expect(result.article.body).toBe(page.paragraphs.join('\n\n'));
      // The seeded article has the headline's slug: this one gets the slug with its URL's mark.
      expect(result.article.slug).toMatch(/^pakistan-targets-balochistan-separatists-.*-[0-9a-f]{8}$/);
      expect(result.removedLines).toEqual(expect.arrayContaining([expect.stringMatching(/Leave a Comment/i)]));
      expect(result.placeProposals).toEqual([]);
    });

    it('proposes exactly the editors\' coding: every figure, bound, claimant, verification, place and partOf', () => {
      const { coding, page } = readCodedArticle();
      const body = page.paragraphs.join('\n\n');
      const coded = coding.figures.map((f) => ({
        ...f, quote: sentenceContaining(body, f.wording), ...boundsFor(f.qualifier, f.number), location: { name: f.place },
      }));
      const codedRows = rows(coded.map((f) => ({ ...f, id: f.key, partOf: f.partOf ? { id: f.partOf } : null })));
      expect(rows(result.proposedFigures)).toEqual(codedRows);
      for (const figure of result.proposedFigures) {
        expect(figure).toMatchObject({ origin: 'EXTRACTED', reviewStatus: 'PENDING', restates: null, supersedes: null, background: false });
        expect(figure.confidence).toBeGreaterThan(0);
        expect(figure.confidence).toBeLessThanOrEqual(1);
      }
    });

    it('counts nothing before review: the public sees neither the draft nor its figures', async () => {
      const stats = await api.gql(`query($ids: [ID!]) { casualtyStats(filter: { articleIds: $ids }) { total { figures } } }`,
        { ids: [result.article.id] });
      expect(stats.data.casualtyStats.total.figures).toBe(0);
      expect((await api.gql(`query($id: ID!) { article(id: $id) { id } }`, { id: result.article.id })).data.article).toBeNull();
    });

    it('changes nothing when the same page comes again, even with other furniture', async () => {
      const before = await figuresOf(result.article.id);
      const again = await ingest({ text: `${RAW_PAGE}\nShare on WhatsApp\n`, sourceUrl: result.article.sourceUrl });
      expect(again).toMatchObject({ outcome: 'UNCHANGED', proposedFigures: [], withdrawnFigures: [] });
      expect(again.article.version).toBe(1);
      expect(await figuresOf(result.article.id)).toEqual(before);
    });

    it('updates a changed page with revisions: reviewed figures stay, proposals follow the new text', async () => {
      const { id } = result.article;
      const byWording = (figures: Figure[], text: string) => figures.find((f) => f.quote.includes(text))!;
      const militants = result.proposedFigures.find((f: Figure) => f.group === 'MILITANTS');
      const hostages = result.proposedFigures.find((f: Figure) => f.outcome === 'ABDUCTED');
      const dozens = result.proposedFigures.find((f: Figure) => f.qualifier === 'DOZENS');
      for (const [figure, decision] of [[militants, 'ACCEPT'], [hostages, 'REJECT']]) {
        const reviewed = await api.gql(REVIEW, { id: figure.id, v: figure.version, d: decision }, editor);
        expect(reviewed.errors).toBeUndefined();
      }

      const changed = RAW_PAGE.replace('killed at least 48 people', 'killed at least 50 people');
      expect(changed).not.toBe(RAW_PAGE);
      const update = await ingest({ text: changed, sourceUrl: result.article.sourceUrl });
      expect(update.outcome).toBe('UPDATED');
      expect(update.article.version).toBe(2);
      expect(update.article.body).toContain('at least 50 people');

      // The toll changed: its proposal and its parts (whose whole is new) are withdrawn and proposed anew.
      const whole = byWording(update.proposedFigures, 'at least 50 people');
      expect(whole).toMatchObject({ low: 50, reviewStatus: 'PENDING' });
      const parts = update.proposedFigures.filter((f: Figure) => f.partOf?.id === whole.id);
      expect(parts.map((f: Figure) => f.low).sort()).toEqual([17, 31]);
      expect(update.withdrawnFigures).toHaveLength(update.proposedFigures.length);
      for (const gone of update.withdrawnFigures) expect(gone.retractionReason).toMatch(/withdrawn by ingestion/);

      const now = await figuresOf(id);
      const live = now.casualtyFigures.filter((f: Figure) => !update.withdrawnFigures.some((g: Figure) => g.id === f.id));
      // What an editor decided stands; the untouched proposal keeps its id; nothing is proposed twice.
      expect(live.find((f: Figure) => f.id === militants.id)).toMatchObject({ reviewStatus: 'ACCEPTED' });
      expect(live.find((f: Figure) => f.id === hostages.id)).toMatchObject({ reviewStatus: 'REJECTED' });
      expect(live.find((f: Figure) => f.id === dozens.id)).toMatchObject({ reviewStatus: 'PENDING', version: 1 });
      expect(live).toHaveLength(result.proposedFigures.length);
      expect(now.revisions.map((r: Figure) => r.action)).toEqual(['CREATE', 'UPDATE']);

      const same = await ingest({ text: changed, sourceUrl: result.article.sourceUrl });
      expect(same).toMatchObject({ outcome: 'UNCHANGED', proposedFigures: [], withdrawnFigures: [] });
    });
  });

  it('lists the editors\' review queue: pending proposals across articles, never to the public', async () => {
    const QUEUE = `query($after: String) { casualtyFigures(filter: { reviewStatus: [PENDING] }, first: 100, after: $after) {
      totalCount edges { node { id reviewStatus article { id } } } } }`;
    const first = await ingest({ text: 'Storm kills two\n\nA storm killed two fishermen off Pasni on Friday, officials said.', sourceUrl: 'https://news.example/queue-1' });
    const second = await ingest({ text: 'Blast wounds five\n\nA blast wounded five people in Gwadar, police said.', sourceUrl: 'https://news.example/queue-2' });
    const queue = (await api.gql(QUEUE, {}, editor)).data.casualtyFigures;
    const ids = queue.edges.map((e: Figure) => e.node.id);
    for (const figure of [...first.proposedFigures, ...second.proposedFigures]) expect(ids).toContain(figure.id);
    expect(queue.edges.every((e: Figure) => e.node.reviewStatus === 'PENDING')).toBe(true);
    expect(queue.totalCount).toBe(queue.edges.length);

    const [fishermen] = first.proposedFigures;
    await api.gql(REVIEW, { id: fishermen.id, v: fishermen.version, d: 'ACCEPT' }, editor);
    const after = (await api.gql(QUEUE, {}, editor)).data.casualtyFigures;
    expect(after.totalCount).toBe(queue.totalCount - 1);
    expect(after.edges.map((e: Figure) => e.node.id)).not.toContain(fishermen.id);
    expect((await api.gql(QUEUE, {})).data.casualtyFigures).toEqual({ totalCount: 0, edges: [] });
  });

  it('codes a dated count of another event with its period, and leaves an undated one background', async () => {
    const html = `<html><head><meta property="article:published_time" content="2026-11-29T08:00:00Z"><title>Market blast kills six in Gwadar</title></head>
      <body><article><h1>Market blast kills six in Gwadar</h1>
      <p>A bomb killed six people at a market in Gwadar on Sunday, police said.</p>
      <p>Last year's attack on the same market killed 70 people, officials said. A similar bombing in the port killed 30 people.</p>
      </article></body></html>`;
    const result = await ingest({ html, sourceUrl: 'https://news.example/gwadar-market' });
    const period = `periodStart periodEnd`;
    const figures = (await api.gql(`query($id: ID!) { article(id: $id) { casualtyFigures { low background ${period} } } }`,
      { id: result.article.id }, editor)).data.article.casualtyFigures;
    expect(figures).toEqual([
      { low: 6, background: false, periodStart: null, periodEnd: null },
      { low: 70, background: false, periodStart: '2025-01-01T00:00:00.000Z', periodEnd: '2025-12-31T23:59:59.999Z' },
      { low: 30, background: true, periodStart: null, periodEnd: null },
    ]);
  });

  describe('HTML pages of three layouts', () => {
    it.each([
      ['wire-jsonld', "Nepal's Sindhupalchok", ['Bikash Thapa', 'Sita Gurung'], 'at least nine people'],
      ['wordpress-news', 'Southern Sindh', ['Amina Qureshi'], 'at least 23 people'],
      ['amp-time', 'Lake Kivu', ['Claire Uwase'], 'at least 12 bodies'],
    ])('%s: headline, byline, date and figures come through', async (name, headlinePart, authors, wording) => {
      const html = readFileSync(join(PAGES, `${name}.html`), 'utf8');
      const expected = JSON.parse(readFileSync(join(PAGES, `${name}.expected.json`), 'utf8'));
      const result = await ingest({ html, sourceUrl: `https://pages.example/${name}` });
      expect(result.outcome).toBe('CREATED');
      expect(result.article.headline).toContain(headlinePart);
      expect(result.article.authors.map((a: Figure) => a.name)).toEqual(authors);
      expect(result.article.publishedAt).toBe(expected.publishedAt);
      expect(result.article.body).not.toMatch(/<[a-z]/i);
      expect(result.proposedFigures.some((f: Figure) => f.quote.includes(wording))).toBe(true);
      expect((await ingest({ html, sourceUrl: `https://pages.example/${name}` })).outcome).toBe('UNCHANGED');
    });
  });

  it('proposes a district the gazetteer lacks below a known province, and creates nothing', async () => {
    const text = [
      'Gunmen kill four in Balochistan',
      'Gunmen killed four labourers in Kech district of Balochistan on Tuesday, police said.',
    ].join('\n\n');
    const result = await ingest({ text, sourceUrl: 'https://news.example/kech' });
    expect(result.placeProposals).toEqual([{
      name: 'Kech District', kind: 'ADMIN2', parent: { name: 'Balochistan' }, sentence: expect.stringContaining('Kech district'),
    }]);
    const places = await api.gql(`{ locations(first: 100) { edges { node { name } } } }`);
    expect(places.data.locations.edges.map((e: Figure) => e.node.name)).not.toContain('Kech District');
  });

  it('ingests a feed item an editor imports from a feed source, its figures proposed', async () => {
    const upstream = await startFeedUpstream();
    const definition: FeedSourceDefinition = {
      id: 'harbour-wire', name: 'Harbour Wire', kind: 'feed', url: upstream.rssUrl, licence: '© Harbour Wire', headers: {},
      timeoutMs: 2_000, ttlSeconds: 60, staleSeconds: 600, budgetPerMinute: 600, concurrency: 4,
    };
    const sources = createRemoteSources(createSourceAdapters([definition]), [definition], { log: pino({ level: 'silent' }) });
    const withFeed = await startTestGateway(ctx().store, { sources });
    try {
      upstream.addItem('rss', rssItem({
        id: 'gwadar-blast', title: 'Roadside bomb kills six in Gwadar', date: new Date('2026-11-29T09:00:00Z'),
        description: 'A roadside bomb killed six people, including two coast guards, near Gwadar on Sunday, police said.',
      }));
      const news = await withFeed.gql(`{ news(first: 50) { edges { node { headline ... on ExternalArticle { id } } } } }`);
      const { id } = news.data.news.edges.map((e: Figure) => e.node).find((n: Figure) => n.headline === 'Roadside bomb kills six in Gwadar');
      const imported = await withFeed.gql(`mutation($id: ID!) { importExternalArticle(id: $id) {
        id status headline sourceUrl publishedAt locations { name } casualtyFigures { ${FIGURE} } } }`, { id }, editor);
      expect(imported.errors).toBeUndefined();
      const article = imported.data.importExternalArticle;
      expect(article).toMatchObject({
        status: 'DRAFT', headline: 'Roadside bomb kills six in Gwadar', sourceUrl: 'https://wire.example/test/gwadar-blast',
        publishedAt: '2026-11-29T09:00:00.000Z', locations: [{ name: 'Gwadar' }],
      });
      const [whole, part] = article.casualtyFigures;
      expect(article.casualtyFigures).toHaveLength(2);
      expect(whole).toMatchObject({ outcome: 'KILLED', low: 6, claimedBy: 'police', claimantType: 'OFFICIAL', reviewStatus: 'PENDING', location: { name: 'Gwadar' } });
      expect(part).toMatchObject({ low: 2, group: 'SECURITY_FORCES', partOf: { id: whole.id }, reviewStatus: 'PENDING' });
    } finally {
      await withFeed.stop();
      await sources.close();
      await upstream.close();
    }
  });

  it('reads a page larger than a query may be for an editor\'s key only', async () => {
    // A real page's HTML is often hundreds of kilobytes: scripts and styles the cleaning drops.
    const html = readFileSync(join(PAGES, 'wordpress-news.html'), 'utf8')
      .replace('</head>', `<script>var tracking = "${'x'.repeat(400_000)}";</script></head>`);
    const input = { html, sourceUrl: 'https://pages.example/large' };
    const result = await api.gql(INGEST, { input }, editor);
    expect(result.errors).toBeUndefined();
    expect(result.data.ingestPage.article.body).not.toContain('tracking');
    for (const headers of [{}, { authorization: 'Bearer ng_not-a-key' }] as Record<string, string>[]) {
      const refused = await api.gql(INGEST, { input: { ...input, sourceUrl: 'https://pages.example/large-2' } }, headers);
      expect(refused.status).toBe(400);
      expect(refused.errors?.[0].extensions?.code).toBe('BODY_SIZE_LIMIT_EXCEEDED');
    }
  });

  it('reads an HTML fragment, such as a feed item\'s content, as a story', async () => {
    const result = await ingest({
      html: '<p>A landslide killed three people in Pasni on Monday, officials said.</p><p>Rescuers were still searching.</p>',
      sourceUrl: 'https://pages.example/fragment',
    });
    expect(result.article.body).toBe('A landslide killed three people in Pasni on Monday, officials said.\n\nRescuers were still searching.');
    expect(result.proposedFigures).toEqual([expect.objectContaining({ low: 3, best: 3, location: { name: 'Pasni' } })]);
  });

  describe('refusals', () => {
    it.each([
      [{ html: '<p>x</p>', text: 'x', sourceUrl: 'https://a.example/1' }, /exactly one of `html`/],
      [{ sourceUrl: 'https://a.example/2' }, /exactly one of `html`/],
      [{ text: 'Two killed.', sourceUrl: 'ftp://a.example/3' }, /input.sourceUrl.*http or https/],
      // A file: URL is for `npm run ingest` (IngestOptions.fileUrls), never a client's.
      [{ text: 'Two killed.', sourceUrl: 'file:///srv/pages/a.txt' }, /input.sourceUrl.*http or https/],
      [{ text: '   \n\n  ', sourceUrl: 'https://a.example/4' }, /input.text.*is empty/],
      [{ text: 'Share on Facebook\nShare on X\nLeave a Comment', sourceUrl: 'https://a.example/5' }, /input.*no story text/],
    ])('%j is BAD_USER_INPUT and stores nothing', async (input, message) => {
      const response = await api.gql(INGEST, { input }, editor);
      expect(response.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
      expect(response.errors?.[0].message).toMatch(message);
      const stored = await ctx().store.scoped({ unpublished: true }).listArticles({}, 'UPDATED_AT_DESC', { first: 100 });
      expect(stored.rows.filter((a) => a.sourceUrl?.startsWith('https://a.example/'))).toEqual([]);
    });

    it('needs an editor\'s key', async () => {
      const response = await api.gql(INGEST, { input: { text: RAW_PAGE, sourceUrl: 'https://a.example/public' } });
      expect(response.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    });
  });
}, async ({ store }) => {
  await loadCodedArticle(store);
});
