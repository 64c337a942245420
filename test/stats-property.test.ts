import fc from 'fast-check';
import {
  boundsFor, type Bounds, type ClaimantType, type Group, type Outcome, type Qualifier, type Verification,
} from '../src/domain/casualty';
import { loadCodedArticle } from '../src/seed/worked-example';
import type { LeftOutReason, NewCasualtyFigure, StatsDimension, StatsFilter, StatsResult } from '../src/store/records';
import { describeEachEngine } from './support/stores';
import type { SqlStore } from '../src/store/sql-store';

/**
 * The counting rules of issue 17 (second edition), proved on random articles: nested figures,
 * restated sets whose members agree or compete, revised tolls superseding older ones, background
 * counts. Each article is built so that editorial validation holds; the expectations come from a
 * careful reader's count written here from the rules, never from the SQL.
 */

/** The wording of one mention, as an editor codes it. */
interface Mention {
  qualifier: Qualifier;
  n: number;
  spread: number;
  group: Group;
  verification: Verification;
  claimantType: ClaimantType;
  place: number;
  dated: number;
}

/** One set of people: its mentions (the first the root, each later one restating an earlier one), older tolls the set's newest count revised, and its parts. */
interface PeopleDraft {
  outcome: Outcome;
  mentions: Mention[];
  restates: number[];
  earlier: Mention[];
  reviser: number;
  parts: PeopleDraft[];
}

const QUALIFIERS: Qualifier[] = ['EXACT', 'AT_LEAST', 'MORE_THAN', 'ABOUT', 'UP_TO', 'BETWEEN', 'SEVERAL'];
const VERIFICATIONS: Verification[] = ['CONFIRMED', 'REPORTED', 'UNVERIFIED', 'DISPUTED'];
const OUTCOMES: Outcome[] = ['KILLED', 'INJURED', 'KILLED_OR_INJURED'];

const mention: fc.Arbitrary<Mention> = fc.record({
  qualifier: fc.constantFrom(...QUALIFIERS),
  n: fc.integer({ min: 0, max: 40 }),
  spread: fc.integer({ min: 0, max: 20 }),
  group: fc.constantFrom<Group>('CIVILIANS', 'SECURITY_FORCES', 'MILITANTS', 'UNSPECIFIED'),
  verification: fc.constantFrom(...VERIFICATIONS),
  claimantType: fc.constantFrom<ClaimantType>('OFFICIAL', 'ARMED_GROUP', 'MEDICAL', 'WITNESS'),
  place: fc.integer({ min: 0, max: 5 }),
  dated: fc.integer({ min: 0, max: 2 }),
});

const people = (depth: number): fc.Arbitrary<PeopleDraft> => fc.record({
  outcome: fc.constantFrom(...OUTCOMES),
  mentions: fc.array(mention, { minLength: 1, maxLength: 3 }),
  // Which earlier mention each later one restates (taken modulo its index): chains reach the root.
  restates: fc.array(fc.nat(), { minLength: 3, maxLength: 3 }),
  earlier: fc.array(mention, { maxLength: 2 }),
  reviser: fc.nat(),
  parts: depth === 0 ? fc.constant([]) : fc.array(people(depth - 1), { maxLength: 2 }),
});

const article = fc.record({
  sets: fc.array(people(2), { minLength: 1, maxLength: 3 }),
  background: fc.array(fc.record({ outcome: fc.constantFrom(...OUTCOMES), mention }), { maxLength: 2 }),
});

/** A figure as the test keeps it: its record fields and links by index, and which set of people it belongs to. */
interface Coded extends Bounds {
  index: number;
  outcome: Outcome;
  mention: Mention;
  partOf: number | null;
  restates: number | null;
  supersedes: number | null;
  background: boolean;
  /** Its set of people (the index of the set's root); null for a superseded older toll or a background count, each a set of its own. */
  set: number;
}

/**
 * The bounds of a set of people over `members`, as rule 3 gives them: their common ground when
 * they agree (the largest low at most the smallest high), else the conservative span, disputed.
 */
