import { figuresOf } from './support/extract';

describe('extraction: places', () => {
  const placeOf = (sentence: string) => ['Pasni', 'Quetta', 'Balochistan'].find((name) => sentence.includes(name)) ?? null;

  it('gives no place without a placeOf', () => {
    expect(figuresOf('In Pasni, a bomb killed two soldiers.')[0].place).toBeNull();
  });

  it('takes the place the sentence names, else the paragraph\'s, else the first the article names', () => {
    const text = [
      'Attacks across Balochistan killed at least 48 people, officials said.',
      'Militants roamed parts of Quetta. A car bomb killed several police officers.',
      'Seventeen soldiers were killed, officials said.',
      'In Pasni, a bomb killed two guards.',
    ].join('\n\n');
    expect(figuresOf(text, { placeOf }).map((f) => f.place)).toEqual(['Balochistan', 'Quetta', 'Balochistan', 'Pasni']);
  });

  it('ignores the dateline, which names where the story was filed', () => {
    const figures = figuresOf('QUETTA, Pakistan — A bomb killed two guards in Balochistan, police said.', { placeOf });
    expect(figures[0].place).toBe('Balochistan');
  });

  it('ignores a dateline with an agency\'s tag ("QUETTA, Pakistan (AP) —")', () => {
    const figures = figuresOf('QUETTA, Pakistan (AP) — A bomb killed two guards in Balochistan, police said.', { placeOf });
    expect(figures[0].place).toBe('Balochistan');
  });

  it('takes the dateline\'s place when the story names no place of its own', () => {
    const text = 'PASNI, Pakistan — A ferry capsized on Sunday, killing 12 people, police said.\n\nDivers recovered four more bodies on Monday.';
    const anyCase = (sentence: string) => placeOf(sentence.replace(/PASNI/g, 'Pasni'));
    expect(figuresOf(text, { placeOf: anyCase }).map((f) => f.place)).toEqual(['Pasni', 'Pasni']);
  });
});
