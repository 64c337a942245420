import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { boundsFor, type ClaimantType, type Group, type Outcome, type Qualifier, type Verification } from '../src/domain/casualty';
import { sentenceContaining } from '../src/domain/article-text';
import { cleanText } from '../src/ingest/clean';
import { startTestGateway, type TestGateway } from './support/gateway';
import { describeEachEngine } from './support/stores';

/**
 * A wire story of our own (test/fixtures/real-article.txt, invented places and people) with every
 * case of the second edition: a lead toll restated later by a named official, with a part; two
 * sides' competing counts of the same soldiers; a toll revised upwards; a range; a background
 * count. Its figures are coded here by DOMAIN.md's rules, and the dashboard's numbers below were
 * worked out by hand from those rules (the arithmetic is in the comments), never by running the code.
 */

const STATS = /* GraphQL */ `
  query Stats($filter: StatsFilter, $groupBy: [StatsDimension!]) {
    casualtyStats(filter: $filter, groupBy: $groupBy) {
      total { low best high figures articles disputedSets }
      buckets { group claimantType low best high figures disputedSets }
      leftOut { reason verification figures low }
    }
  }`;

/** One coded figure: the words it comes from, and its links by key. */
interface Coding {
  key: string;
  wording: string;
  outcome: Outcome;
  group: Group;
  qualifier: Qualifier;
  number: number;
  numberHigh?: number;
  claimedBy: string | null;
  claimantType: ClaimantType;
  verification: Verification;
  place: 'Velmora' | 'Kesh' | 'Orun';
  who?: string;
  partOf?: string;
  restates?: string;
  supersedes?: string;
  background?: boolean;
}

const FIGURES: Coding[] = [
  // The lead: "at least 12" (12 / 12 / –) and the range "between 40 and 60" wounded (40 / – / 60).
  { key: 'M1', wording: 'killing at least 12 people', outcome: 'KILLED', group: 'UNSPECIFIED', qualifier: 'AT_LEAST', number: 12,
    claimedBy: 'officials', claimantType: 'OFFICIAL', verification: 'REPORTED', place: 'Kesh', who: 'people' },
  { key: 'M2', wording: 'wounding between 40 and 60', outcome: 'INJURED', group: 'UNSPECIFIED', qualifier: 'BETWEEN', number: 40, numberHigh: 60,
    claimedBy: 'officials', claimantType: 'OFFICIAL', verification: 'REPORTED', place: 'Kesh' },
  // The police chief restates the lead's 12 (the same people), naming three police officers among them.
  { key: 'M3', wording: '12 people had been killed in the market', outcome: 'KILLED', group: 'UNSPECIFIED', qualifier: 'EXACT', number: 12,
    claimedBy: 'Daran Holt', claimantType: 'OFFICIAL', verification: 'REPORTED', place: 'Kesh', who: 'people', restates: 'M1' },
  { key: 'M4', wording: 'three police officers who were guarding its entrance', outcome: 'KILLED', group: 'SECURITY_FORCES', qualifier: 'EXACT', number: 3,
    claimedBy: 'Daran Holt', claimantType: 'OFFICIAL', verification: 'REPORTED', place: 'Kesh', who: 'police officers', partOf: 'M3' },
  // Two sides' counts of the same soldiers: the armed group's (its claim, the text says, unverified) and the army's.
  { key: 'O1', wording: 'its fighters had killed nine soldiers', outcome: 'KILLED', group: 'SECURITY_FORCES', qualifier: 'EXACT', number: 9,
    claimedBy: 'The Free Velmora Front', claimantType: 'ARMED_GROUP', verification: 'UNVERIFIED', place: 'Orun', who: 'soldiers' },
  { key: 'O2', wording: 'The army said four soldiers had been killed', outcome: 'KILLED', group: 'SECURITY_FORCES', qualifier: 'EXACT', number: 4,
    claimedBy: 'the army', claimantType: 'OFFICIAL', verification: 'REPORTED', place: 'Orun', who: 'soldiers', restates: 'O1' },
  // The bus: 11, revised to 15 by a hospital doctor; on the road between two towns, so known at province level.
  { key: 'B1', wording: '11 passengers had died', outcome: 'KILLED', group: 'CIVILIANS', qualifier: 'EXACT', number: 11,
    claimedBy: 'Local officials', claimantType: 'OFFICIAL', verification: 'REPORTED', place: 'Velmora', who: 'passengers' },
  { key: 'B2', wording: 'The toll later rose to 15', outcome: 'KILLED', group: 'CIVILIANS', qualifier: 'EXACT', number: 15,
    claimedBy: 'a doctor at Tarvosa General Hospital', claimantType: 'MEDICAL', verification: 'REPORTED', place: 'Velmora', who: 'passengers', supersedes: 'B1' },
  // An earlier attack the text does not date: kept, never totalled. No claimant in its sentence.
  { key: 'X1', wording: 'killed 30 people', outcome: 'KILLED', group: 'UNSPECIFIED', qualifier: 'EXACT', number: 30,
    claimedBy: null, claimantType: 'UNKNOWN', verification: 'REPORTED', place: 'Kesh', who: 'people', background: true },
];