function setBounds(members: Bounds[]): Bounds & { disputed: boolean } {
  const lows = members.map((m) => m.low ?? 0);
  const highs = members.map((m) => m.high).filter((h): h is number => h !== null);
  const maxLow = Math.max(...lows);
  const minHigh = highs.length ? Math.min(...highs) : null;
  if (minHigh === null || maxLow <= minHigh) {
    const bests = members.map((m) => m.best);
    const common = bests.every((b) => b !== null && b === bests[0]) ? bests[0] : null;
    return { low: maxLow, best: common, high: minHigh, disputed: false };
  }
  const anyUnbounded = members.some((m) => m.high === null);
  return { low: Math.min(...lows), best: null, high: anyUnbounded ? null : Math.max(...highs), disputed: true };
}

/** The bounds a mention's wording gives, its low no more than `maxLow` (so a part never exceeds its whole). */
function fitted(m: Mention, maxLow: number | null): Bounds {
  const bounds = (q: Qualifier, n: number) => boundsFor(q, n, n + m.spread);
  let b = bounds(m.qualifier, maxLow === null ? m.n : Math.min(m.n, maxLow));
  if (maxLow !== null && (b.low ?? 0) > maxLow) b = bounds('UP_TO', m.n);
  return b;
}

/**
 * Lays the drafts out as figures. A part's low is taken from what is left of its whole's: every
 * live figure pointing into a set (its members' parts and their older tolls alike) counts against
 * the set's low as rule 3 computes it over all its members and against the low of the member it
 * names, and none exceeds either's high, so editorial validation holds whichever reading it takes
 * of "the parts". Older tolls share the outcome and the whole of the figure that revises them;
 * background counts stand alone.
 */
function codeArticle(drafts: { sets: PeopleDraft[]; background: { outcome: Outcome; mention: Mention }[] }): Coded[] {
  const figures: Coded[] = [];
  const add = (f: Omit<Coded, 'index' | 'set'> & { set?: number }): Coded => {
    const coded = { ...f, index: figures.length, set: f.set ?? figures.length };
    figures.push(coded);
    return coded;
  };
  /** What is left of a whole set's low for its parts, and of each member's own (a part names one member). */
  interface Whole { members: Coded[]; left: number; high: number | null; memberLeft: Map<number, number> }
  const take = (m: Mention, whole: Whole | null, member: Coded | null): Bounds => {
    if (!whole || !member) return fitted(m, null);
    const caps = [whole.left, whole.high, member.low === null ? null : whole.memberLeft.get(member.index)!, member.high]
      .filter((cap): cap is number => cap !== null);
    const b = fitted(m, Math.min(...caps));
    whole.left -= b.low ?? 0;
    whole.memberLeft.set(member.index, whole.memberLeft.get(member.index)! - (b.low ?? 0));
    return b;
  };
  const lay = (draft: PeopleDraft, whole: Whole | null, pick: number) => {
    const wholeMember = () => (whole ? whole.members[pick++ % whole.members.length] : null);
    const members: Coded[] = [];
    for (const [i, m] of draft.mentions.entries()) {
      const restates = i === 0 ? null : members[draft.restates[i - 1] % i].index;
      const into = wholeMember();
      members.push(add({ ...take(m, whole, into), outcome: draft.outcome, mention: m, partOf: into?.index ?? null, restates,
        supersedes: null, background: false, set: members[0]?.index }));
    }
    // Older tolls: a chain, oldest first, that the reviser (one of the members) ends.
    let older: Coded | null = null;
    for (const m of draft.earlier) {
      const into = wholeMember();
      older = add({ ...take(m, whole, into), outcome: draft.outcome, mention: m, partOf: into?.index ?? null, restates: null,
        supersedes: older?.index ?? null, background: false });
    }
    if (older) members[draft.reviser % members.length].supersedes = older.index;
    const bounds = setBounds(members);
    const own: Whole = { members, left: bounds.low ?? 0, high: bounds.high, memberLeft: new Map(members.map((f) => [f.index, f.low ?? 0])) };
    draft.parts.forEach((part, i) => lay(part, own, i));
  };
  drafts.sets.forEach((draft) => lay(draft, null, 0));
  for (const { outcome, mention: m } of drafts.background) {
    add({ ...fitted(m, null), outcome, mention: m, partOf: null, restates: null, supersedes: null, background: true });
  }
  return figures;
}

/** One statistics question: the filter's own conditions and which verifications count. */
interface Question {
  name: string;
  verification: Verification[] | null;
  outcome?: Outcome[];
  group?: Group[];
}

