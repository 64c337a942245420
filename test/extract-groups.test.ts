import { groupOf } from '../src/ingest/extract/groups';
import { figureWith, figuresOf } from './support/extract';

describe('extraction: group and who', () => {
  it.each([
    ['civilians', 'CIVILIANS'], ['children', 'CIVILIANS'], ['women', 'CIVILIANS'], ['journalists', 'CIVILIANS'],
    ['inmates', 'CIVILIANS'], ['worshippers', 'CIVILIANS'], ['passengers', 'CIVILIANS'],
    ['soldiers', 'SECURITY_FORCES'], ['police officers', 'SECURITY_FORCES'], ['policemen', 'SECURITY_FORCES'],
    ['members of the security forces', 'SECURITY_FORCES'], ['maritime security official', 'SECURITY_FORCES'], ['guards', 'SECURITY_FORCES'],
    ['militants', 'MILITANTS'], ['insurgents', 'MILITANTS'], ['attackers', 'MILITANTS'], ['gunmen', 'MILITANTS'], ['fighters', 'MILITANTS'],
    ['people', 'UNSPECIFIED'], ['others', 'UNSPECIFIED'], ['suspects', 'UNSPECIFIED'],
    ['local chief', 'CIVILIANS'], ['police chief', 'SECURITY_FORCES'], ['surgeon', 'CIVILIANS'],
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

  it('gives people the group the text says most of them belong to ("40 people, most of them women and children")', () => {
    expect(figuresOf('Gunmen abducted about 40 people, most of them women and children, residents said.')[0]).toMatchObject({ group: 'CIVILIANS', outcome: 'ABDUCTED' });
  });

  it('gives the men a side lost to that side ("the army ... losing 12 men", "put its losses at two dead")', () => {
    expect(figuresOf('A spokesman said the army had withdrawn in good order, losing 12 men.')[0].group).toBe('SECURITY_FORCES');
    expect(figuresOf('The ministry said its own forces had lost four men.')[0].group).toBe('SECURITY_FORCES');
    expect(figuresOf('Estmark\'s army put its losses at two dead.')[0].group).toBe('SECURITY_FORCES');
  });

  it('counts "N of them" and "N of the wounded" as a part of the people counted just before, in their group unless a predicate names another', () => {
    const treated = figuresOf('Three miners died and nearly 20 were taken to hospital. The hospital said it was treating nine of them.');
    expect(figureWith(treated, 'nine of them')).toMatchObject({ group: 'CIVILIANS', outcome: 'INJURED', partOf: figureWith(treated, 'nearly 20').key });
    const children = figuresOf('Rescuers pulled 18 bodies from the mud, the mayor said. Twelve of the dead were children, she said.');
    expect(figureWith(children, 'Twelve of the dead')).toMatchObject({ group: 'CIVILIANS', outcome: 'KILLED', partOf: figureWith(children, '18 bodies').key });
    expect(figuresOf('Fourteen passengers were injured, three of them critically.')).toHaveLength(1);
  });

  it('reads a people noun phrase to its last people word ("a coast guard officer told Reuters" is a speaker, not a count)', () => {
    const figures = figuresOf('The dead included four women and a baby, a coast guard officer told Reuters.');
    expect(figures.map((f) => [f.number, f.who])).toEqual([[4, 'women'], [1, 'baby']]);
  });

  it('gives a bare count after "and" the people named before it, even when they were no casualty ("Some 40 miners fled, and at least six were missing")', () => {
    expect(figuresOf('Some 40 miners fled into the bush, and at least six were missing, the official said.')).toEqual([
      expect.objectContaining({ number: 6, outcome: 'MISSING', group: 'CIVILIANS' }),
    ]);
  });

  it('counts one person for "a" before any singular people noun, and members of parliament as civilians', () => {
    const figures = figuresOf('Police detained nearly 80 people, including six members of parliament and a photographer for a local newspaper.');
    expect(figures.map((f) => [f.number, f.group])).toEqual([[80, 'UNSPECIFIED'], [6, 'CIVILIANS'], [1, 'CIVILIANS']]);
  });

  it('reads "Two civilians, a shepherd and his son, were wounded" as one count, not an appositive\'s', () => {
    expect(figuresOf('Two civilians, a shepherd and his son, were wounded by stray bullets.').map((f) => f.number)).toEqual([2]);
  });

  it('counts "four of the dead were members of one family" as a part in the group its predicate names, of the toll rather than the bodies found', () => {
    const figures = figuresOf('A landslide killed at least 14 people, the agency said.\n\nRescuers had recovered nine bodies. The governor said four of the dead were members of one family.');
    expect(figureWith(figures, 'four of the dead')).toMatchObject({ group: 'CIVILIANS', partOf: figures[0].key });
  });

  it('gives people "described as" members of an armed group that group, and a toll that includes them no single group', () => {
    const figures = figuresOf('Eight civilians were killed, officials said.\n\nA tally by a monitoring group put the death toll at 11, including two men it described as local commanders of an armed group.');
    expect(figureWith(figures, 'two men').group).toBe('MILITANTS');
    expect(figureWith(figures, 'toll at 11').group).toBe('UNSPECIFIED');
  });

  it('gives "41 deaths" the people of the toll it restates', () => {
    const figures = figuresOf('At least 36 pilgrims died in the stampede, police said.\n\nState broadcaster VTV reported 41 deaths.');
    expect(figureWith(figures, '41 deaths')).toMatchObject({ group: 'CIVILIANS', restates: figures[0].key });
  });

  it('reads "12 people, nine of them civilians" as a part in that group, and "23 of the dead belonged to the Ghadra Brigade" likewise', () => {
    const civilians = figuresOf('A car bomb exploded, killing 12 people, nine of them civilians, police said.');
    expect(civilians.map((f) => [f.number, f.group, f.partOf ?? null])).toEqual([[12, 'UNSPECIFIED', null], [9, 'CIVILIANS', civilians[0].key]]);
    const brigade = figuresOf('At least 70 fighters have been killed, a medical source said. The source said 23 of the dead belonged to the Ghadra Brigade.');
    expect(figureWith(brigade, '23 of the dead')).toMatchObject({ group: 'MILITANTS', partOf: brigade[0].key });
  });

  it('reads engineers as civilians and "two missing children" as missing', () => {
    expect(figuresOf('Gunmen kidnapped three foreign engineers, police said.')[0].group).toBe('CIVILIANS');
    expect(figuresOf('Rescuers were still searching for two missing children.')[0]).toMatchObject({ outcome: 'MISSING', group: 'CIVILIANS' });
  });

  it('reads an age as a modifier ("A 17-year-old boy died") and "the 120 arrests" as a count of the detained', () => {
    expect(figuresOf('A 17-year-old boy died in hospital, his family said.')[0]).toMatchObject({ number: 1, outcome: 'KILLED', group: 'CIVILIANS', claimantType: 'WITNESS' });
    expect(figuresOf('Organisers reported 120 arrests.')[0]).toMatchObject({ number: 120, outcome: 'DETAINED' });
  });

  it('reads a ship\'s crew, seafarers, staff and hostages as civilians, but "took 20 people hostage" as people', () => {
    const crew = figuresOf('Pirates kidnapped 12 of its 19 crew members, the owner said. One crew member was wounded. Last year 84 seafarers were abducted.');
    expect(crew.map((f) => [f.number, f.group])).toEqual([[12, 'CIVILIANS'], [1, 'CIVILIANS'], [84, 'CIVILIANS']]);
    expect(figuresOf('Gunmen seized two staff members, a teacher said.')[0].group).toBe('CIVILIANS');
    expect(figuresOf('One hostage, an engineer, died in hospital.')[0]).toMatchObject({ number: 1, outcome: 'KILLED', group: 'CIVILIANS' });
    expect(figuresOf('Gunmen took more than 20 people hostage, police said.')[0]).toMatchObject({ outcome: 'ABDUCTED', group: 'UNSPECIFIED' });
  });

  it('gives "N of them" that is part of no figure the group of the people named last, not of a speaker', () => {
    const train = figuresOf('Militants derailed a passenger train carrying about 400 people, killing at least 21 of them, officials said.');
    expect(figureWith(train, 'at least 21')).toMatchObject({ outcome: 'KILLED', group: 'CIVILIANS' });
    const mine = figuresOf('Of the 130 miners underground, 108 reached the surface. The company said 10 of them were treated for smoke inhalation.');
    expect(figureWith(mine, '10 of them')).toMatchObject({ outcome: 'INJURED', group: 'CIVILIANS' });
    const speaker = figuresOf('The soldiers said the bus carried about 40 people. Gunmen killed 12 of them.');
    expect(figureWith(speaker, '12').group).toBe('UNSPECIFIED');
  });

  it('gives people the group most of them belong to after a short verb ("29 people have died, most of them elderly")', () => {
    expect(figuresOf('In the capital, 29 people have died, most of them elderly, officials said.')[0]).toMatchObject({ outcome: 'KILLED', group: 'CIVILIANS' });
    expect(figuresOf('Forty people were killed, most of them soldiers.')[0].group).toBe('SECURITY_FORCES');
  });
});
