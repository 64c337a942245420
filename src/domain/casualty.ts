import type { CasualtyOutcome, ClaimantType as ClaimantTypeEnum, LocationKind as LocationKindEnum, PopulationGroup,
  Qualifier as QualifierEnum, Verification as VerificationEnum } from '../generated/graphql';
import { valuesOf } from './enum-values';

/**
 * The casualty-figure vocabulary and the one coding table that turns wording into bounds.
 * The values are the GraphQL enum names (schema/), stored as they are: each list is checked by the
 * compiler against the SDL's enum, and the database's CHECK constraints against the SDL by
 * test/vocabulary.test.ts. The order of a list is the domain's (LOCATION_KINDS: widest first).
 */
export const OUTCOMES = valuesOf<CasualtyOutcome>()('KILLED', 'INJURED', 'KILLED_OR_INJURED', 'ABDUCTED', 'DETAINED', 'MISSING');
export const GROUPS = valuesOf<PopulationGroup>()('CIVILIANS', 'SECURITY_FORCES', 'MILITANTS', 'UNSPECIFIED');
export const QUALIFIERS = valuesOf<QualifierEnum>()(
  'EXACT', 'AT_LEAST', 'MORE_THAN', 'NEARLY', 'ABOUT', 'UP_TO', 'BETWEEN',
  'SEVERAL', 'DOZENS', 'SCORES', 'HUNDREDS', 'THOUSANDS', 'UNSPECIFIED',
);
export const CLAIMANT_TYPES = valuesOf<ClaimantTypeEnum>()('OFFICIAL', 'ARMED_GROUP', 'INDEPENDENT', 'WITNESS', 'MEDIA', 'MEDICAL', 'UNKNOWN');
export const VERIFICATIONS = valuesOf<VerificationEnum>()('CONFIRMED', 'REPORTED', 'UNVERIFIED', 'DISPUTED');
export const LOCATION_KINDS = valuesOf<LocationKindEnum>()('COUNTRY', 'ADMIN1', 'ADMIN2', 'LOCALITY', 'SITE');

export type Outcome = (typeof OUTCOMES)[number];
export type Group = (typeof GROUPS)[number];
export type Qualifier = (typeof QUALIFIERS)[number];
export type ClaimantType = (typeof CLAIMANT_TYPES)[number];
export type Verification = (typeof VERIFICATIONS)[number];
export type LocationKind = (typeof LOCATION_KINDS)[number];

/** The verifications statistics count when a question names none. */
export const DEFAULT_VERIFICATIONS: readonly Verification[] = ['CONFIRMED', 'REPORTED'];

export interface Bounds {
  low: number | null;
  best: number | null;
  high: number | null;
}

interface Coding {
  /**
   * How many numbers the wording carries: one ("at least 31"), two ("between 400 and 500": `n` and
   * `m`), or none (it implies one: "dozens").
   */
  numbers: 0 | 1 | 2;
  bounds(n: number, m: number): Bounds;
  /** How docs/domain.md states the rule. */
  rule: string;
}

/**
 * The coding table: how each qualifier's wording bounds the count. `low` is the smallest number the
 * words allow, `high` the largest (null when unbounded), `best` the number given when there is one.
 * The documentation prints this table under the heading "The qualifier coding table";
 * test/coding-table.test.ts fails when a row differs, or gives bounds its rule does not say.
 */
export const CODING: Record<Qualifier, Coding> = {
  EXACT:       { numbers: 1, bounds: (n) => ({ low: n, best: n, high: n }), rule: '"145 militants" → n / n / n' },
  AT_LEAST:    { numbers: 1, bounds: (n) => ({ low: n, best: n, high: null }), rule: '"at least 31" → n / n / –' },
  MORE_THAN:   { numbers: 1, bounds: (n) => ({ low: n + 1, best: null, high: null }), rule: '"more than 10" → n+1 / – / –' },
  NEARLY:      { numbers: 1, bounds: (n) => ({ low: null, best: n, high: n - 1 }), rule: '"nearly 30" → – / n / n−1 (best is the number said, just above the bound)' },
  ABOUT:       { numbers: 1, bounds: (n) => ({ low: null, best: n, high: null }), rule: '"about 30" → – / n / – (no hard bound either way)' },
  UP_TO:       { numbers: 1, bounds: (n) => ({ low: null, best: null, high: n }), rule: '"up to 30" → – / – / n' },
  BETWEEN:     { numbers: 2, bounds: (n, m) => ({ low: n, best: null, high: m }), rule: '"between 400 and 500" → n / – / m (two numbers said)' },
  SEVERAL:     { numbers: 0, bounds: () => ({ low: 3, best: null, high: null }), rule: '"several" → 3 / – / –' },
  DOZENS:      { numbers: 0, bounds: () => ({ low: 24, best: null, high: null }), rule: '"dozens" → 24 / – / –' },
  SCORES:      { numbers: 0, bounds: () => ({ low: 40, best: null, high: null }), rule: '"scores" → 40 / – / –' },
  HUNDREDS:    { numbers: 0, bounds: () => ({ low: 200, best: null, high: null }), rule: '"hundreds" → 200 / – / –' },
  THOUSANDS:   { numbers: 0, bounds: () => ({ low: 2000, best: null, high: null }), rule: '"thousands" → 2000 / – / –' },
  UNSPECIFIED: { numbers: 0, bounds: () => ({ low: null, best: null, high: null }), rule: '"took hostages" → – / – / –' },
};

/**
 * The bounds that `qualifier` gives to the numbers said (`n`, and `m` for BETWEEN; ignored by
 * qualifiers without them). Throws a RangeError when a number the wording needs is missing or
 * negative, or BETWEEN's second number is below its first.
 */
export function boundsFor(qualifier: Qualifier, n?: number | null, m?: number | null): Bounds {
  const coding = CODING[qualifier];
  const whole = (value: number | null | undefined, name: string): number => {
    if (value === undefined || value === null || !Number.isInteger(value) || value < 0) {
      throw new RangeError(`qualifier ${qualifier} needs ${name} as a whole number of at least 0, got ${value}`);
    }
    return value;
  };
  if (coding.numbers === 0) return coding.bounds(0, 0);
  const first = whole(n, 'the number');
  if (coding.numbers === 1) return coding.bounds(first, 0);
  const second = whole(m, 'a second number');
  if (second < first) throw new RangeError(`qualifier ${qualifier}: the second number (${second}) is below the first (${first})`);
  return coding.bounds(first, second);
}
