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

type Figure = Pick<CasualtyFigureRecord, 'id' | 'articleId' | 'partOfId' | 'low' | 'high' | 'retractedAt'>;

/**
 * Checks the nesting of one article's figures after `changed` was written: a figure is part of a
 * live figure of the same article, never (through others) of itself, and the parts of a whole never
 * exceed it — their lows together at most the whole's low, none above its high. `figures` are all
 * the article's figures in their new state.
 */
export function nestingViolations(changed: Figure, figures: readonly Figure[], prefix: string): Violation[] {
  const byId = new Map(figures.map((figure) => [figure.id, figure]));
  const violations: Violation[] = [];
  if (changed.partOfId) {
    const whole = byId.get(changed.partOfId);
    if (!whole) return [{ field: `${prefix}.partOfId`, message: 'must be a figure of the same article' }];
    if (whole.retractedAt) violations.push({ field: `${prefix}.partOfId`, message: 'must not be a retracted figure' });
    const seen = new Set([changed.id]);
    for (let up: Figure | undefined = whole; up; up = up.partOfId ? byId.get(up.partOfId) : undefined) {
      if (seen.has(up.id)) {
        violations.push({ field: `${prefix}.partOfId`, message: 'would make the figure part of itself' });
        break;
      }
      seen.add(up.id);
    }
  }
  const wholes = [changed.partOfId ? byId.get(changed.partOfId) : undefined, changed].filter((w): w is Figure => !!w);
  for (const whole of wholes) {
    const parts = figures.filter((figure) => figure.partOfId === whole.id && !figure.retractedAt);
    const lows = parts.reduce((sum, part) => sum + (part.low ?? 0), 0);
    if (whole.low != null && lows > whole.low) {
      violations.push({ field: `${prefix}.low`, message: `the parts of figure ${whole.id} would add up to at least ${lows}, more than its low of ${whole.low}` });
    }
    const over = whole.high == null ? undefined : parts.find((part) => (part.low ?? 0) > whole.high!);
    if (over) violations.push({ field: `${prefix}.low`, message: `figure ${over.id} would exceed the high (${whole.high}) of figure ${whole.id} it is part of` });
  }
  return violations;
}
