import { type Bounds, CODING, type Qualifier, boundsFor } from '../src/domain/casualty';
import { documentWithHeading, tableUnder } from './support/markdown';
import { sdlEnums } from './support/sdl';

/** Where the documentation prints the coding table (README.md or a file of docs/). */
const HEADING = 'The qualifier coding table';

/** The documented table: qualifier → rule, as printed. */
function documentedRules(): Map<string, string> {
  return new Map(tableUnder(documentWithHeading(HEADING), HEADING).map(([qualifier, rule]) => [qualifier.replace(/`/g, ''), rule]));
}

/**
 * What a printed rule says: the number in its example wording (none for "several"), and the bounds
 * it gives that number, read from `low / best / high` where – is null and n is the number said
 * (`"at least 31" → n / n / –` says 31 gives { low: 31, best: 31, high: null }).
 */
function readRule(rule: string): { n: number | undefined; bounds: Bounds } {
  const parsed = /^"([^"]*)" → (\S+) \/ (\S+) \/ (\S+)/.exec(rule);
  if (!parsed) throw new Error(`a rule that does not read "wording" → low / best / high: ${rule}`);
  const said = /\d+/.exec(parsed[1]);
  const n = said ? Number(said[0]) : undefined;
  const term = (text: string): number | null => {
    if (text === '–') return null;
    const formula = /^n(?:([+−])(\d+))?$/.exec(text);
    if (!formula) return Number(text);
    if (n === undefined) throw new Error(`${rule}: n, but the wording says no number`);
    return formula[1] === '+' ? n + Number(formula[2]) : formula[1] === '−' ? n - Number(formula[2]) : n;
  };
  return { n, bounds: { low: term(parsed[2]), best: term(parsed[3]), high: term(parsed[4]) } };
}

describe('the qualifier coding table', () => {
  it.each([
    ['EXACT', 145, { low: 145, best: 145, high: 145 }],
    ['AT_LEAST', 31, { low: 31, best: 31, high: null }],
    ['MORE_THAN', 10, { low: 11, best: null, high: null }],
    ['NEARLY', 30, { low: null, best: 30, high: 29 }],
    ['ABOUT', 30, { low: null, best: 30, high: null }],
    ['UP_TO', 30, { low: null, best: null, high: 30 }],
    ['SEVERAL', undefined, { low: 3, best: null, high: null }],
    ['DOZENS', undefined, { low: 24, best: null, high: null }],
    ['SCORES', undefined, { low: 40, best: null, high: null }],
    ['HUNDREDS', undefined, { low: 200, best: null, high: null }],
    ['UNSPECIFIED', undefined, { low: null, best: null, high: null }],
  ] as const)('codes %s %s as DOMAIN.md says', (qualifier, n, bounds) => {
    expect(boundsFor(qualifier, n)).toEqual(bounds);
  });

  it('refuses a missing or negative number where the wording needs one', () => {
    expect(() => boundsFor('AT_LEAST')).toThrow(/AT_LEAST needs the number as a whole number/);
    expect(() => boundsFor('EXACT', -1)).toThrow(RangeError);
  });

  it('has a row for every qualifier of the SDL, in the documentation and in the code', () => {
    const qualifiers = [...sdlEnums().get('Qualifier') ?? []].sort();
    expect(qualifiers).not.toEqual([]);
    expect([...documentedRules().keys()].sort()).toEqual(qualifiers);
    expect(Object.keys(CODING).sort()).toEqual(qualifiers);
  });

  it('prints each rule as the code states it', () => {
    const printed = Object.fromEntries(documentedRules());
    expect(printed).toEqual(Object.fromEntries(Object.entries(CODING).map(([qualifier, coding]) => [qualifier, coding.rule])));
  });

  it('gives the bounds each printed rule says, for the number in its example', () => {
    for (const [qualifier, rule] of documentedRules()) {
      const { n, bounds } = readRule(rule);
      expect({ qualifier, bounds: boundsFor(qualifier as Qualifier, n) }).toEqual({ qualifier, bounds });
    }
  });
});
