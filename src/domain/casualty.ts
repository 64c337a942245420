import type { CasualtyOutcome, ClaimantType as ClaimantTypeEnum, LocationKind as LocationKindEnum, PopulationGroup,
  Qualifier as QualifierEnum, Verification as VerificationEnum } from '../generated/graphql';
import { valuesOf } from './enum-values';

/**
 * The casualty-figure vocabulary and the one coding table that turns wording into bounds.
 * The values are the GraphQL enum names (schema/), stored as they are: each list is checked by the
 * compiler against the SDL's enum, and the database's CHECK constraints against the SDL by
 * test/vocabulary.test.ts. The order of a list is the domain's (LOCATION_KINDS: widest first).
 */
export const OUTCOMES = valuesOf<CasualtyOutcome>()('KILLED', 'INJURED', 'ABDUCTED', 'DETAINED', 'MISSING');
export const GROUPS = valuesOf<PopulationGroup>()('CIVILIANS', 'SECURITY_FORCES', 'MILITANTS', 'UNSPECIFIED');
export const QUALIFIERS = valuesOf<QualifierEnum>()(
  'EXACT', 'AT_LEAST', 'MORE_THAN', 'NEARLY', 'ABOUT', 'UP_TO',
  'SEVERAL', 'DOZENS', 'SCORES', 'HUNDREDS', 'UNSPECIFIED',
);
export const CLAIMANT_TYPES = valuesOf<ClaimantTypeEnum>()('OFFICIAL', 'ARMED_GROUP', 'INDEPENDENT', 'WITNESS', 'MEDIA', 'UNKNOWN');
export const VERIFICATIONS = valuesOf<VerificationEnum>()('CONFIRMED', 'REPORTED', 'UNVERIFIED', 'DISPUTED');
export const LOCATION_KINDS = valuesOf<LocationKindEnum>()('COUNTRY', 'ADMIN1', 'ADMIN2', 'LOCALITY', 'SITE');

export type Outcome = (typeof OUTCOMES)[number];
export type Group = (typeof GROUPS)[number];
export type Qualifier = (typeof QUALIFIERS)[number];
export type ClaimantType = (typeof CLAIMANT_TYPES)[number];
export type Verification = (typeof VERIFICATIONS)[number];
export type LocationKind = (typeof LOCATION_KINDS)[number];

export interface Bounds {
  low: number | null;
  best: number | null;
  high: number | null;
}

interface Coding {
  /** Whether the wording carries a number ("at least 31") or implies one ("dozens"). */
  needsNumber: boolean;
  bounds(n: number): Bounds;
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
  EXACT:       { needsNumber: true,  bounds: (n) => ({ low: n, best: n, high: n }), rule: '"145 militants" → n / n / n' },
  AT_LEAST:    { needsNumber: true,  bounds: (n) => ({ low: n, best: n, high: null }), rule: '"at least 31" → n / n / –' },
  MORE_THAN:   { needsNumber: true,  bounds: (n) => ({ low: n + 1, best: null, high: null }), rule: '"more than 10" → n+1 / – / –' },
  NEARLY:      { needsNumber: true,  bounds: (n) => ({ low: null, best: n, high: n - 1 }), rule: '"nearly 30" → – / n / n−1 (best is the number said, just above the bound)' },
  ABOUT:       { needsNumber: true,  bounds: (n) => ({ low: null, best: n, high: null }), rule: '"about 30" → – / n / – (no hard bound either way)' },
  UP_TO:       { needsNumber: true,  bounds: (n) => ({ low: null, best: null, high: n }), rule: '"up to 30" → – / – / n' },
  SEVERAL:     { needsNumber: false, bounds: () => ({ low: 3, best: null, high: null }), rule: '"several" → 3 / – / –' },
  DOZENS:      { needsNumber: false, bounds: () => ({ low: 24, best: null, high: null }), rule: '"dozens" → 24 / – / –' },
  SCORES:      { needsNumber: false, bounds: () => ({ low: 40, best: null, high: null }), rule: '"scores" → 40 / – / –' },
  HUNDREDS:    { needsNumber: false, bounds: () => ({ low: 200, best: null, high: null }), rule: '"hundreds" → 200 / – / –' },
  UNSPECIFIED: { needsNumber: false, bounds: () => ({ low: null, best: null, high: null }), rule: '"took hostages" → – / – / –' },
};

/**
 * The bounds that `qualifier` gives to the number said (`n`, ignored by qualifiers without one).
 * Throws a RangeError when a qualifier that needs a number gets none, or a negative one.
 */
export function boundsFor(qualifier: Qualifier, n?: number | null): Bounds {
  const coding = CODING[qualifier];
  if (!coding.needsNumber) return coding.bounds(0);
  if (n === undefined || n === null || !Number.isInteger(n) || n < 0) {
    throw new RangeError(`qualifier ${qualifier} needs a whole number of at least 0, got ${n}`);
  }
  return coding.bounds(n);
}
