import { CODING, boundsFor, type Bounds, type Qualifier } from '../domain/casualty';
import type { Violation } from '../errors';
import type { CasualtyFigureRecord } from '../store/records';

export interface BoundsInput {
  number?: number | null;
  /** BETWEEN's second number. */
  numberHigh?: number | null;
  low?: number | null;
  best?: number | null;
  high?: number | null;
}

/**
 * The bounds a figure gets: from the coding table when the number the text says is given (or the
 * wording implies one), otherwise the explicit low/best/high, checked. Violations are named under
 * `prefix` (e.g. `input`).
 */
export function resolveBounds(qualifier: Qualifier, input: BoundsInput, prefix: string): { bounds: Bounds; violations: Violation[] } {
  const explicit = input.low != null || input.best != null || input.high != null;
  const coding = CODING[qualifier];
  if (input.numberHigh != null && coding.numbers !== 2) {
    return fail(`${prefix}.numberHigh`, `only BETWEEN takes a second number; ${qualifier} is coded ${coding.rule}`);
  }
  if (input.number != null) {
    // A negative number is reported by the input check; there are no bounds to give it.
    if (input.number < 0 || (input.numberHigh ?? 0) < 0) return { bounds: { low: null, best: null, high: null }, violations: [] };
    if (explicit) {
      return fail(`${prefix}.number`, 'give either `number` (bounds from the coding table) or `low`/`best`/`high`, not both');
    }
    if (coding.numbers === 0) {
      return fail(`${prefix}.number`, `${qualifier} wording carries no number (${coding.rule}); leave \`number\` out or give low/best/high`);
    }
    if (coding.numbers === 2 && input.numberHigh == null) {
      return fail(`${prefix}.numberHigh`, `${qualifier} needs the second number the text says (${coding.rule})`);
    }
    if (coding.numbers === 2 && input.numberHigh! < input.number) {
      return fail(`${prefix}.numberHigh`, `must not be below \`number\` (${input.number})`);
    }
    return { bounds: boundsFor(qualifier, input.number, input.numberHigh), violations: [] };
  }
  if (input.numberHigh != null) return fail(`${prefix}.number`, `${qualifier} needs the first number too`);
  if (!explicit) {
    if (coding.numbers > 0) return fail(`${prefix}.number`, `${qualifier} needs the number the text says (or give low/best/high)`);
    return { bounds: boundsFor(qualifier), violations: [] };
  }
  const bounds = { low: input.low ?? null, best: input.best ?? null, high: input.high ?? null };
  return { bounds, violations: boundsViolations(bounds, qualifier, prefix) };
}

function fail(field: string, message: string) {
  return { bounds: { low: null, best: null, high: null }, violations: [{ field, message }] };
}

/** low ≤ best ≤ high where present; NEARLY's best is the number said, just above its high. */
export function boundsViolations({ low, best, high }: Bounds, qualifier: Qualifier, prefix: string): Violation[] {
  const violations: Violation[] = [];
  if (low != null && high != null && low > high) violations.push({ field: `${prefix}.low`, message: `must not exceed high (${high})` });
  if (low != null && best != null && low > best) violations.push({ field: `${prefix}.low`, message: `must not exceed best (${best})` });
  if (best != null && high != null && best > high && qualifier !== 'NEARLY') {
    violations.push({ field: `${prefix}.best`, message: `must not exceed high (${high})` });
  }
  return violations;
}

/** A period never ends before it starts. */
export function periodViolations(start: Date | null | undefined, end: Date | null | undefined, prefix: string): Violation[] {
  return start && end && start > end ? [{ field: `${prefix}.periodEnd`, message: 'must not be before periodStart' }] : [];
}

type Figure = Pick<CasualtyFigureRecord,
  'id' | 'articleId' | 'outcome' | 'partOfId' | 'restatesId' | 'supersedesId' | 'low' | 'best' | 'high' | 'retractedAt'>;

/** The links between figures of one article, by input field and by the name a message uses. */
const LINKS = [['partOfId', 'partOf'], ['restatesId', 'restates'], ['supersedesId', 'supersedes']] as const;
type LinkField = (typeof LINKS)[number][0];

/**
 * Checks the links of one article's figures after `changed` was written (docs/editorial.md):
 * `partOfId`, `restatesId` and `supersedesId` name live figures of the same article; no figure
 * reaches itself by any mix of the three; a revised count keeps the outcome of the one it
 * revises, and revises a figure no other revises; and the parts of a set of people (a first
 * mention and every figure that restates it; a figure alone is a set of one) never exceed the
 * set. `figures` are all the article's figures in their new state, `before` in their old one
 * (a figure that leaves a set changes that set's bounds too).
 */