const INCLUDED_BY_DEFAULT: Verification[] = ['CONFIRMED', 'REPORTED'];

const QUESTIONS: Question[] = [
  { name: 'every verification', verification: VERIFICATIONS },
  { name: 'the default verifications', verification: null },
  { name: 'killed, confirmed only', verification: ['CONFIRMED'], outcome: ['KILLED'] },
  { name: 'civilians and unspecified, any verification but disputed', verification: ['CONFIRMED', 'REPORTED', 'UNVERIFIED'], group: ['CIVILIANS', 'UNSPECIFIED'] },
];

/**
 * What a careful reader counts, by the rules, for `question`: the counted figures (passing the
 * filter, of a counted verification, neither revised by a later toll nor background); their sets
 * of people; for each set not inside another counted set, the largest counted low (an upper bound)
 * and the set's bounds over its counted members (what the rules say the total is).
 */
function carefulReader(figures: Coded[], question: Question) {
  const included = question.verification ?? INCLUDED_BY_DEFAULT;
  const passes = (f: Coded) => (!question.outcome || question.outcome.includes(f.outcome)) &&
    (!question.group || question.group.includes(f.mention.group));
  const superseded = new Set(figures.filter((f) => f.supersedes !== null).map((f) => f.supersedes!));
  const counted = (f: Coded) => passes(f) && included.includes(f.mention.verification) && !superseded.has(f.index) && !f.background;
  const countedIn = new Map<number, Coded[]>();
  for (const f of figures.filter(counted)) countedIn.set(f.set, [...(countedIn.get(f.set) ?? []), f]);
  // A set's whole is the set its members are parts of (all members of a set share it, by construction).
  const wholeOf = (set: number): number | null => {
    const partOf = figures[set].partOf;
    return partOf === null ? null : figures[partOf].set;
  };
  const insideCounted = (set: number): boolean => {
    for (let up = wholeOf(set); up !== null; up = wholeOf(up)) if (countedIn.has(up)) return true;
    return false;
  };
  const tops = [...countedIn.entries()].filter(([set]) => !insideCounted(set)).map(([, members]) => members);
  const sum = (values: (number | null)[]) => (values.some((v) => v === null) ? null : values.reduce<number>((a, v) => a + v!, 0));
  const topBounds = tops.map(setBounds);

  // Left out: revised and background figures by their own low; of the rest of a verification not
  // counted, only those neither in a counted set nor inside one.
  const leftOut = (reason: 'SUPERSEDED' | 'BACKGROUND') => figures.filter((f) => passes(f) &&
    (reason === 'SUPERSEDED' ? superseded.has(f.index) : !superseded.has(f.index) && f.background));
  const byVerification = figures.filter((f) => passes(f) && !counted(f) && !superseded.has(f.index) && !f.background &&
    !countedIn.has(f.set) && !insideCounted(f.set));
  return {
    figures: [...countedIn.values()].flat().length,
    disputedSets: [...countedIn.values()].filter((members) => setBounds(members).disputed).length,
    largestWholes: tops.reduce((total, members) => total + Math.max(...members.map((m) => m.low ?? 0)), 0),
    total: { low: sum(topBounds.map((b) => b.low))!, best: sum(topBounds.map((b) => b.best)), high: sum(topBounds.map((b) => b.high)) },
    superseded: leftOut('SUPERSEDED'),
    background: leftOut('BACKGROUND'),
    byVerification,
    passing: figures.filter(passes).length,
  };
}

/** Left-out rows of `reason` as verification → [figures, low], for comparing with the reader's lists. */
function leftOutRows(result: StatsResult, reason: LeftOutReason) {
  const rows = result.leftOut.filter((row) => row.reason === reason);
  return Object.fromEntries(rows.map((row) => [row.verification, [row.figures, row.low]]));
}
/** The reader's left-out figures in the same shape: verification → [figures, the sum of their own lows]. */
function expectedRows(figures: Coded[]) {
  const rows: Record<string, number[]> = {};
  for (const f of figures) {
    const row = (rows[f.mention.verification] ??= [0, 0]);
    row[0] += 1;
    row[1] += f.low ?? 0;
  }
  return rows;
}

