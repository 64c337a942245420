import { type Bounds, CODING, type Qualifier, boundsFor } from '../src/domain/casualty';
import { documentWithHeading, tableUnder } from './support/markdown';
import { sdlEnums } from './support/sdl';

/** Where the documentation prints the coding table (README.md or a file of docs/). */
const HEADING = 'The qualifier coding table';

/** The README's own copy of the table, for readers of its first pages. */
const README_HEADING = 'How the wording bounds a count';

/** The documented table: qualifier → rule, as printed. */
function documentedRules(): Map<string, string> {
  return new Map(tableUnder(documentWithHeading(HEADING), HEADING).map(([qualifier, rule]) => [qualifier.replace(/`/g, ''), rule]));
}

/**
 * What a printed rule says: the numbers in its example wording (none for "several", two for
 * "between 400 and 500"), and the bounds it gives them, read from `low / best / high` where – is
 * null, n is the number said and m the second (`"at least 31" → n / n / –` says 31 gives
 * { low: 31, best: 31, high: null }).
 */
function readRule(rule: string): { n: number | undefined; m: number | undefined; bounds: Bounds } {
  const parsed = /^"([^"]*)" → (\S+) \/ (\S+) \/ (\S+)/.exec(rule);
  if (!parsed) throw new Error(`a rule that does not read "wording" → low / best / high: ${rule}`);
  const [n, m] = [...parsed[1].matchAll(/\d+/g)].map((said) => Number(said[0]));
  const term = (text: string): number | null => {
    if (text === '–') return null;
    if (text === 'm') {
      if (m === undefined) throw new Error(`${rule}: m, but the wording says no second number`);
      return m;
    }
    const formula = /^n(?:([+−])(\d+))?$/.exec(text);
    if (!formula) return Number(text);
    if (n === undefined) throw new Error(`${rule}: n, but the wording says no number`);
    return formula[1] === '+' ? n + Number(formula[2]) : formula[1] === '−' ? n - Number(formula[2]) : n;
  };
  return { n, m, bounds: { low: term(parsed[2]), best: term(parsed[3]), high: term(parsed[4]) } };
}

describe('the qualifier coding table', () => {
  it.each([
    ['EXACT', 145, { low: 145, best: 145, high: 145 }],
    ['AT_LEAST', 31, { low: 31, best: 31, high: null }],
    ['MORE_THAN', 10, { low: 11, best: null, high: null }],
    ['NEARLY', 30, { low: null, best: 30, high: 29 }],
    ['ABOUT', 30, { low: null, best: 30, high: null }],
    ['UP_TO', 30, { low: null, best: null, high: 30 }],
    ['BETWEEN', [400, 500], { low: 400, best: null, high: 500 }],
    ['SEVERAL', undefined, { low: 3, best: null, high: null }],
    ['DOZENS', undefined, { low: 24, best: null, high: null }],
    ['SCORES', undefined, { low: 40, best: null, high: null }],
    ['HUNDREDS', undefined, { low: 200, best: null, high: null }],
    ['THOUSANDS', undefined, { low: 2000, best: null, high: null }],
    ['UNSPECIFIED', undefined, { low: null, best: null, high: null }],
  ] as const)('codes %s %s as docs/domain.md says', (qualifier, said, bounds) => {
    const [n, m] = Array.isArray(said) ? said : [said];
    expect(boundsFor(qualifier, n, m)).toEqual(bounds);
  });

  it('refuses a missing or negative number where the wording needs one', () => {
    expect(() => boundsFor('AT_LEAST')).toThrow(/AT_LEAST needs the number as a whole number/);
    expect(() => boundsFor('EXACT', -1)).toThrow(RangeError);
    expect(() => boundsFor('BETWEEN', 400)).toThrow(/BETWEEN needs a second number/);
    expect(() => boundsFor('BETWEEN', 500, 400)).toThrow(/below the first/);
  });

  it('has a row for every qualifier of the SDL, in the documentation and in the code', () => {
    const qualifiers = [...sdlEnums().get('Qualifier') ?? []].sort();
    expect(qualifiers).not.toEqual([]);
    expect([...documentedRules().keys()].sort()).toEqual(qualifiers);
    expect(Object.keys(CODING).sort()).toEqual(qualifiers);
  });

  it("prints the same rules in the README's table as the code states", () => {
    const readme = Object.fromEntries(tableUnder('README.md', README_HEADING).map(([qualifier, rule]) => [qualifier.replace(/`/g, ''), rule]));
    expect(readme).toEqual(Object.fromEntries(Object.entries(CODING).map(([qualifier, coding]) => [qualifier, coding.rule])));
  });

  it('prints each rule as the code states it', () => {
    const printed = Object.fromEntries(documentedRules());
    expect(printed).toEqual(Object.fromEntries(Object.entries(CODING).map(([qualifier, coding]) => [qualifier, coding.rule])));
  });

  it('gives the bounds each printed rule says, for the number in its example', () => {
    for (const [qualifier, rule] of documentedRules()) {
      const { n, m, bounds } = readRule(rule);
      expect({ qualifier, bounds: boundsFor(qualifier as Qualifier, n, m) }).toEqual({ qualifier, bounds });
    }
  });
});
