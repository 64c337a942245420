import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCodedArticle } from '../src/seed/worked-example';
import { startTestGateway, type TestGateway } from './support/gateway';
import { describeEachEngine } from './support/stores';

const SEED_PAGE = readFileSync(join(__dirname, '..', '..', 'shared', 'content', 'seed-article.txt'), 'utf8');

const ARTICLE = /* GraphQL */ `
  query WorkedExample($slug: String!) {
    article(slug: $slug) {
      id headline standfirst body paragraphs publishedAt language wordCount tags
      authors { name slug }
      locations { id name kind isoCode parent { name } ancestors { name kind isoCode } }
      casualtyFigures {
        id outcome group low best high qualifier claimedBy claimantType verification quote
        location { name kind }
        partOf { id }
        parts { id }
      }
    }
  }`;

const SLUG = 'pakistan-targets-balochistan-separatists-after-widespread-attacks-kill-dozens';

// The figure table of docs/domain.md's worked example, in the article's order.
const EXPECTED_FIGURES = [
  ['F1', 'KILLED', 'UNSPECIFIED', 48, 48, null, 'AT_LEAST', 'officials', 'OFFICIAL', 'REPORTED', 'Balochistan', null],
  ['F2', 'KILLED', 'CIVILIANS', 31, 31, null, 'AT_LEAST', 'officials', 'OFFICIAL', 'REPORTED', 'Balochistan', 'F1'],
  ['F3', 'KILLED', 'SECURITY_FORCES', 17, 17, null, 'AT_LEAST', 'officials', 'OFFICIAL', 'REPORTED', 'Balochistan', 'F1'],
  ['F4', 'KILLED', 'MILITANTS', 145, 145, 145, 'EXACT', 'Chief Minister Sarfraz Bugti', 'OFFICIAL', 'UNVERIFIED', 'Balochistan', null],
  ['F5', 'KILLED', 'SECURITY_FORCES', 24, null, null, 'DOZENS', 'Balochistan Liberation Army', 'ARMED_GROUP', 'UNVERIFIED', 'Balochistan', null],
  ['F6', 'ABDUCTED', 'UNSPECIFIED', null, null, null, 'UNSPECIFIED', 'Balochistan Liberation Army', 'ARMED_GROUP', 'UNVERIFIED', 'Balochistan', null],
  ['F7', 'KILLED', 'SECURITY_FORCES', 3, null, null, 'SEVERAL', 'verified footage', 'MEDIA', 'REPORTED', 'Quetta', 'F3'],
  ['F8', 'KILLED', 'SECURITY_FORCES', 1, 1, null, 'AT_LEAST', null, 'UNKNOWN', 'REPORTED', 'Pasni', 'F3'],
] as const;

