import { verificationCue } from '../src/ingest/extract/verification';
import { figuresOf } from './support/extract';

describe('extraction: verification cues', () => {
  it.each([
    ['The claim could not be independently verified.', 'UNVERIFIED'],
    ['Independent verification of the figures was not immediately possible.', 'UNVERIFIED'],
    ['Pakistani authorities have not confirmed those claims.', 'UNVERIFIED'],
    ['The group posted no evidence for the claim.', 'UNVERIFIED'],
    ['The ministry dismissed the figure as propaganda.', 'DISPUTED'],
    ['It was a claim the government rejected.', 'DISPUTED'],
    ['The United Nations said it had independently verified the deaths.', 'CONFIRMED'],
    ['A spokesman called the claims lies.', 'DISPUTED'],
    ['Verified footage showed the blast.', null],
    ['The Front has in the past denied attacking civilians.', null],
    ['Neither account could be independently confirmed.', 'UNVERIFIED'],
  ])('reads "%s" as %s', (sentence, verification) => {
    expect(verificationCue(sentence)).toBe(verification);
  });

  it('is REPORTED without a cue', () => {
    expect(figuresOf('Gunmen killed 12 people, police said.')[0].verification).toBe('REPORTED');
  });

  it('applies a cue sentence to the figures of the nearest earlier sentence of its paragraph, and to no later one', () => {
    const figures = figuresOf('The Front said it had killed nine soldiers. The claim could not be independently verified. The army said four soldiers had been killed.');
    expect(figures.map((f) => [f.number, f.verification])).toEqual([[9, 'UNVERIFIED'], [4, 'REPORTED']]);
  });

  it('reaches back over a sentence without figures ("He said the bodies ...")', () => {
    const figures = figuresOf('The minister said troops killed 145 militants. He said the bodies were in custody. Independent verification was not immediately possible.');
    expect(figures[0].verification).toBe('UNVERIFIED');
  });

  it('crosses a paragraph break only when the cue opens its paragraph', () => {
    const opening = figuresOf('The Front said it had killed nine soldiers.\n\nThe claim could not be independently verified.');
    expect(opening[0].verification).toBe('UNVERIFIED');
    const later = figuresOf('The Front said it had killed nine soldiers.\n\nThe army gave no toll. The claim could not be independently verified.');
    expect(later[0].verification).toBe('REPORTED');
  });

  it('disputes the earlier figure a denial answers, and the figure a trailing "a claim X denied" follows', () => {
    const answered = figuresOf('The military said it had killed 62 militants.\n\nThe group dismissed the figure as propaganda, saying only five of its fighters had died.');
    expect(answered.map((f) => [f.number, f.verification])).toEqual([[62, 'DISPUTED'], [5, 'REPORTED']]);
    const trailing = figuresOf('Activists said security forces had killed three protesters, a claim the government rejected.');
    expect(trailing[0].verification).toBe('DISPUTED');
  });

  it('applies a paragraph that speaks of every side ("Neither side\'s figures ...") to every claim said before it', () => {
    const figures = figuresOf([
      'Militants killed at least nine soldiers, officials said.',
      'The army said it had killed 15 of the attackers.',
      'Neither side\'s figures could be independently verified.',
      'A doctor said two civilians were wounded.',
    ].join('\n\n'));
    expect(figures.map((f) => [f.number, f.verification])).toEqual([[9, 'UNVERIFIED'], [15, 'UNVERIFIED'], [2, 'REPORTED']]);
  });

  it('disputes the last count of the outcome a denial of a fact names, and nothing for a denial of an act', () => {
    const captured = figuresOf('The ministry said troops killed dozens of fighters and captured 14 more.\n\nA militia spokesman said the group lost 11 fighters. He denied that any had been captured.');
    expect(captured.map((f) => [f.number ?? f.qualifier, f.verification])).toEqual([['DOZENS', 'REPORTED'], [14, 'DISPUTED'], [11, 'REPORTED']]);
    const act = figuresOf('An air strike killed at least 23 people, the United Nations said. The government denied carrying out any strikes.');
    expect(act[0].verification).toBe('REPORTED');
  });

  it('disputes the count of the people a denial names ("denied that any soldiers had died")', () => {
    const figures = figuresOf('The group said its fighters had killed 17 soldiers.\n\nThe army said eight of the attackers were killed. A military spokesman denied that any soldiers had died.');
    expect(figures.map((f) => [f.number, f.verification])).toEqual([[17, 'DISPUTED'], [8, 'REPORTED']]);
  });

  it('applies a cue naming its source ("The statement could not be verified") to the figures said in that source', () => {
    const figures = figuresOf([
      'The group said in a statement that its fighters had killed 17 soldiers.',
      'The army said three soldiers were wounded.',
      'The statement could not be verified.',
    ].join('\n\n'));
    expect(figures.map((f) => [f.number, f.verification])).toEqual([[17, 'UNVERIFIED'], [3, 'REPORTED']]);
  });
});
