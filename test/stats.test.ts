import { loadCodedArticle } from '../src/seed/worked-example';
import { startTestGateway, type TestGateway } from './support/gateway';
import { describeEachEngine } from './support/stores';

const STATS = /* GraphQL */ `
  query Stats($filter: StatsFilter, $groupBy: [StatsDimension!], $level: RegionLevel, $bucket: TimeBucket) {
    casualtyStats(filter: $filter, groupBy: $groupBy, regionLevel: $level, timeBucket: $bucket) {
      total { low best high figures articles }
      buckets { region { name } unallocated group outcome verification claimantType period undated low best high figures articles }
      leftOut { verification figures low }
      includedVerifications
    }
  }`;

describeEachEngine('casualty statistics', (ctx) => {
  let api: TestGateway;
  let balochistan: string;
  let pakistan: string;
  const stats = async (variables: Record<string, unknown>) => {
    const response = await api.gql(STATS, variables);
    expect(response.errors).toBeUndefined();
    return response.data.casualtyStats;
  };
  /** Buckets as compact rows: [region, unallocated, group, low]. */
  const rows = (result: any) => result.buckets.map((b: any) => [b.region?.name ?? null, b.unallocated, b.group, b.low]);

  beforeAll(async () => {
    await loadCodedArticle(ctx().store);
    [{ id: pakistan }, { id: balochistan }] = (await ctx().store.locationsByIsoCodes(['PK', 'PK-BA'])) as { id: string }[];
    api = await startTestGateway(ctx().store);
  });
  afterAll(() => api.stop());

  describe('the worked example, as DOMAIN.md counts it', () => {
    it('gives civilians 31, security forces 17, all 48: not 31 + 17 + 48 + 3 + 1', async () => {
      const result = await stats({ filter: { locationId: balochistan, outcome: ['KILLED'] }, groupBy: ['GROUP'] });
      expect(result.total).toMatchObject({ low: 48, best: 48, high: null, articles: 1 });
      expect(rows(result)).toEqual([[null, false, 'CIVILIANS', 31], [null, false, 'SECURITY_FORCES', 17], [null, false, 'UNSPECIFIED', 0]]);
      expect(result.includedVerifications).toEqual(['CONFIRMED', 'REPORTED']);
    });

    it('breaks the region down by place: Quetta ≥ 3, Pasni ≥ 1, the rest unallocated at Balochistan', async () => {
      const result = await stats({ filter: { locationId: balochistan, outcome: ['KILLED'] }, groupBy: ['REGION', 'GROUP'], level: 'LOCALITY' });
      expect(rows(result)).toEqual(expect.arrayContaining([
        ['Quetta', false, 'SECURITY_FORCES', 3],
        ['Pasni', false, 'SECURITY_FORCES', 1],
        ['Balochistan', true, 'SECURITY_FORCES', 13],
        ['Balochistan', true, 'CIVILIANS', 31],
      ]));
      expect(result.buckets.reduce((sum: number, b: any) => sum + b.low, 0)).toBe(48);
      // Known only at province level: never placed on a district or town.
      const civilians = result.buckets.filter((b: any) => b.group === 'CIVILIANS');
      expect(civilians).toHaveLength(1);
    });

    it('shows the 145 militants only among the left-out unverified claims, until they are asked for', async () => {
      const militants = { locationId: balochistan, outcome: ['KILLED'], group: ['MILITANTS'] };
      const counted = await stats({ filter: militants });
      expect(counted.total.low).toBe(0);
      expect(counted.leftOut).toEqual([{ verification: 'UNVERIFIED', figures: 1, low: 145 }]);
      const asked = await stats({ filter: { ...militants, verification: ['UNVERIFIED'] } });
      expect(asked.total).toMatchObject({ low: 145, best: 145, high: 145 });
      expect(asked.leftOut).toEqual([]);
    });

    it('puts undated figures in their own time bucket', async () => {
      const result = await stats({ filter: { locationId: balochistan, outcome: ['KILLED'] }, groupBy: ['TIME'] });
      expect(result.buckets).toEqual([expect.objectContaining({ undated: true, period: null, low: 48 })]);
    });

    it('summarises the region for a landing card', async () => {
      const response = await api.gql(`query($id: ID!) { regionSummary(locationId: $id) {
        region { name } ancestors { name } children { name } articleCount latestArticles { headline }
        killed { total { low } buckets { group low } leftOut { verification low } } } }`, { id: balochistan });
      const summary = response.data.regionSummary;
      expect(summary).toMatchObject({
        region: { name: 'Balochistan' }, ancestors: [{ name: 'Pakistan' }], articleCount: 1,
        latestArticles: [{ headline: expect.stringMatching(/^Pakistan Targets/) }],
        killed: { total: { low: 48 }, leftOut: [{ verification: 'UNVERIFIED', low: 169 }] },
      });
      expect(summary.children.map((c: any) => c.name)).toContain('Quetta District');
      expect(summary.killed.buckets).toContainEqual({ group: 'CIVILIANS', low: 31 });
    });
  });

  describe('groupings and filters', () => {
    let articleId: string;
    beforeAll(async () => {
      // Dated figures in Pakistan: a March whole of 20 (CONFIRMED, independent) with a Quetta part of
      // 5 civilians; an April claim of 7 militants (REPORTED, armed group) known only at country level.
      const { store } = ctx();
      const [quetta] = (await store.listLocations({ nameContains: 'Quetta', kind: 'LOCALITY' }, { first: 1 })).rows;
      [articleId] = await store.insertArticles([{ slug: 'dated', headline: 'Dated', standfirst: null, body: 'B.',
        publishedAt: new Date('2025-04-10T00:00:00Z'), sourceUrl: null, language: 'en', tags: [], authorIds: [], locationIds: [balochistan] }]);
      const [whole, part, claim] = await store.allocateIds('casualty_figures', 3);
      const base = { articleId, claimedBy: null, quote: 'q', periodEnd: null } as const;
      await store.insertFigures([
        { ...base, id: whole, outcome: 'KILLED', group: 'UNSPECIFIED', low: 20, best: 20, high: 20, qualifier: 'EXACT',
          claimantType: 'INDEPENDENT', verification: 'CONFIRMED', locationId: balochistan, periodStart: new Date('2025-03-05T00:00:00Z'), partOfId: null },
        { ...base, id: part, outcome: 'KILLED', group: 'CIVILIANS', low: 5, best: 5, high: 5, qualifier: 'EXACT',
          claimantType: 'INDEPENDENT', verification: 'CONFIRMED', locationId: quetta.id, periodStart: new Date('2025-03-05T00:00:00Z'), partOfId: whole },
        { ...base, id: claim, outcome: 'KILLED', group: 'MILITANTS', low: 7, best: 7, high: 7, qualifier: 'EXACT',
          claimantType: 'ARMED_GROUP', verification: 'REPORTED', locationId: pakistan, periodStart: null, partOfId: null },
      ]);
    });
    const dated = { articleIds: [] as string[] };
    beforeAll(() => { dated.articleIds = [articleId]; });

    it('groups by month, week and year on the figure\'s date (else its article\'s)', async () => {
      const byMonth = await stats({ filter: dated, groupBy: ['TIME'], bucket: 'MONTH' });
      expect(byMonth.buckets.map((b: any) => [b.period, b.low])).toEqual([['2025-03-01T00:00:00.000Z', 20], ['2025-04-01T00:00:00.000Z', 7]]);
      const byWeek = await stats({ filter: dated, groupBy: ['TIME'], bucket: 'WEEK' });
      expect(byWeek.buckets[0].period).toBe('2025-03-03T00:00:00.000Z');
      const byYear = await stats({ filter: dated, groupBy: ['TIME'], bucket: 'YEAR' });
      expect(byYear.buckets).toEqual([expect.objectContaining({ period: '2025-01-01T00:00:00.000Z', low: 27, figures: 3, articles: 1 })]);
    });

    it('groups by verification, claimant type and outcome', async () => {
      const result = await stats({ filter: dated, groupBy: ['VERIFICATION', 'CLAIMANT_TYPE', 'OUTCOME'] });
      expect(result.buckets.map((b: any) => [b.verification, b.claimantType, b.outcome, b.low])).toEqual([
        ['CONFIRMED', 'INDEPENDENT', 'KILLED', 20], ['REPORTED', 'ARMED_GROUP', 'KILLED', 7],
      ]);
    });

    it('places a country-level figure in its country\'s unallocated bucket at any finer level', async () => {
      const result = await stats({ filter: dated, groupBy: ['REGION'], level: 'ADMIN1' });
      expect(rows(result)).toEqual([['Pakistan', true, null, 7], ['Balochistan', false, null, 20]]);
      const byCountry = await stats({ filter: dated, groupBy: ['REGION'], level: 'COUNTRY' });
      expect(rows(byCountry)).toEqual([['Pakistan', false, null, 27]]);
    });

    it('filters by period, claimant type and group', async () => {
      expect((await stats({ filter: { ...dated, periodFrom: '2025-04-01T00:00:00Z' } })).total.low).toBe(7);
      expect((await stats({ filter: { ...dated, periodTo: '2025-04-01T00:00:00Z' } })).total.low).toBe(20);
      expect((await stats({ filter: { ...dated, claimantType: ['ARMED_GROUP'] } })).total.low).toBe(7);
      // A part asked for alone counts whole: 5 civilians.
      expect((await stats({ filter: { ...dated, group: ['CIVILIANS'] } })).total.low).toBe(5);
    });

    it('refuses a dimension given twice', async () => {
      const response = await api.gql(STATS, { groupBy: ['GROUP', 'GROUP'] });
      expect(response.errors![0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', argument: 'groupBy' } });
    });
  });

  describe('totals past what the API carries', () => {
    it('refuses a total past 2,147,483,647 as BAD_USER_INPUT naming the filter, never an internal error', async () => {
      const { store } = ctx();
      const [articleId] = await store.insertArticles([{ slug: 'huge-counts', headline: 'Huge', standfirst: null, body: 'B.',
        publishedAt: new Date('2025-06-15T00:00:00Z'), sourceUrl: null, language: 'en', tags: [], authorIds: [], locationIds: [] }]);
      await store.insertFigures(Array.from({ length: 22 }, (_, position) => ({
        articleId, position, outcome: 'KILLED', group: 'CIVILIANS', low: 100_000_000, best: 100_000_000, high: 100_000_000, qualifier: 'EXACT',
        claimedBy: null, claimantType: 'OFFICIAL', verification: 'REPORTED', quote: 'q', locationId: null, periodStart: null,
        periodEnd: null, partOfId: null,
      } as const)));
      const response = await api.gql(STATS, { filter: { articleIds: [articleId] } });
      expect(response.status).toBe(200);
      expect(response.errors?.[0]).toMatchObject({
        message: expect.stringMatching(/exceeds 2,147,483,647.*narrow the filter/),
        extensions: { code: 'BAD_USER_INPUT', argument: 'filter' },
      });
      expect(api.logs.filter((line) => line.level >= 50)).toEqual([]);
    });
  });

  describe("an article's status and date, which its figures carry", () => {
    it('follow every publish, unpublish and change of date into the statistics', async () => {
      const { store } = ctx();
      const [articleId] = await store.insertArticles([{ slug: 'moving-date', headline: 'Moving', standfirst: null, body: 'B.',
        publishedAt: new Date('2025-06-15T00:00:00Z'), sourceUrl: null, language: 'en', tags: [], authorIds: [], locationIds: [] }]);
      const figure = { articleId, outcome: 'KILLED', group: 'CIVILIANS', best: null, high: null, qualifier: 'AT_LEAST', claimedBy: null,
        claimantType: 'OFFICIAL', verification: 'REPORTED', quote: 'q', locationId: null, periodStart: null, periodEnd: null, partOfId: null } as const;
      // One figure through the bulk loader, one through an editorial write: both take the article's status and date.
      await store.insertFigures([{ ...figure, low: 9 }]);
      await store.write('tester', (writer) => writer.createFigure({ ...figure, low: 7 }));
      const filter = { articleIds: [articleId] };
      /** The article's figures by month: [month, low] (null for undated). */
      const months = async (reader: typeof store = store, extra: Record<string, Date> = {}) =>
        (await reader.casualtyStats({ filter: { ...filter, ...extra }, groupBy: ['TIME'], regionLevel: 'ADMIN1', timeBucket: 'MONTH' }))
          .buckets.map((bucket) => [bucket.period?.toISOString() ?? null, bucket.low]);
      const edit = (patch: Record<string, unknown>, action?: 'PUBLISH' | 'UNPUBLISH') => store.write('tester', async (writer) => {
        const article = await writer.articleById(articleId);
        await writer.updateArticle(articleId, article!.version, patch, action);
      });

      expect(await months()).toEqual([['2025-06-01T00:00:00.000Z', 16]]);
      await edit({ publishedAt: new Date('2024-02-03T00:00:00Z') });
      expect(await months()).toEqual([['2024-02-01T00:00:00.000Z', 16]]);
      expect(await months(store, { periodFrom: new Date('2025-01-01T00:00:00Z') })).toEqual([]);
      await edit({ publishedAt: null });
      expect(await months()).toEqual([[null, 16]]);
      await edit({ status: 'UNPUBLISHED' }, 'UNPUBLISH');
      expect(await months()).toEqual([]);
      expect(await months(store.scoped({ unpublished: true }))).toEqual([[null, 16]]);
      await edit({ status: 'PUBLISHED', publishedAt: new Date('2025-06-15T00:00:00Z') }, 'PUBLISH');
      expect(await months()).toEqual([['2025-06-01T00:00:00.000Z', 16]]);
    });
  });
});