describeEachEngine('the worked example through the API', (ctx) => {
  let api: TestGateway;
  let article: any;
  beforeAll(async () => {
    await loadCodedArticle(ctx().store);
    api = await startTestGateway(ctx().store);
    const response = await api.gql(ARTICLE, { slug: SLUG });
    expect(response.errors).toBeUndefined();
    article = response.data.article;
  });
  afterAll(() => api.stop());

  it('reads the headline, the one author, no date and English', () => {
    expect(article.headline).toBe('Pakistan Targets Balochistan Separatists After Widespread Attacks Kill Dozens');
    expect(article.authors).toEqual([{ name: 'Rawderm', slug: 'rawderm' }]);
    expect(article.publishedAt).toBeNull();
    expect(article.language).toBe('en');
  });

  it('keeps the 14 news paragraphs and none of the page furniture', () => {
    expect(article.paragraphs).toHaveLength(14);
    expect(article.paragraphs[0]).toMatch(/^Pakistani security forces have stepped up/);
    expect(article.paragraphs[13]).toMatch(/^“The scale of these assaults.*local support\.”$/);
    expect(article.body).toBe(article.paragraphs.join('\n\n'));
    for (const furniture of ['Photo of author', 'By Rawderm', 'WhatsApp Group', 'Telegram Channel', 'Join Now', 'Leave a Comment']) {
      expect(article.body).not.toContain(furniture);
    }
    // Every news paragraph of the page is there verbatim.
    for (const paragraph of article.paragraphs) expect(SEED_PAGE).toContain(paragraph);
    expect(article.wordCount).toBe(article.body.split(/\s+/).length);
  });

  it('reports on Balochistan and its towns, not on India or Afghanistan', () => {
    const names = article.locations.map((l: any) => l.name);
    expect(names).toEqual(expect.arrayContaining(['Balochistan', 'Quetta', 'Gwadar', 'Mastung District', 'Pasni', 'Noshki']));
    expect(names).not.toContain('India');
    expect(names).not.toContain('Afghanistan');
    const balochistan = article.locations.find((l: any) => l.name === 'Balochistan');
    expect(balochistan).toMatchObject({ kind: 'ADMIN1', isoCode: 'PK-BA', parent: { name: 'Pakistan' } });
    const pasni = article.locations.find((l: any) => l.name === 'Pasni');
    expect(pasni.kind).toBe('LOCALITY');
    expect(pasni.ancestors.map((a: any) => a.name)).toEqual(['Gwadar District', 'Balochistan', 'Pakistan']);
    expect(pasni.ancestors.at(-1)).toMatchObject({ kind: 'COUNTRY', isoCode: 'PK' });
  });

  it('has the eight figures of the worked example (docs/domain.md) with their bounds, claimants, verification, places and nesting', () => {
    const figures = article.casualtyFigures;
    expect(figures).toHaveLength(EXPECTED_FIGURES.length);
    const keyOfId = new Map(figures.map((f: any, i: number) => [f.id, EXPECTED_FIGURES[i][0]]));
    const actual = figures.map((f: any, i: number) => [
      EXPECTED_FIGURES[i][0], f.outcome, f.group, f.low, f.best, f.high, f.qualifier, f.claimedBy, f.claimantType,
      f.verification, f.location.name, f.partOf ? keyOfId.get(f.partOf.id) : null,
    ]);
    expect(actual).toEqual(EXPECTED_FIGURES);
    const partsOf = (key: string) => figures[EXPECTED_FIGURES.findIndex((f) => f[0] === key)].parts.map((p: any) => keyOfId.get(p.id));
    expect(partsOf('F1')).toEqual(['F2', 'F3']);
    expect(partsOf('F3')).toEqual(['F7', 'F8']);
  });

  it('quotes each figure with its whole sentence, verbatim from the body', () => {
    for (const figure of article.casualtyFigures) {
      expect(article.body).toContain(figure.quote);
      expect(figure.quote).toMatch(/[.”]$/);
    }
    expect(article.casualtyFigures[2].quote).toBe('At least 31 civilians and 17 members of the security forces were killed, according to officials.');
  });

  it('never codes "freed nearly 30 inmates" as a casualty', () => {
    expect(article.casualtyFigures.some((f: any) => /inmates/.test(f.quote))).toBe(false);
  });

  it('finds the article under Pakistan, Balochistan and Pasni but not under India', async () => {
    const query = `query($iso: String!) { location(isoCode: $iso) { articles { totalCount } } }`;
    for (const iso of ['PK', 'PK-BA']) {
      expect((await api.gql(query, { iso })).data.location.articles.totalCount).toBe(1);
    }
    expect((await api.gql(query, { iso: 'IN' })).data.location.articles.totalCount).toBe(0);
  });

  it('lists the article under its author', async () => {
    const response = await api.gql(`{ author(slug: "rawderm") { name articles { totalCount edges { node { headline } } } } }`);
    expect(response.data.author.articles.totalCount).toBe(1);
    expect(response.data.author.articles.edges[0].node.headline).toBe(article.headline);
  });

  it('lists the reported-or-better figures under Balochistan, counting each claim once', async () => {
    const response = await api.gql(`query($loc: ID!) {
      casualtyFigures(filter: { locationId: $loc, outcome: KILLED, verification: [CONFIRMED, REPORTED] }) {
        totalCount edges { node { group low partOf { id } } }
      }
    }`, { loc: article.locations.find((l: any) => l.name === 'Balochistan').id });
    expect(response.errors).toBeUndefined();
    const nodes = response.data.casualtyFigures.edges.map((e: any) => e.node);
    expect(response.data.casualtyFigures.totalCount).toBe(5);
    // The honest total: the wholes only (figures that are part of nothing).
    expect(nodes.filter((n: any) => !n.partOf).reduce((sum: number, n: any) => sum + n.low, 0)).toBe(48);
  });
});
