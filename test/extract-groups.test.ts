import { groupOf } from '../src/ingest/extract/groups';
import { figureWith, figuresOf } from './support/extract';

describe('extraction: group and who', () => {
  it.each([
    ['civilians', 'CIVILIANS'], ['children', 'CIVILIANS'], ['women', 'CIVILIANS'], ['journalists', 'CIVILIANS'],
    ['inmates', 'CIVILIANS'], ['worshippers', 'CIVILIANS'], ['passengers', 'CIVILIANS'],
    ['soldiers', 'SECURITY_FORCES'], ['police officers', 'SECURITY_FORCES'], ['policemen', 'SECURITY_FORCES'],
    ['members of the security forces', 'SECURITY_FORCES'], ['maritime security official', 'SECURITY_FORCES'], ['guards', 'SECURITY_FORCES'],
    ['militants', 'MILITANTS'], ['insurgents', 'MILITANTS'], ['attackers', 'MILITANTS'], ['gunmen', 'MILITANTS'], ['fighters', 'MILITANTS'],
    ['people', 'UNSPECIFIED'], ['others', 'UNSPECIFIED'],
  ])('puts %s in %s', (who, group) => {
    expect(groupOf(who)).toBe(group);
  });

  it('keeps the text\'s own words for the people in `who`', () => {
    const figures = figuresOf('Militants killed one maritime security official and 17 members of the security forces.');
    expect(figureWith(figures, 'maritime').who).toBe('maritime security official');
    expect(figureWith(figures, '17 members').who).toBe('members of the security forces');
  });

  it('reads "dozens of security personnel" and "35 wounded soldiers" as counts of those people', () => {
    expect(figuresOf('The group said it killed dozens of security personnel.')[0]).toMatchObject({ group: 'SECURITY_FORCES', who: 'security personnel' });
    expect(figuresOf('As many as 35 wounded soldiers were brought to hospital.')[0]).toMatchObject({ group: 'SECURITY_FORCES', outcome: 'INJURED' });
  });

  it('gives "others" in a later sentence the people of the last whole count', () => {
    const figures = figuresOf('Nine villagers, including a pregnant woman, were killed, a community leader said. Several others were abducted, he said.');
    expect(figureWith(figures, 'Several others')).toMatchObject({ group: 'CIVILIANS', outcome: 'ABDUCTED' });
  });

  it('gives "others" and a bare count the people of the count before them in the sentence', () => {
    const figures = figuresOf('Twenty-three migrants drowned and nine others remain missing. Six soldiers were killed and 14 wounded.');
    expect(figureWith(figures, 'nine others')).toMatchObject({ group: 'CIVILIANS', outcome: 'MISSING' });
    expect(figureWith(figures, '14 wounded')).toMatchObject({ group: 'SECURITY_FORCES', outcome: 'INJURED' });
  });
});