export function linkViolations(changed: Figure, figures: readonly Figure[], prefix: string, before: readonly Figure[] = figures): Violation[] {
  const byId = new Map(figures.map((figure) => [figure.id, figure]));
  const violations: Violation[] = [];
  for (const [field, name] of LINKS) {
    const targetId = changed[field];
    if (!targetId) continue;
    const target = byId.get(targetId);
    if (!target) {
      violations.push({ field: `${prefix}.${field}`, message: 'must be a figure of the same article' });
      continue;
    }
    if (target.retractedAt) violations.push({ field: `${prefix}.${field}`, message: 'must not be a retracted figure' });
    const loop = target.id === changed.id ? [] : loopBack(changed.id, target, byId);
    if (loop) {
      violations.push({ field: `${prefix}.${field}`, message: loop.every((step) => step.name === 'partOf') && name === 'partOf'
        ? 'would make the figure part of itself'
        : `would make a loop of figure links back to this figure (${[{ from: changed.id, name, to: target.id }, ...loop]
          .map((step) => `${step.from} ${step.name} ${step.to}`).join(', ')})` });
    }
  }
  if (!changed.retractedAt) violations.push(...revisionViolations(changed, figures, prefix));
  violations.push(...setViolations(changed, figures, prefix, before));
  return violations;
}

/** The links from `start` that lead back to figure `id`, if any do (the path, step by step). */
function loopBack(id: string, start: Figure, byId: ReadonlyMap<string, Figure>) {
  type Step = { from: string; name: string; to: string };
  const cameBy = new Map<string, Step | null>([[start.id, null]]);
  const queue = [start];
  for (let figure = queue.shift(); figure; figure = queue.shift()) {
    for (const [field, name] of LINKS) {
      const to = figure[field];
      if (!to || cameBy.has(to)) continue;
      cameBy.set(to, { from: figure.id, name, to });
      if (to === id) {
        const path: Step[] = [];
        for (let step = cameBy.get(id); step; step = cameBy.get(step.from)) path.unshift(step);
        return path;
      }
      const next = byId.get(to);
      if (next) queue.push(next);
    }
  }
  return null;
}

/** A revised count keeps the outcome of what it revises; a chain of revisions never forks. */
function revisionViolations(changed: Figure, figures: readonly Figure[], prefix: string): Violation[] {
  const violations: Violation[] = [];
  const live = figures.filter((figure) => !figure.retractedAt && figure.id !== changed.id);
  const older = changed.supersedesId ? figures.find((figure) => figure.id === changed.supersedesId) : undefined;
  if (older && older.outcome !== changed.outcome) {
    violations.push({ field: `${prefix}.supersedesId`,
      message: `must name a figure of the same outcome: figure ${older.id} is ${older.outcome}, this one ${changed.outcome}` });
  }
  const rival = older && live.find((figure) => figure.supersedesId === older.id);
  if (rival) {
    violations.push({ field: `${prefix}.supersedesId`,
      message: `figure ${older!.id} is already superseded by figure ${rival.id}: supersede figure ${rival.id} instead` });
  }
  for (const newer of live.filter((figure) => figure.supersedesId === changed.id && figure.outcome !== changed.outcome)) {
    violations.push({ field: `${prefix}.outcome`,
      message: `figure ${newer.id} supersedes this one and is ${newer.outcome}: a revised count keeps its outcome` });
  }
  return violations;
}

/** The first mention a live figure restates, directly or through others (itself if none). */
function rootOf(figure: Figure, byId: ReadonlyMap<string, Figure>): Figure {
  const seen = new Set<string>();
  let root = figure;
  for (let up = byId.get(root.restatesId ?? ''); up && !up.retractedAt && !seen.has(up.id); up = byId.get(up.restatesId ?? '')) {
    seen.add(root.id);
    root = up;
  }
  return root;
}

/**
 * The bounds of a set of people as the statistics give them (rule 3 of docs/statistics.md), over
 * every live member: where the members agree (the largest low at most the smallest high) their
 * common ground, else the span of all. Null where no bound is known (then nothing is checked
 * against it, as for a single figure).
 */
export function setBounds(members: readonly Pick<Figure, 'low' | 'high'>[]): { low: number | null; high: number | null; disputed: boolean } {
  const lows = members.map((m) => m.low);
  const highs = members.map((m) => m.high);
  const known = (values: (number | null)[]) => values.filter((v): v is number => v != null);
  const maxLow = Math.max(0, ...known(lows));
  const minHigh = Math.min(Infinity, ...known(highs));
  if (maxLow <= minHigh) {
    return { low: known(lows).length ? maxLow : null, high: known(highs).length ? minHigh : null, disputed: false };
  }
  return {
    low: lows.some((low) => low == null) ? null : Math.min(...known(lows)),
    high: highs.some((high) => high == null) ? null : Math.max(...known(highs)),
    disputed: true,
  };
}

/**
 * The parts of every set `changed` touches (its own, its whole's, and those it or its whole
 * belonged to before) against the set's bounds: their lows together at most its low, none above
 * its high. A figure is never part of its own set: it would count the same people inside themselves.
 */
