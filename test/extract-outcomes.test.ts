import { figureWith, figuresOf } from './support/extract';

describe('extraction: outcomes', () => {
  it.each([
    ['Gunmen killed 12 villagers.', 'KILLED'],
    ['Twelve villagers died in the attack.', 'KILLED'],
    ['Twelve villagers lost their lives.', 'KILLED'],
    ['Twelve villagers were found dead.', 'KILLED'],
    ['Two protesters were shot dead.', 'KILLED'],
    ['More than 90 passengers had been taken to hospitals.', 'INJURED'],
    ['The army lost four men.', 'KILLED'],
    ['The blast wounded 12 villagers.', 'INJURED'],
    ['Twelve villagers were hurt.', 'INJURED'],
    ['Hospitals treated 12 people for burns.', 'INJURED'],
    ['The shelling killed or wounded 12 villagers.', 'KILLED_OR_INJURED'],
    ['Medics counted 12 casualties.', 'KILLED_OR_INJURED'],
    ['Gunmen kidnapped 12 villagers.', 'ABDUCTED'],
    ['Twelve villagers were abducted.', 'ABDUCTED'],
    ['Police arrested 12 protesters.', 'DETAINED'],
    ['Twelve fishermen are missing.', 'MISSING'],
    ['Rescuers searched for between 10 and 15 miners believed trapped.', 'MISSING'],
  ])('reads "%s" as %s', (text, outcome) => {
    const figures = figuresOf(text);
    expect(figures).toHaveLength(1);
    expect(figures[0].outcome).toBe(outcome);
  });

  it('gives each count the verb next to it ("killing 12 people and wounding between 40 and 60")', () => {
    const figures = figuresOf('Gunmen opened fire, killing at least 12 people and wounding between 40 and 60, officials said.');
    expect(figureWith(figures, '12 people').outcome).toBe('KILLED');
    expect(figureWith(figures, 'between 40 and 60').outcome).toBe('INJURED');
  });

  it('gives no figures for an empty body or a story without casualties', () => {
    expect(figuresOf('')).toEqual([]);
    expect(figuresOf('The council approved the budget on Monday, officials said.')).toEqual([]);
  });

  it('codes "took hostages" as an abduction with no number', () => {
    const [figure] = figuresOf('The group said it stormed the hotel and took hostages.');
    expect(figure).toMatchObject({ outcome: 'ABDUCTED', qualifier: 'UNSPECIFIED', wording: 'took hostages' });
    expect(figure.number).toBeUndefined();
  });

  it('leaves out freed, rescued and displaced people, houses, vehicles and cities', () => {
    const text = [
      'Insurgents stormed a prison and freed nearly 30 inmates, police said.',
      'Rescuers pulled 41 survivors from the water. Soldiers rescued 17 pupils.',
      'More than 15,000 houses were destroyed and some 80,000 people were displaced. At least a dozen vehicles burned.',
      'Protests spread to 12 cities. Two officials said the talks had failed.',
    ].join('\n\n');
    expect(figuresOf(text)).toEqual([]);
  });

  it('reads a count in quotation marks and leaves out "one of them" details', () => {
    expect(figuresOf("The army said it had killed 'several terrorists'.")[0]).toMatchObject({ outcome: 'KILLED', qualifier: 'SEVERAL', group: 'MILITANTS' });
    const figures = figuresOf('Among the wounded were four children, one of them in a serious condition.');
    expect(figures.map((f) => f.number)).toEqual([4]);
  });

  it('does not count the people who speak ("two security officials said")', () => {
    const figures = figuresOf('A bomb killed nearly 20 soldiers, two security officials said.');
    expect(figures.map((f) => f.wording)).toEqual(['killing nearly 20 soldiers'.replace('killing', 'killed')]);
  });

  it('reads people jailed as DETAINED', () => {
    expect(figuresOf('More than 1,500 opposition supporters have been jailed since the election.')[0]).toMatchObject({ outcome: 'DETAINED', group: 'CIVILIANS' });
  });

  it('never gives the doers of an active verb its outcome ("a man killed three people")', () => {
    expect(figuresOf('A man killed three people at a nightclub.').map((f) => f.number)).toEqual([3]);
  });

  it('reads "one officer was shot in the leg" as injured, and "shot dead" still as killed', () => {
    expect(figuresOf('One officer was shot in the leg.')[0]).toMatchObject({ outcome: 'INJURED', group: 'SECURITY_FORCES' });
    expect(figuresOf('Two protesters were shot dead.')[0].outcome).toBe('KILLED');
  });

  it('reads troops that "neutralised 12 terrorists" as killing them', () => {
    expect(figuresOf('The army said troops had neutralised 12 terrorists.')[0]).toMatchObject({ outcome: 'KILLED', group: 'MILITANTS' });
  });

  it('reads prisoners taken in fighting as DETAINED, of the side counted just before, and hostages as ABDUCTED', () => {
    const fighting = figuresOf('Rebels said they killed more than 100 government soldiers and took 60 prisoners.');
    expect(fighting.map((f) => [f.number, f.outcome, f.group])).toEqual([[100, 'KILLED', 'SECURITY_FORCES'], [60, 'DETAINED', 'SECURITY_FORCES']]);
    expect(figuresOf('Gunmen took 12 hostages at the hotel, police said.')[0]).toMatchObject({ outcome: 'ABDUCTED', group: 'CIVILIANS' });
  });

  it('reads a person whose body was found as one killed ("The driver\'s body was found")', () => {
    expect(figuresOf('The driver\'s body was found later by the roadside, police said.').map((f) => [f.number, f.outcome, f.group]))
      .toEqual([[1, 'KILLED', 'CIVILIANS']]);
    expect(figuresOf('The driver\'s car was found by the roadside.')).toEqual([]);
  });
});
