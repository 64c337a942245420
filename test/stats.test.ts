import { loadCodedArticle } from '../src/seed/worked-example';
import type { NewCasualtyFigure, RegionLevel, StatsDimension, StatsFilter } from '../src/store/records';
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

  describe('the worked example, as docs/domain.md counts it', () => {
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

  describe('the second edition\'s rules (restated, superseded and background figures)', () => {
    let quetta: string;
    beforeAll(async () => {
      [{ id: quetta }] = (await ctx().store.listLocations({ nameContains: 'Quetta', kind: 'LOCALITY' }, { first: 1 })).rows;
    });
    type Spec = Partial<NewCasualtyFigure> & { restates?: number; supersedes?: number; part?: number };
    /**
     * An article of its own with `specs` as its figures, in order (position = index); `restates`,
     * `supersedes` and `part` name earlier figures by index. Resolves to the query's filter on it.
     */
    const article = async (specs: Spec[]) => {
      const { store } = ctx();
      const [articleId] = await store.insertArticles([{ slug: `second-edition-${Math.random().toString(36).slice(2)}`, headline: 'S',
        standfirst: null, body: 'B.', publishedAt: new Date('2025-05-10T00:00:00Z'), sourceUrl: null, language: 'en', tags: [],
        authorIds: [], locationIds: [] }]);
      const ids = await store.allocateIds('casualty_figures', specs.length);
      const link = (index: number | undefined) => (index === undefined ? null : ids[index]);
      await store.insertFigures(specs.map(({ restates, supersedes, part, ...spec }, position) => ({
        id: ids[position], position, articleId, outcome: 'KILLED', group: 'UNSPECIFIED', low: 1, best: 1, high: 1, qualifier: 'EXACT',
        claimedBy: null, claimantType: 'OFFICIAL', verification: 'REPORTED', quote: 'q', locationId: balochistan, periodStart: null,
        periodEnd: null, ...spec, partOfId: link(part), restatesId: link(restates), supersedesId: link(supersedes),
      })));
      return { articleIds: [articleId] } as StatsFilter;
    };
    const count = (filter: StatsFilter, groupBy: StatsDimension[] = [], regionLevel: RegionLevel = 'ADMIN1') =>
      ctx().store.casualtyStats({ filter, groupBy, regionLevel, timeBucket: 'MONTH' });
    const n = (value: number) => ({ low: value, best: value, high: value });
    /** Every grouping of `filter` sums to its total's low. */
    const sumsToTotal = async (filter: StatsFilter, total: number) => {
      for (const groupBy of [['REGION'], ['GROUP'], ['CLAIMANT_TYPE'], ['VERIFICATION'], ['OUTCOME', 'TIME']] as StatsDimension[][]) {
        const { buckets } = await count(filter, groupBy, 'LOCALITY');
        expect([groupBy, buckets.reduce((sum, bucket) => sum + bucket.low, 0)]).toEqual([groupBy, total]);
      }
    };

    it('leaves background counts out, with their reason, verification and low', async () => {
      const filter = await article([{ ...n(3) }, { ...n(12), background: true }, { low: null, best: null, high: null, background: true, verification: 'UNVERIFIED' }]);
      const result = await count(filter);
      expect(result.total).toMatchObject({ ...n(3), figures: 1, disputedSets: 0 });
      expect(result.leftOut).toEqual([
        { reason: 'BACKGROUND', verification: 'REPORTED', figures: 1, low: 12 },
        { reason: 'BACKGROUND', verification: 'UNVERIFIED', figures: 1, low: 0 },
      ]);
    });

    it('counts only the newest of a chain of revisions; the older ones are left out as SUPERSEDED with their own lows', async () => {
      const filter = await article([
        { ...n(10), verification: 'UNVERIFIED' },
        { ...n(15), supersedes: 0 },
        { ...n(18), supersedes: 1, claimantType: 'WITNESS' },
      ]);
      const result = await count(filter);
      expect(result.total).toMatchObject({ ...n(18), figures: 1 });
      // Superseded before unverified: the first is reported once, under SUPERSEDED.
      expect(result.leftOut).toEqual([
        { reason: 'SUPERSEDED', verification: 'REPORTED', figures: 1, low: 15 },
        { reason: 'SUPERSEDED', verification: 'UNVERIFIED', figures: 1, low: 10 },
      ]);
      // Whatever the filter says of the revision: filtered out, it still supersedes.
      const official = await count({ ...filter, claimantType: ['OFFICIAL'] });
      expect(official.total.low).toBe(0);
      expect(official.leftOut).toEqual(result.leftOut);
    });

    it('counts a restated toll once: "at least 70" restated as "dozens" gives 70, on their common ground', async () => {
      const filter = await article([
        { low: 70, best: 70, high: null, qualifier: 'AT_LEAST' },
        { low: 24, best: null, high: null, qualifier: 'DOZENS', restates: 0, claimantType: 'WITNESS' },
      ]);
      const result = await count(filter);
      expect(result.total).toMatchObject({ low: 70, best: null, high: null, figures: 2, articles: 1, disputedSets: 0 });
      expect(result.leftOut).toEqual([]);
      await sumsToTotal(filter, 70);
    });

    it('gives competing counts ("five" against "two") their conservative span, disputed, in the representative\'s bucket', async () => {
      const filter = await article([
        { ...n(4) },
        { ...n(5), claimantType: 'OFFICIAL' },
        { ...n(2), claimantType: 'WITNESS', restates: 1 },
      ]);
      const result = await count(filter);
      expect(result.total).toMatchObject({ low: 6, best: null, high: 9, figures: 3, disputedSets: 1 });
      const byClaimant = await count(filter, ['CLAIMANT_TYPE']);
      expect(byClaimant.buckets.map((b) => [b.claimantType, b.low, b.best, b.high, b.figures, b.disputedSets])).toEqual([
        ['OFFICIAL', 6, null, 9, 2, 1],
        ['WITNESS', 0, 0, 0, 1, 0],
      ]);
      await sumsToTotal(filter, 6);
      // A member alone is no dispute: asked for the witness only, two.
      expect((await count({ ...filter, claimantType: ['WITNESS'] })).total).toMatchObject({ ...n(2), figures: 1, disputedSets: 0 });
      // The root left out by verification: the set is counted by its other member, and the root is not in leftOut.
      const unverifiedRoot = await article([{ ...n(5), verification: 'UNVERIFIED' }, { ...n(2), restates: 0 }]);
      const partly = await count(unverifiedRoot);
      expect(partly.total).toMatchObject({ ...n(2), disputedSets: 0 });
      expect(partly.leftOut).toEqual([]);
      // No member counted: the set is left out once, by its root's verification, with its bounds.
      const noneCounted = await article([{ ...n(5), verification: 'UNVERIFIED' }, { ...n(2), restates: 0, verification: 'UNVERIFIED' }]);
      expect((await count(noneCounted)).leftOut).toEqual([{ reason: 'VERIFICATION', verification: 'UNVERIFIED', figures: 2, low: 2 }]);
    });

    it('makes the parts of any member parts of the set', async () => {
      const filter = await article([
        { low: 70, best: 70, high: null, qualifier: 'AT_LEAST' },
        { low: 24, best: null, high: null, qualifier: 'DOZENS', restates: 0 },
        { ...n(20), group: 'CIVILIANS', locationId: quetta, part: 1 },
      ]);
      expect((await count(filter)).total).toMatchObject({ low: 70, figures: 3 });
      const byPlace = await count(filter, ['REGION'], 'LOCALITY');
      expect(byPlace.buckets.map((b) => [b.regionId, b.unallocated, b.low])).toEqual([[balochistan, true, 50], [quetta, false, 20]]);
      const byGroup = await count(filter, ['GROUP']);
      expect(byGroup.buckets.map((b) => [b.group, b.low])).toEqual([['CIVILIANS', 20], ['UNSPECIFIED', 50]]);
      await sumsToTotal(filter, 70);
      // Even when that member is left out by verification while the set counts.
      const unverifiedMember = await article([
        { low: 70, best: 70, high: null, qualifier: 'AT_LEAST' },
        { low: 24, best: null, high: null, qualifier: 'DOZENS', restates: 0, verification: 'UNVERIFIED' },
        { ...n(20), group: 'CIVILIANS', locationId: quetta, part: 1 },
      ]);
      expect((await count(unverifiedMember)).total).toMatchObject({ low: 70, figures: 2 });
      await sumsToTotal(unverifiedMember, 70);
    });

    it('never counts KILLED_OR_INJURED as killed (or injured)', async () => {
      const filter = await article([{ ...n(30), outcome: 'KILLED_OR_INJURED' }, { ...n(4) }, { ...n(6), outcome: 'INJURED' }]);
      expect((await count({ ...filter, outcome: ['KILLED'] })).total.low).toBe(4);
      expect((await count({ ...filter, outcome: ['INJURED'] })).total.low).toBe(6);
      const byOutcome = await count(filter, ['OUTCOME']);
      expect(byOutcome.buckets.map((b) => [b.outcome, b.low])).toEqual([['INJURED', 6], ['KILLED', 4], ['KILLED_OR_INJURED', 30]]);
    });

    it('answers reasons and disputed sets through the graph', async () => {
      const filter = await article([{ ...n(5) }, { ...n(2), restates: 0 }, { ...n(9), background: true }]);
      const response = await api.gql(`query($filter: StatsFilter) { casualtyStats(filter: $filter) {
        total { low high disputedSets } leftOut { reason verification figures low } } }`, { filter });
      expect(response.errors).toBeUndefined();
      expect(response.data.casualtyStats).toEqual({
        total: { low: 2, high: 5, disputedSets: 1 },
        leftOut: [{ reason: 'BACKGROUND', verification: 'REPORTED', figures: 1, low: 9 }],
      });
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
