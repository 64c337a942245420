import { boundsFor } from '../src/domain/casualty';
import { findCounts, numberValue } from '../src/ingest/extract/numbers';
import { figureWith, figuresOf } from './support/extract';

describe('extraction: numbers and qualifiers', () => {
  it('reads digits with thousands separators and number words', () => {
    expect(numberValue('1,200')).toBe(1200);
    expect(numberValue('twenty-three')).toBe(23);
    expect(numberValue('Nineteen')).toBe(19);
    expect(numberValue('forty')).toBe(40);
    expect(numberValue('several')).toBeNull();
  });

  it.each([
    ['killing at least 31 people', 'AT_LEAST', 31, undefined],
    ['killing more than 10 people', 'MORE_THAN', 10, undefined],
    ['killing over 10 people', 'MORE_THAN', 10, undefined],
    ['killing nearly 30 people', 'NEARLY', 30, undefined],
    ['killing almost 30 people', 'NEARLY', 30, undefined],
    ['killing about 30 people', 'ABOUT', 30, undefined],
    ['killing some 30 people', 'ABOUT', 30, undefined],
    ['killing up to 30 people', 'UP_TO', 30, undefined],
    ['killing as many as 30 people', 'UP_TO', 30, undefined],
    ['killing between 400 and 500 people', 'BETWEEN', 400, 500],
    ['killing 50 to 60 people', 'BETWEEN', 50, 60],
    ['killing several people', 'SEVERAL', undefined, undefined],
    ['killing dozens of people', 'DOZENS', undefined, undefined],
    ['killing scores of people', 'SCORES', undefined, undefined],
    ['killing hundreds of people', 'HUNDREDS', undefined, undefined],
    ['killing thousands of people', 'THOUSANDS', undefined, undefined],
    ['killing a dozen people', 'ABOUT', 12, undefined],
    ['killing more than a dozen people', 'MORE_THAN', 12, undefined],
    ['killing nine people', 'EXACT', 9, undefined],
    ['killing a soldier', 'EXACT', 1, undefined],
  ])('codes "%s" as %s %s', (words, qualifier, number, numberHigh) => {
    const [figure] = figuresOf(`Gunmen attacked the town on Monday, ${words}, police said.`);
    expect({ qualifier: figure.qualifier, number: figure.number, numberHigh: figure.numberHigh }).toEqual({ qualifier, number, numberHigh });
    expect(() => boundsFor(figure.qualifier, figure.number, figure.numberHigh)).not.toThrow();
  });

  it('gives a coordinated count the qualifier said before the first ("at least 31 civilians and 17 soldiers")', () => {
    const figures = figuresOf('At least 31 civilians and 17 soldiers were killed, officials said.');
    expect(figureWith(figures, '17 soldiers').qualifier).toBe('AT_LEAST');
    expect(figureWith(figures, '31 civilians').qualifier).toBe('AT_LEAST');
  });

  it('takes no year, magnitude, duration or hyphenated measure for a count', () => {
    expect(findCounts('magnitude 7.1').map((c) => c.number)).toEqual([]);
    expect(findCounts('in 2009')).toEqual([]);
    expect(figuresOf('A magnitude 7.1 earthquake killed 5 people.').map((f) => f.number)).toEqual([5]);
    expect(figuresOf('Troops fought for a 40-hour period in 2019 and killed 12 militants.').map((f) => f.number)).toEqual([12]);
  });

  it('counts one person for "their", "his" or "its" before a singular people noun that something befell, as for "a"', () => {
    const figures = figuresOf('Gunmen kidnapped three foreign engineers and their local driver, police said.');
    expect(figures.map((f) => [f.number, f.outcome, f.group])).toEqual([[3, 'ABDUCTED', 'CIVILIANS'], [1, 'ABDUCTED', 'CIVILIANS']]);
    expect(figuresOf('Their families said the men were unharmed.')).toEqual([]);
    expect(figuresOf('Twelve villagers lost their lives.').map((f) => [f.number, f.outcome])).toEqual([[12, 'KILLED']]);
    expect(figuresOf('The missile struck the patrol boat, killing its crew.')).toEqual([]);
  });

  it('counts one person for "the" before a singular people noun only when something befell them', () => {
    expect(figuresOf('Police said the driver, who survived, had been arrested.').map((f) => [f.number, f.outcome, f.group]))
      .toEqual([[1, 'DETAINED', 'CIVILIANS']]);
    expect(figuresOf('A soldier was killed in the blast. The soldier was buried on Monday.').map((f) => f.number)).toEqual([1]);
  });
});