export function setViolations(changed: Figure, figures: readonly Figure[], prefix: string, before: readonly Figure[]): Violation[] {
  const live = figures.filter((figure) => !figure.retractedAt);
  const byId = new Map(live.map((figure) => [figure.id, figure]));
  const rootIdOf = new Map(live.map((figure) => [figure.id, rootOf(figure, byId).id]));
  const touched = new Set<string>();
  const note = (id: string | null | undefined) => { const root = id ? rootIdOf.get(id) : undefined; if (root) touched.add(root); };
  const old = before.find((figure) => figure.id === changed.id);
  const oldById = new Map(before.filter((figure) => !figure.retractedAt).map((figure) => [figure.id, figure]));
  const oldRoot = old && !old.retractedAt ? rootOf(old, oldById).id : undefined;
  for (const id of [changed.id, changed.partOfId, old?.partOfId]) note(id);
  for (const figure of before) if (oldRoot && !figure.retractedAt && rootOf(figure, oldById).id === oldRoot) note(figure.id);

  const violations: Violation[] = [];
  for (const root of touched) {
    const members = live.filter((figure) => rootIdOf.get(figure.id) === root);
    const memberIds = new Set(members.map((m) => m.id));
    const inside = members.filter((m) => m.partOfId && m.partOfId !== m.id && memberIds.has(m.partOfId));
    for (const m of inside) {
      violations.push({ field: `${prefix}.${m.id === changed.id ? 'partOfId' : 'restatesId'}`,
        message: `figure ${m.id} would be part of figure ${m.partOfId}, a mention of the same people (one set with it): a figure is never part of its own set` });
    }
    const parts = live.filter((figure) => figure.partOfId && memberIds.has(figure.partOfId) && !memberIds.has(figure.id));
    const { low, high, disputed } = members.length === 1 ? { ...members[0], disputed: false } : setBounds(members);
    const whole = members.length === 1 ? `figure ${root}` : `the set of figures ${members.map((m) => m.id).join(', ')} (the same people)`;
    const its = members.length === 1 ? 'its' : `the set's`;
    const why = disputed ? ': their counts contradict, so the set takes the smallest low and the largest high' : '';
    const lows = parts.reduce((sum, part) => sum + (part.low ?? 0), 0);
    if (low != null && lows > low) {
      violations.push({ field: `${prefix}.low`, message: `the parts of ${whole} would add up to at least ${lows}, more than ${its} low of ${low}${why}` });
    }
    const over = high == null ? undefined : parts.find((part) => (part.low ?? 0) > high);
    if (over) violations.push({ field: `${prefix}.low`, message: `figure ${over.id} would exceed the high (${high}) of ${whole} it is part of${why}` });
  }
  return violations;
}

/**
 * The live figures that link to figure `id` (parts of it, restatements, revisions): while there
 * are any, it cannot be retracted, as every link names a live figure.
 */
export function linksTo(id: string, figures: readonly Figure[]): Record<LinkField, Figure[]> {
  const live = figures.filter((figure) => !figure.retractedAt && figure.id !== id);
  return Object.fromEntries(LINKS.map(([field]) => [field, live.filter((figure) => figure[field] === id)])) as Record<LinkField, Figure[]>;
}

type Reviewed = Pick<CasualtyFigureRecord, 'id' | 'partOfId' | 'restatesId' | 'supersedesId' | 'retractedAt'> &
  { reviewStatus?: CasualtyFigureRecord['reviewStatus'] };

/**
 * Review keeps the coding whole (migration 0009): an accepted figure links only to accepted ones,
 * since one awaiting review or rejected is no part of the article's coding and the statistics
 * never read it. `changed` without a review status is an editor's figure, accepted as written.
 */
export function reviewLinkViolations(changed: Reviewed, figures: readonly Reviewed[], prefix: string): Violation[] {
  if ((changed.reviewStatus ?? 'ACCEPTED') !== 'ACCEPTED') return [];
  const byId = new Map(figures.map((figure) => [figure.id, figure]));
  return LINKS.flatMap(([field]) => {
    const target = changed[field] ? byId.get(changed[field]) : undefined;
    return target && target.reviewStatus !== 'ACCEPTED'
      ? [{ field: `${prefix}.${field}`, message: `names figure ${target.id}, which is ${target.reviewStatus?.toLowerCase()}: review it first` }]
      : [];
  });
}

/** The live figures, other than rejected ones, that link to figure `id`: while any does, it cannot be rejected. */
export function unrejectedLinksTo(id: string, figures: readonly Reviewed[]): Reviewed[] {
  return figures.filter((figure) => !figure.retractedAt && figure.id !== id && figure.reviewStatus !== 'REJECTED' &&
    LINKS.some(([field]) => figure[field] === id));
}
