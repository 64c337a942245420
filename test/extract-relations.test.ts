import { figureWith, figuresOf } from './support/extract';

describe('extraction: relations between figures', () => {
  it('makes a count after "including" part of the count before it', () => {
    const figures = figuresOf('Officials said 12 people had been killed in the market, including three police officers.');
    expect(figureWith(figures, 'three police officers').partOf).toBe(figureWith(figures, '12 people').key);
  });

  it('makes "among the dead" counts parts of the last total', () => {
    const figures = figuresOf('The blast killed at least 25 people, police said. Doctors said eight children were among the dead.');
    expect(figureWith(figures, 'eight children').partOf).toBe(figureWith(figures, '25 people').key);
  });

  it('makes "among those killed" a part of the largest toll still standing', () => {
    const figures = figuresOf('The blast killed at least 21 people, officials said. Rescuers pulled 16 bodies from the wreckage. Seven soldiers were among those killed, the army said.');
    expect(figureWith(figures, 'Seven soldiers').partOf).toBe(figureWith(figures, '21 people').key);
  });

  it('keeps the outcome said after a part named inside the count ("12 people, including several guards, had been killed")', () => {
    const figures = figuresOf('Elders said as many as 12 people, including several guards, had been killed.');
    expect(figureWith(figures, '12 people')).toMatchObject({ outcome: 'KILLED', qualifier: 'UP_TO' });
    expect(figureWith(figures, 'several guards').partOf).toBe(figureWith(figures, '12 people').key);
  });

  it('makes group counts of a total said by the same claimant its parts', () => {
    const figures = figuresOf([
      'Attacks killed at least 48 people, officials said.',
      'Troops were deployed across the province.',
      'At least 31 civilians and 17 soldiers were killed, according to officials.',
    ].join('\n\n'));
    const total = figureWith(figures, '48 people').key;
    expect([figureWith(figures, '31 civilians').partOf, figureWith(figures, '17 soldiers').partOf]).toEqual([total, total]);
  });

  it('never makes a part larger than its whole, nor a rival claimant\'s count a part', () => {
    const figures = figuresOf('Attacks killed at least 48 people, officials said.\n\nThe minister said troops killed 145 militants.');
    expect(figureWith(figures, '145 militants').partOf).toBeUndefined();
  });

  it('makes a town\'s count part of the same group\'s count for the province it lies in', () => {
    const placeOf = (sentence: string) => (/Quetta/.test(sentence) ? 'Quetta' : /Balochistan/.test(sentence) ? 'Balochistan' : null);
    const text = 'Seventeen soldiers were killed across Balochistan, officials said.\n\nIn Quetta, a car bomb killed several police officers.';
    const inside = figuresOf(text, { placeOf, placeWithin: (inner, outer) => inner === 'Quetta' && outer === 'Balochistan' });
    expect(figureWith(inside, 'several police officers').partOf).toBe(figureWith(inside, 'Seventeen soldiers').key);
    const outside = figuresOf(text, { placeOf, placeWithin: () => false });
    expect(figureWith(outside, 'several police officers').partOf).toBeUndefined();
  });

  it('makes a later mention of the same toll restate the first', () => {
    const figures = figuresOf('Gunmen killed at least 12 people, officials said.\n\nThe police chief said 12 people had been killed in the market.');
    expect(figureWith(figures, '12 people had been killed').restates).toBe(figureWith(figures, 'at least 12').key);
  });

  it('makes another source\'s count of the same people nearby restate the first', () => {
    const figures = figuresOf('The Front said its fighters had killed nine soldiers. The army said four soldiers had been killed.');
    expect(figureWith(figures, 'four soldiers').restates).toBe(figureWith(figures, 'nine soldiers').key);
  });

  it('makes another source\'s count of the same people restate the first however many paragraphs lie between', () => {
    const figures = figuresOf([
      'At least 40 people have been killed in the clashes, the governor said.',
      'Troops were deployed to the province on Thursday.',
      'Local media reported that more than 60 people had died.',
    ].join('\n\n'));
    expect(figureWith(figures, '60 people').restates).toBe(figureWith(figures, '40 people').key);
  });

  it('never makes a count restate a part named inside another count ("Nine villagers, including a pregnant woman")', () => {
    const figures = figuresOf('Nine villagers, including a pregnant woman, were killed, a community leader said.\n\nPolice put the number of dead at seven.');
    expect(figureWith(figures, 'seven').restates).toBe(figures[0].key);
  });

  it('never makes a rival\'s count restate one group\'s share of a wider total', () => {
    const figures = figuresOf([
      'Attacks killed at least 48 people, officials said.',
      'At least 31 civilians and 17 soldiers were killed, according to officials.',
      'The Front said it killed dozens of soldiers.',
    ].join('\n\n'));
    expect(figureWith(figures, 'dozens of soldiers')).not.toHaveProperty('restates');
  });

  it.each([
    'On March 2, a rocket attack there killed five people.',
    'It was the deadliest attack in the region since May, when an ambush killed 22 police officers.',
    'The network said at least 60 people have been killed since the protests began in January.',
    'More than 1,800 migrants have died on the route so far this year.',
  ])('marks a count dated to another time or a running total as background: "%s"', (recalled) => {
    const figures = figuresOf(`Shells killed 11 civilians on Saturday, the governor said.\n\n${recalled}`);
    expect(figures[1]).toMatchObject({ background: true });
    expect(figures[1]).not.toHaveProperty('restates');
  });

  it('keeps different civilians apart ("14 journalists" and "120 supporters" are not one set)', () => {
    const figures = figuresOf('Police detained 14 journalists, the committee said. Police also arrested 120 opposition supporters, activists said.');
    expect(figureWith(figures, '120').restates).toBeUndefined();
  });

  it('makes a risen toll supersede the earlier count and take its people', () => {
    const figures = figuresOf('Local officials initially said 11 passengers had died. The toll later rose to 15, a doctor said.');
    const revised = figureWith(figures, 'rose to 15');
    expect(revised).toMatchObject({ supersedes: figureWith(figures, '11 passengers').key, group: 'CIVILIANS', number: 15 });
  });

  it('makes the newer toll supersede an "earlier said" count told after it', () => {
    const figures = figuresOf('The death toll from the fire rose to 31, the coast guard said.\n\nOfficials had earlier said 19 people died.');
    expect(figureWith(figures, 'rose to 31').supersedes).toBe(figureWith(figures, '19 people').key);
  });

  it('makes a toll supersede "an earlier toll" said with it', () => {
    const figures = figuresOf('The bus plunged into a gorge, killing 27 people, police said, revising an earlier toll of 22.');
    expect(figureWith(figures, '27 people').supersedes).toBe(figureWith(figures, '22').key);
  });

  it('marks counts of another event as background and links nothing to them', () => {
    const figures = figuresOf('Gunmen killed 30 people at the market, police said. A similar attack on the same market killed 30 people last year.');
    const recalled = figures[1];
    expect(recalled.background).toBe(true);
    expect(figures[0].background).toBeUndefined();
    expect(recalled.restates).toBeUndefined();
  });

  it('marks a running total ("bring to 11 the number killed") as background', () => {
    const figures = figuresOf('Police shot dead two protesters. The deaths bring to 11 the number of people killed in the protests.');
    expect(figureWith(figures, '11').background).toBe(true);
  });

  it('links nothing to a separate incident', () => {
    const figures = figuresOf('Militants killed 12 soldiers near Farrow, the army said.\n\nIn a separate incident, a bomb killed three soldiers near Lisk.');
    expect(figureWith(figures, 'three soldiers')).not.toHaveProperty('partOf');
    expect(figureWith(figures, 'three soldiers')).not.toHaveProperty('restates');
  });

  it('makes a count after "including" a part even when the outcome follows both ("four civilians, including a teacher, were killed")', () => {
    const [civilians, teacher] = figuresOf('Residents said at least four civilians, including a teacher, were killed.');
    expect(teacher).toMatchObject({ number: 1, who: 'teacher', partOf: civilians.key });
  });

  it('reads "of them" as a part only when it leads straight to the count', () => {
    const figures = figuresOf('The ministry said four people had died, all of them in a stampede, and that 53 police officers were hurt.');
    expect(figureWith(figures, '53 police officers').partOf).toBeUndefined();
  });

  it('reads "the number of people killed rose to 63 ..., up from 41" as a revision of the count after "up from"', () => {
    const figures = figuresOf('The number of people killed by the floods rose to 63 on Thursday, the agency said, up from 41 a day earlier.');
    expect(figures.map((f) => [f.number, f.outcome])).toEqual([[63, 'KILLED'], [41, 'KILLED']]);
    expect(figures[0].supersedes).toBe(figures[1].key);
  });

  it('reads "put the number of those kidnapped at 26" as a count of the abducted', () => {
    const figures = figuresOf('Residents said gunmen abducted about 40 villagers.\n\nPolice put the number of those kidnapped at 26.');
    expect(figureWith(figures, '26')).toMatchObject({ outcome: 'ABDUCTED', group: 'CIVILIANS' });
  });

  it('never counts a speaker named with a place ("three children, a doctor at the port clinic said")', () => {
    expect(figuresOf('Among the dead were four women and three children, a doctor at the port clinic said.')).toHaveLength(2);
  });

  it('counts one person named as a part ("including a local chief", "The wounded included a six-year-old girl")', () => {
    const chief = figuresOf('In Tiko district, 26 people were killed, including a local chief, while 14 died in Abasi district.');
    expect(chief.map((f) => [f.number, f.group, f.partOf ?? null])).toEqual([[26, 'UNSPECIFIED', null], [1, 'CIVILIANS', chief[0].key], [14, 'UNSPECIFIED', null]]);
    const girl = figuresOf('A bomb wounded a dozen people. The wounded included a six-year-old girl, police said.');
    expect(figureWith(girl, 'six-year-old girl')).toMatchObject({ number: 1, outcome: 'INJURED', group: 'CIVILIANS', partOf: girl[0].key });
  });

  it('counts "Among the dead was the clinic\'s only surgeon" as one person, a part of the first mention of the toll', () => {
    const figures = figuresOf([
      'An air strike killed at least 23 people, the United Nations said.',
      'Local health officials said 31 people had been killed.',
      'Among the dead was the clinic\'s only surgeon, said Hana Saleh, a spokeswoman for the aid group.',
    ].join('\n\n'));
    expect(figureWith(figures, 'surgeon')).toMatchObject({ number: 1, qualifier: 'EXACT', group: 'CIVILIANS', partOf: figures[0].key });
  });

  it('makes fewer bodies than a toll\'s floor a part of it, and bodies within a loose count no part', () => {
    const partial = figuresOf('Militants derailed a train, killing at least 21 people, officials said.\n\nRescue workers said they had pulled 16 bodies from the wreckage.');
    expect(figureWith(partial, '16 bodies').partOf).toBe(partial[0].key);
    const loose = figuresOf('Gunmen killed around 40 villagers, residents said.\n\nThe governor said 38 bodies had been recovered.');
    expect(figureWith(loose, '38 bodies')).not.toHaveProperty('partOf');
  });

  it('counts the dead that explain a risen toll in it ("had risen to 11 after two workers died")', () => {
    const figures = figuresOf('The blast killed nine workers.\n\nThe ministry said the number of dead had risen to 11 after two workers died of their burns.');
    expect(figureWith(figures, 'two workers').partOf).toBe(figureWith(figures, 'risen to 11').key);
  });

  it('reads a month date in the lead as the story\'s own date, not another event', () => {
    const figures = figuresOf('Gunmen killed 12 villagers on May 3, police said.\n\nOn March 2, a rocket attack there killed five people.');
    expect(figures.map((f) => Boolean(f.background))).toEqual([false, true]);
  });

  it('makes a killed and an injured count of the same people parts of their "killed or wounded", but nothing said "also" a part', () => {
    const split = figuresOf('Bombers attacked a base, killing or wounding dozens of soldiers, an official said.\n\nThe army said 11 soldiers had been killed and a further 23 wounded.');
    expect(split.slice(1).map((f) => f.partOf)).toEqual([split[0].key, split[0].key]);
    const also = figuresOf('A dozen people were hurt when officers charged the crowd, witnesses said. A police spokeswoman said four officers were also injured.');
    expect(figureWith(also, 'four officers')).not.toHaveProperty('partOf');
  });

  it('reads "Officials had put the toll at 12" as the count a risen toll replaces, and "of the dead" as a part of the newest toll', () => {
    const figures = figuresOf([
      'The death toll from the capsizing climbed to 19 on Monday, police said. Officials had put the toll at 12 on Sunday night.',
      'Survivors said the vessel tipped over. Eight of the dead were children, according to the district hospital.',
    ].join('\n\n'));
    expect(figures.map((f) => [f.number, f.supersedes ?? null, f.partOf ?? null])).toEqual([
      [19, figures[1].key, null], [12, null, null], [8, null, figures[0].key],
    ]);
  });

  it('makes "Among the dead" a part of the place\'s count said just before it in the same paragraph', () => {
    const placeOf = (sentence: string) => ['Durra', 'Halvan'].find((name) => sentence.includes(name)) ?? null;
    const figures = figuresOf('An earthquake in Halvan killed at least 112 people, officials said.\n\nIn Durra district, 47 people died, the governor said. Among the dead were 15 students.',
      { placeOf, placeWithin: (inner, outer) => inner === 'Durra' && outer === 'Halvan' });
    expect(figureWith(figures, '15 students').partOf).toBe(figureWith(figures, '47 people').key);
  });

  it('reads "Three of the wounded were in a critical condition" as a detail, not a count', () => {
    expect(figuresOf('A gunman killed five people and wounded nine, police said. Three of the wounded were in a critical condition.').map((f) => f.number)).toEqual([5, 9]);
  });

  it('marks "Last month, an attack killed 12 soldiers" as background after the lead, and "last week" in the lead as the story\'s own', () => {
    const later = figuresOf('Insurgents killed 17 soldiers, the group said.\n\nLast month, an attack in the same area killed 12 soldiers.');
    expect(later.map((f) => Boolean(f.background))).toEqual([false, true]);
    expect(figuresOf('The UN said an air strike killed 17 civilians last week.')[0]).not.toHaveProperty('background');
  });

  it('marks "have been kidnapped in the region this year" as a running total', () => {
    const figures = figuresOf('Gunmen kidnapped three engineers, police said.\n\nMore than 40 oil workers have been kidnapped in the region this year.');
    expect(figures.map((f) => Boolean(f.background))).toEqual([false, true]);
  });

  it('reads "Earlier, the governor had put the number of dead at 18" as the count a newer toll replaces', () => {
    const figures = figuresOf('Two trains collided, killing at least 23 people, the ministry said.\n\nEarlier, the regional governor had put the number of dead at 18.');
    expect(figures[0].supersedes).toBe(figures[1].key);
  });

  it('counts the dead of an "after" clause in the toll it raised ("rose to 14 after rescuers found the bodies of three more miners")', () => {
    const figures = figuresOf('The death toll rose to 14 on Wednesday after rescuers found the bodies of three more miners, the ministry said.');
    expect(figureWith(figures, 'three more miners').partOf).toBe(figures[0].key);
  });

  it('makes a place\'s count of people a part of a group\'s count at the wider place, and "this year" after the lead a running total', () => {
    const placeOf = (sentence: string) => ['Kouri', 'Tamba'].find((name) => sentence.includes(name)) ?? null;
    const figures = figuresOf([
      'Gunmen killed 31 villagers in the Tamba region, officials said.',
      'In Kouri, 19 people were killed, a councillor said.',
      'The agency has recorded attacks in the country this year, killing 97 health workers.',
    ].join('\n\n'), { placeOf, placeWithin: (inner, outer) => inner === 'Kouri' && outer === 'Tamba' });
    expect(figures.map((f) => [f.number, f.partOf ?? null, Boolean(f.background)])).toEqual([[31, null, false], [19, figures[0].key, false], [97, null, true]]);
  });

  it('makes another source\'s count that names no group restate the lead\'s first count of that outcome, not a later one', () => {
    const figures = figuresOf([
      'Gunmen killed a driver in an ambush, the agency said.',
      'Officials said 48 police officers had been injured in later clashes.',
      'Local elders said as many as 12 people had been killed. Hospital officials said they had treated 85 people.',
    ].join('\n\n'));
    expect(figures.map((f) => [f.number, f.restates ?? null])).toEqual([[1, null], [48, null], [12, figures[0].key], [85, null]]);
  });

  it('keeps a count the sentence calls its own deadliest ("killing 14, in the deadliest day since ...") and restates it by a rival count', () => {
    const figures = figuresOf([
      'Troops fired on marchers in the capital on Saturday, killing at least 14 people, a rights group said, in the deadliest day of unrest since a disputed vote in March.',
      'The ministry said six people had died.',
    ].join('\n\n'));
    expect(figures[0]).toMatchObject({ number: 14 });
    expect(figures[0].background).toBeFalsy();
    expect(figures[1]).toMatchObject({ number: 6, restates: figures[0].key });
    const [earlier] = figuresOf('It was the deadliest attack since a bombing in May killed 70 people.');
    expect(earlier?.background).toBe(true);
  });

  it('makes a place\'s count said "alone" a share of the larger count before it', () => {
    const figures = figuresOf('Officials said at least 50 people were killed across the district. In the town of Harro alone, 20 people were killed when a market was shelled, a councillor said.');
    expect(figureWith(figures, '20 people').partOf).toBe(figureWith(figures, '50 people').key);
  });

  it('marks a count "in recent years" or "over the past decade" as another event', () => {
    const figures = figuresOf('The fire killed 12 people, police said. Similar fires have killed hundreds of people across the country in recent years.');
    expect(figureWith(figures, '12 people').background).toBeFalsy();
    expect(figureWith(figures, 'hundreds of people').background).toBe(true);
    expect(figureWith(figures, 'hundreds of people').restates).toBeUndefined();
  });

  it('marks a count "in the ten years before" the event as another event', () => {
    const figures = figuresOf('The crash killed 9 people, police said. Drivers say at least 30 people had died on the road in the ten years before the crash.');
    expect(figureWith(figures, '30 people').background).toBe(true);
  });
});
