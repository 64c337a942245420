import { CODING, QUALIFIERS, boundsFor } from '../src/domain/casualty';

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

  it('covers every qualifier of the schema', () => {
    expect(Object.keys(CODING).sort()).toEqual([...QUALIFIERS].sort());
  });

  it('refuses a missing or negative number where the wording needs one', () => {
    expect(() => boundsFor('AT_LEAST')).toThrow(/AT_LEAST needs a whole number/);
    expect(() => boundsFor('EXACT', -1)).toThrow(RangeError);
  });

  it('is what docs/domain.md prints', () => {
    const domain = require('node:fs').readFileSync(require('node:path').join(__dirname, '..', 'docs', 'domain.md'), 'utf8');
    for (const [qualifier, coding] of Object.entries(CODING)) {
      expect(domain).toContain(`| \`${qualifier}\` | ${coding.rule} |`);
    }
  });
});