const GROUPINGS: StatsDimension[][] = [
  ['REGION'], ['GROUP'], ['OUTCOME'], ['VERIFICATION'], ['CLAIMANT_TYPE'], ['TIME'],
  ['REGION', 'GROUP', 'OUTCOME'], ['TIME', 'CLAIMANT_TYPE'], ['REGION', 'VERIFICATION', 'TIME'],
];

const DATES = [null, new Date('2025-01-03T00:00:00Z'), new Date('2025-02-20T00:00:00Z')];

describeEachEngine('casualty statistics, second edition (property)', (ctx) => {
  let places: string[];
  beforeAll(async () => {
    // The worked example brings a province with districts and towns to place figures in.
    await loadCodedArticle(ctx().store);
    const [{ id: balochistan }] = (await ctx().store.locationsByIsoCodes(['PK-BA'])) as { id: string }[];
    places = (await ctx().store.listLocations({ withinId: balochistan }, { first: 50 })).rows.map((l) => l.id);
  });

  /** Stores a new article with `figures`: its id, and its figures' ids by index. */
  async function storeArticle(store: SqlStore, slug: string, figures: Coded[]) {
    const [articleId] = await store.insertArticles([{ slug: `${slug}-${Date.now()}`, headline: 'P', standfirst: null, body: 'B.',
      publishedAt: new Date('2025-01-15T00:00:00Z'), sourceUrl: null, language: 'en', tags: [], authorIds: [], locationIds: [] }]);
    const ids = await store.allocateIds('casualty_figures', figures.length);
    const id = (index: number | null) => (index === null ? null : ids[index]);
    await store.insertFigures(figures.map((f): NewCasualtyFigure => ({
      id: ids[f.index], articleId, position: f.index, outcome: f.outcome, group: f.mention.group,
      low: f.low, best: f.best, high: f.high, qualifier: f.mention.qualifier, claimedBy: null,
      claimantType: f.mention.claimantType, verification: f.mention.verification, quote: 'q',
      locationId: places[f.mention.place % places.length], periodStart: DATES[f.mention.dated], periodEnd: null,
      partOfId: id(f.partOf), restatesId: id(f.restates), supersedesId: id(f.supersedes), who: null, background: f.background,
    })));
    return { articleId, ids };
  }

  it('sums every grouping to the total, which never exceeds a careful reader\'s count, and accounts for every figure left out', async () => {
    const { store } = ctx();
    let run = 0;
    await fc.assert(fc.asyncProperty(article, async (drafts) => {
      run += 1;
      const figures = codeArticle(drafts);
      const { articleId } = await storeArticle(store, `property-17-${run}`, figures);

      for (const question of QUESTIONS) {
        const filter: StatsFilter = { articleIds: [articleId], verification: question.verification, outcome: question.outcome, group: question.group };
        const ask = (groupBy: StatsDimension[]) => store.casualtyStats({ filter, groupBy, regionLevel: 'LOCALITY', timeBucket: 'MONTH' });
        const reader = carefulReader(figures, question);
        const result = await ask([]);
        const { total } = result;
        const context = `${question.name}: ${JSON.stringify(figures.map(({ mention: m, ...f }) => ({ ...f, v: m.verification, g: m.group })))}`;

        // The total: never more than the largest counted whole of each set, and what the rules make of them.
        expect({ context, low: total.low <= reader.largestWholes }).toEqual({ context, low: true });
        expect({ context, total: { low: total.low, best: total.best, high: total.high }, figures: total.figures, disputedSets: total.disputedSets })
          .toEqual({ context, total: reader.total, figures: reader.figures, disputedSets: reader.disputedSets });

        // Left out, by reason: each revised or background figure once, with its own low; of the rest,
        // no more figures than were neither counted nor inside what was.
        expect({ context, superseded: leftOutRows(result, 'SUPERSEDED'), background: leftOutRows(result, 'BACKGROUND') })
          .toEqual({ context, superseded: expectedRows(reader.superseded), background: expectedRows(reader.background) });
        const byVerification = Object.entries(leftOutRows(result, 'VERIFICATION'));
        const sets = new Set(reader.byVerification.map((f) => f.set));
        const leftFigures = byVerification.reduce((n, [, [figuresLeft]]) => n + figuresLeft, 0);
        const counts = { left: leftFigures, sets: sets.size, figures: reader.byVerification.length };
        expect({ context, counts, within: counts.left >= counts.sets && counts.left <= counts.figures }).toEqual({ context, counts, within: true });
        const ownLows = reader.byVerification.reduce((n, f) => n + (f.low ?? 0), 0);
        expect(byVerification.reduce((n, [, [, low]]) => n + low, 0)).toBeLessThanOrEqual(ownLows);
        for (const [verification] of byVerification) expect(question.verification ?? INCLUDED_BY_DEFAULT).not.toContain(verification);
        expect(total.figures + result.leftOut.reduce((n, row) => n + row.figures, 0)).toBeLessThanOrEqual(reader.passing);

        for (const groupBy of GROUPINGS) {
          const { buckets } = await ask(groupBy);
          const sum = (pick: (b: typeof total) => number | null) => buckets.reduce((n, b) => n + pick(b)!, 0);
          expect({ context, groupBy, low: sum((b) => b.low), figures: sum((b) => b.figures), disputedSets: sum((b) => b.disputedSets) })
            .toEqual({ context, groupBy, low: total.low, figures: total.figures, disputedSets: total.disputedSets });
          if (buckets.every((b) => b.best !== null)) expect({ context, groupBy, best: sum((b) => b.best) }).toEqual({ context, groupBy, best: total.best });
          if (buckets.every((b) => b.high !== null)) expect({ context, groupBy, high: sum((b) => b.high) }).toEqual({ context, groupBy, high: total.high });
          // With every figure counted, no part takes along more than its whole has.
          if (question.verification === VERIFICATIONS && !question.outcome && !question.group) {
            for (const bucket of buckets) expect(bucket.low).toBeGreaterThanOrEqual(0);
          }
        }
      }
    }), { numRuns: 25, seed: 20261130, interruptAfterTimeLimit: 80_000 });
    // A failure is shrunk for as long as the limit allows; a run that passes takes a fraction of it.
  }, 120_000);

  // What lets the cache keep statistics through an editor's confirmation (src/cache/store-tags.ts,
  // `TAGS`): such a change moves no figure into or out of the count, nor between left-out rows.
  it('answers alike after a figure\'s verification moves between two counted ones, when it is neither revised nor background and nothing groups by verification', async () => {
    const { store } = ctx();
    const countingBoth = QUESTIONS.filter((question) => ['CONFIRMED', 'REPORTED'].every((v) => (question.verification ?? INCLUDED_BY_DEFAULT).includes(v as Verification)));
    const groupings = [[], ...GROUPINGS.filter((groupBy) => !groupBy.includes('VERIFICATION'))];
    let run = 0;
    await fc.assert(fc.asyncProperty(article, fc.nat(), async (drafts, pick) => {
      run += 1;
      const figures = codeArticle(drafts);
      const superseded = new Set(figures.flatMap((f) => (f.supersedes === null ? [] : [f.supersedes])));
      const movable = figures.filter((f) => INCLUDED_BY_DEFAULT.includes(f.mention.verification) && !f.background && !superseded.has(f.index));
      fc.pre(movable.length > 0);
      const { articleId, ids } = await storeArticle(store, `property-verified-${run}`, figures);
      const ask = () => Promise.all(countingBoth.flatMap((question) => groupings.map((groupBy) => store.casualtyStats({
        filter: { articleIds: [articleId], verification: question.verification, outcome: question.outcome, group: question.group },
        groupBy, regionLevel: 'LOCALITY', timeBucket: 'MONTH',
      }))));
      const before = await ask();
      const moved = movable[pick % movable.length];
      const [figure] = await store.figuresByIds([ids[moved.index]]);
      const verification = figure!.verification === 'CONFIRMED' ? 'REPORTED' : 'CONFIRMED';
      await store.write('property', (writer) => writer.updateFigure(figure!.id, figure!.version, { verification }));
      const context = `figure ${moved.index} to ${verification}: ${JSON.stringify(figures.map(({ mention: m, ...f }) => ({ ...f, v: m.verification })))}`;
      expect({ context, answers: await ask() }).toEqual({ context, answers: before });
    }), { numRuns: 25, seed: 20261202, interruptAfterTimeLimit: 60_000 });
  }, 120_000);
});