describeEachEngine('a real-style article, counted by the second edition', (ctx) => {
  let api: TestGateway;
  let articleId: string;
  let velmora: string;
  const stats = async (variables: Record<string, unknown>) => {
    const response = await api.gql(STATS, variables);
    expect(response.errors).toBeUndefined();
    return response.data.casualtyStats;
  };
  const killed = (extra: Record<string, unknown> = {}) => ({ articleIds: [articleId], outcome: ['KILLED'], ...extra });

  beforeAll(async () => {
    const { store } = ctx();
    const page = cleanText(readFileSync(join(__dirname, 'fixtures', 'real-article.txt'), 'utf8'));
    const { body } = page;
    const [arvandia] = await store.upsertLocations([{ parentId: null, name: 'Arvandia', kind: 'COUNTRY', isoCode: null, latitude: null, longitude: null }]);
    [velmora] = await store.upsertLocations([{ parentId: arvandia, name: 'Velmora', kind: 'ADMIN1', isoCode: null, latitude: null, longitude: null }]);
    const towns = await store.upsertLocations(['Kesh', 'Orun'].map((name) =>
      ({ parentId: velmora, name, kind: 'LOCALITY' as const, isoCode: null, latitude: null, longitude: null })));
    const places = { Velmora: velmora, Kesh: towns[0], Orun: towns[1] };
    [articleId] = await store.insertArticles([{ slug: 'kesh-market-attack', headline: page.headline!, standfirst: null, body,
      publishedAt: new Date('2026-03-10T14:00:00Z'), sourceUrl: null, language: 'en', tags: [], authorIds: [], locationIds: [velmora] }]);
    const ids = await store.allocateIds('casualty_figures', FIGURES.length);
    const idOf = (key: string | undefined) => (key === undefined ? null : ids[FIGURES.findIndex((f) => f.key === key)]);
    await store.insertFigures(FIGURES.map((f, position) => {
      const quote = sentenceContaining(body, f.wording);
      if (!quote) throw new Error(`figure ${f.key}: "${f.wording}" is not in the article`);
      return {
        id: ids[position], articleId, position, outcome: f.outcome, group: f.group, ...boundsFor(f.qualifier, f.number, f.numberHigh),
        qualifier: f.qualifier, claimedBy: f.claimedBy, claimantType: f.claimantType, verification: f.verification, quote,
        locationId: places[f.place], periodStart: null, periodEnd: null, partOfId: idOf(f.partOf),
        restatesId: idOf(f.restates), supersedesId: idOf(f.supersedes), who: f.who ?? null, background: f.background ?? false,
      };
    }));
    api = await startTestGateway(store);
  });
  afterAll(() => api.stop());

  // Killed, CONFIRMED and REPORTED (the default). Counted: M1, M3, M4, O2, B2 (5 figures).
  //   O1 is UNVERIFIED, but its set {O1, O2} has a counted member (O2): it adds nothing and is not left out.
  //   B1 is superseded by B2; X1 is background.
  // Sets: {M1, M3} agree (max low 12 <= min high 12): 12 / 12 / 12; M4 (3 / 3 / 3) is inside it.
  //       {O2} alone (O1 not counted): 4 / 4 / 4.   {B2}: 15 / 15 / 15.
  // Total: 12 + 4 + 15 = 31 (low, best and high alike); no set disputed.
  it('counts the market, the outpost and the bus once each: 12 + 4 + 15 = 31 killed', async () => {
    const result = await stats({ filter: killed() });
    expect(result.total).toEqual({ low: 31, best: 31, high: 31, figures: 5, articles: 1, disputedSets: 0 });
  });

  // By group: the market's set sits with its root M1 (UNSPECIFIED) and M4 takes its 3 to SECURITY_FORCES.
  //   UNSPECIFIED: 12 − 3 = 9 (figures M1, M3);  SECURITY_FORCES: M4 3 + O2 4 = 7 (figures M4, O2);
  //   CIVILIANS: B2 15 (1 figure).  9 + 7 + 15 = 31.
  it('gives the market 9 unspecified and 3 police, the soldiers 4 more, the bus 15 civilians', async () => {
    const result = await stats({ filter: killed(), groupBy: ['GROUP'] });
    expect(result.buckets).toEqual([
      { group: 'CIVILIANS', claimantType: null, low: 15, best: 15, high: 15, figures: 1, disputedSets: 0 },
      { group: 'SECURITY_FORCES', claimantType: null, low: 7, best: 7, high: 7, figures: 2, disputedSets: 0 },
      { group: 'UNSPECIFIED', claimantType: null, low: 9, best: 9, high: 9, figures: 2, disputedSets: 0 },
    ]);
  });

  // By claimant type: M1, M3, M4 and O2 are OFFICIAL; M4 shares its set's bucket, so adds nothing there.
  //   OFFICIAL: market 12 + outpost 4 = 16 (4 figures);  MEDICAL: B2 15 (1 figure).  16 + 15 = 31.
  it('credits officials with 16 and the hospital with 15', async () => {
    const result = await stats({ filter: killed(), groupBy: ['CLAIMANT_TYPE'] });
    expect(result.buckets).toEqual([
      { group: null, claimantType: 'MEDICAL', low: 15, best: 15, high: 15, figures: 1, disputedSets: 0 },
      { group: null, claimantType: 'OFFICIAL', low: 16, best: 16, high: 16, figures: 4, disputedSets: 0 },
    ]);
  });

  // Left out: B1 superseded (REPORTED, its own low 11); X1 background (REPORTED, 30). Nothing by
  // verification: O1, the only figure of a verification not counted, is in a counted set.
  it('lists the earlier toll of 11 and the earlier attack\'s 30 as left out, and nothing else', async () => {
    const result = await stats({ filter: killed() });
    expect(result.leftOut).toEqual(expect.arrayContaining([
      { reason: 'SUPERSEDED', verification: 'REPORTED', figures: 1, low: 11 },
      { reason: 'BACKGROUND', verification: 'REPORTED', figures: 1, low: 30 },
    ]));
    expect(result.leftOut).toHaveLength(2);
  });

  // With UNVERIFIED counted too, O1 joins its set: 9 against 4 contradict (max low 9 > min high 4), so
  // the set takes the span 4 / – / 9 and is disputed; its representative is the root O1 (ARMED_GROUP).
  // Total: low 12 + 4 + 15 = 31; best null (the disputed set has none); high 12 + 9 + 15 = 36; 6 figures.
  // By group: SECURITY_FORCES 3 + 4 = 7 low, high 3 + 9 = 12, best null, figures M4, O1, O2, 1 disputed.
  // By claimant type: ARMED_GROUP 4 / – / 9 (O1, disputed); OFFICIAL 12 (M1, M3, M4, O2: O2 adds no
  // bounds, its set is counted at O1); MEDICAL 15.
  it('shows the two sides\' counts of the soldiers as one disputed set of 4 to 9 once unverified claims are asked for', async () => {
    const filter = killed({ verification: ['CONFIRMED', 'REPORTED', 'UNVERIFIED'] });
    const result = await stats({ filter });
    expect(result.total).toEqual({ low: 31, best: null, high: 36, figures: 6, articles: 1, disputedSets: 1 });
    const byGroup = await stats({ filter, groupBy: ['GROUP'] });
    expect(byGroup.buckets).toContainEqual({ group: 'SECURITY_FORCES', claimantType: null, low: 7, best: null, high: 12, figures: 3, disputedSets: 1 });
    const byClaimant = await stats({ filter, groupBy: ['CLAIMANT_TYPE'] });
    expect(byClaimant.buckets).toEqual([
      { group: null, claimantType: 'ARMED_GROUP', low: 4, best: null, high: 9, figures: 1, disputedSets: 1 },
      { group: null, claimantType: 'MEDICAL', low: 15, best: 15, high: 15, figures: 1, disputedSets: 0 },
      { group: null, claimantType: 'OFFICIAL', low: 12, best: 12, high: 12, figures: 4, disputedSets: 0 },
    ]);
    expect(result.leftOut).toHaveLength(2);
  });

  // Injured: the range alone, 40 / – / 60.
  it('counts "between 40 and 60 wounded" as 40 to 60, best unknown', async () => {
    const result = await stats({ filter: { articleIds: [articleId], outcome: ['INJURED'] } });
    expect(result.total).toMatchObject({ low: 40, best: null, high: 60, figures: 1 });
  });

  it('gives the province\'s landing card the same 31 killed', async () => {
    const response = await api.gql(`query($id: ID!) { regionSummary(locationId: $id) {
      killed { total { low disputedSets } leftOut { reason low } } } }`, { id: velmora });
    expect(response.data.regionSummary.killed.total).toEqual({ low: 31, disputedSets: 0 });
    expect(response.data.regionSummary.killed.leftOut).toEqual(expect.arrayContaining([{ reason: 'SUPERSEDED', low: 11 }, { reason: 'BACKGROUND', low: 30 }]));
  });
});
