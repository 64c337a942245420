import { claimantTypeOf } from '../src/ingest/extract/claimants';
import { figuresOf } from './support/extract';

describe('extraction: claimant and claimant type', () => {
  it.each([
    ['officials', 'OFFICIAL'], ['police', 'OFFICIAL'], ['the army', 'OFFICIAL'], ['the interior ministry', 'OFFICIAL'],
    ['Chief Minister Sarfraz Bugti', 'OFFICIAL'], ['the coast guard', 'OFFICIAL'],
    ['hospital officials', 'MEDICAL'], ['a doctor at Tarvosa General Hospital', 'MEDICAL'], ['The Red Crescent', 'MEDICAL'],
    ['Balochistan Liberation Army', 'ARMED_GROUP'], ['The Free Velmora Front', 'ARMED_GROUP'], ['the group', 'ARMED_GROUP'],
    ['witnesses', 'WITNESS'], ['residents', 'WITNESS'],
    ['the United Nations', 'INDEPENDENT'], ['Human Rights Watch', 'INDEPENDENT'],
    ['verified footage', 'MEDIA'], ['state television', 'MEDIA'],
    ['witnesses and a hospital official', 'WITNESS'],
    ['the World Food Agency', 'INDEPENDENT'],
    ['the national disaster management authority', 'OFFICIAL'],
    ['Mr Smith', 'UNKNOWN'],
    ['a local councillor, Musa Dangana', 'OFFICIAL'], ['the regional health department', 'OFFICIAL'],
    ['the Amrath Human Rights Network', 'INDEPENDENT'], ['the International Migration Office', 'INDEPENDENT'],
  ])('types "%s" as %s', (claimant, type) => {
    expect(claimantTypeOf(claimant)).toBe(type);
  });

  it.each([
    ['Gunmen killed 12 people, officials said.', 'officials', 'OFFICIAL'],
    ['The army said four soldiers had been killed.', 'The army', 'OFFICIAL'],
    ['Twelve people were killed, according to hospital officials.', 'hospital officials', 'MEDICAL'],
    ['The Free Velmora Front, an armed group, said its fighters had killed nine soldiers.', 'The Free Velmora Front', 'ARMED_GROUP'],
    ['The banned Balochistan Liberation Army (BLA) claimed responsibility, alleging it killed dozens of soldiers.', 'Balochistan Liberation Army', 'ARMED_GROUP'],
    ['Balochistan Chief Minister Sarfraz Bugti said security forces killed 145 militants.', 'Chief Minister Sarfraz Bugti', 'OFFICIAL'],
    ['Two civilians were wounded by stray bullets, a local official said.', 'a local official', 'OFFICIAL'],
    ['The toll later rose to 15, a doctor at Tarvosa General Hospital said.', 'a doctor at Tarvosa General Hospital', 'MEDICAL'],
    ['Verified footage showed a car bomb killing several police officers.', 'Verified footage', 'MEDIA'],
  ])('attributes "%s" to %s (%s)', (text, claimedBy, claimantType) => {
    const [figure] = figuresOf(text);
    expect({ claimedBy: figure.claimedBy, claimantType: figure.claimantType }).toEqual({ claimedBy, claimantType });
  });

  it('gives a new clause the source named at its end ("..., and a hospital received 35 wounded, according to MSF")', () => {
    const figures = figuresOf('Aid groups said residents had fled, and a hospital had received 35 wounded civilians, according to Doctors Without Borders.');
    expect(figures[0]).toMatchObject({ claimedBy: 'Doctors Without Borders', claimantType: 'MEDICAL' });
  });

  it('never carries a claimant over from an earlier sentence', () => {
    const figures = figuresOf('Police said the attackers fled. A suicide bomber detonated at the gate, killing at least one guard.');
    expect(figures[0]).toMatchObject({ claimedBy: null, claimantType: 'UNKNOWN' });
  });

  it('names the last claimant for a pronoun ("He said ...")', () => {
    const figures = figuresOf('Army spokesman Colonel Ruben Oso said the attackers fled. He said troops had killed four of the attackers.');
    expect(figures[0]).toMatchObject({ claimedBy: 'Colonel Ruben Oso', claimantType: 'OFFICIAL' });
  });

  it('gives each of two claimants in one sentence the count they said', () => {
    const figures = figuresOf('Officials said five soldiers died, while the rebels said they killed 20 soldiers.');
    expect(figures.map((f) => [f.number, f.claimantType])).toEqual([[5, 'OFFICIAL'], [20, 'ARMED_GROUP']]);
  });

  it('reads a title\'s abbreviation as part of the sentence ("police chief Col. Radu Petrescu said")', () => {
    const [figure] = figuresOf('A bomb killed eight people, provincial police chief Col. Radu Petrescu said.');
    expect(figure).toMatchObject({ claimedBy: 'Col. Radu Petrescu', claimantType: 'OFFICIAL' });
  });

  it('never takes the listeners after "told" for the speaker', () => {
    const [figure] = figuresOf('Two men were shot dead, a local councillor, Musa Dangana, told reporters by phone.');
    expect(figure.claimantType).toBe('OFFICIAL');
    expect(figure.claimedBy).not.toMatch(/reporters/);
  });

  it('gives a claim relayed inside another\'s to the one who says it ("X said relatives had told it that ...")', () => {
    const [figure] = figuresOf('A rights group, Prison Watch, said relatives had told it that as many as 20 inmates may have died.');
    expect(figure).toMatchObject({ claimedBy: 'Prison Watch', claimantType: 'INDEPENDENT' });
  });

  it('types a surname or "the network" as the earlier claimant it names', () => {
    const surname = figuresOf('A bomb killed eight people, police chief Radu Petrescu said. Petrescu had earlier said five people died.');
    expect(surname[1]).toMatchObject({ claimedBy: 'Petrescu', claimantType: 'OFFICIAL' });
    const network = figuresOf('Troops killed 17 people, the Amrath Human Rights Network said.\n\nThe network said at least 60 people have died this year.');
    expect(network[1]).toMatchObject({ claimedBy: 'The network', claimantType: 'INDEPENDENT' });
  });

  it('types an organisation counting whom its own teams treated as MEDICAL', () => {
    const [figure] = figuresOf('The Red Cross said its teams had treated about 150 people for injuries.');
    expect(figure).toMatchObject({ claimantType: 'MEDICAL', outcome: 'INJURED' });
  });

  it('types a speaker named after "said" by the appositive that follows ("said Hana Saleh, a spokeswoman for the aid group")', () => {
    const [figure] = figuresOf('Three children were killed, said Hana Saleh, a spokeswoman for the aid group.');
    expect(figure).toMatchObject({ claimedBy: 'Hana Saleh', claimantType: 'INDEPENDENT', number: 3 });
  });

  it('never takes a day after "said" for the speaker, and keeps a named speaker before its appositive', () => {
    const [figure] = figuresOf('Police detained nearly 80 people, the Merovian Helsinki Committee, a rights group, said Wednesday.');
    expect(figure).toMatchObject({ claimedBy: 'Merovian Helsinki Committee', claimantType: 'INDEPENDENT' });
  });

  it('reads "A U.N. peacekeeper" in one sentence and types the peacekeeping mission as INDEPENDENT', () => {
    const figures = figuresOf('A U.N. peacekeeper was killed and two others were wounded, the peacekeeping mission said.');
    expect(figures.map((f) => [f.number, f.outcome, f.group, f.claimantType])).toEqual([
      [1, 'KILLED', 'SECURITY_FORCES', 'INDEPENDENT'], [2, 'INJURED', 'SECURITY_FORCES', 'INDEPENDENT'],
    ]);
  });

  it('reads "put the number of wounded at", "gave a lower toll of" and "Official figures show" as attributions, past a participle ("speaking on state television")', () => {
    expect(figuresOf('A hospital source put the number of wounded at 40.')[0]).toMatchObject({ claimedBy: 'A hospital source', claimantType: 'MEDICAL', outcome: 'INJURED' });
    expect(figuresOf('An interior ministry spokesman, speaking on state television, gave a lower toll of 10 dead.')[0])
      .toMatchObject({ claimedBy: 'An interior ministry spokesman', claimantType: 'OFFICIAL' });
    expect(figuresOf('Official figures show 64 deaths in the state.')[0]).toMatchObject({ claimedBy: 'Official figures', claimantType: 'OFFICIAL' });
  });

  it('gives a count the source attached to its phrase ("the 120 arrests reported by organisers"), a rival to the sentence\'s speaker', () => {
    const figures = figuresOf('Police said they had detained 87 people, fewer than the 120 arrests reported by organisers.');
    expect(figures.map((f) => [f.number, f.claimedBy, f.claimantType])).toEqual([[87, 'Police', 'OFFICIAL'], [120, 'organisers', 'WITNESS']]);
    expect(figures[1].restates).toBe(figures[0].key);
  });

  it('types a national body as OFFICIAL unless it is a hospital or a rights body', () => {
    expect(figuresOf('The quake killed at least 112 people, the national emergency service said.')[0].claimantType).toBe('OFFICIAL');
    expect(figuresOf('The quake killed at least 112 people, the National Human Rights Commission said.')[0].claimantType).toBe('INDEPENDENT');
  });

  it('keeps a title\'s abbreviation in a speaker after "said" and leaves an appositive after a name out of it', () => {
    expect(figuresOf('Three people were killed, said Dr. Omar Zaki, who runs the clinic.')[0].claimedBy).toBe('Dr. Omar Zaki');
    const group = figuresOf('The Sons of the Mountain, an insurgent group, claimed the attack and said 40 soldiers had died.');
    expect(group[0]).toMatchObject({ claimedBy: 'The Sons of the Mountain', claimantType: 'ARMED_GROUP' });
  });

  it('types a church\'s spokesman as INDEPENDENT, not as an official', () => {
    const figures = figuresOf('A spokesman for the diocese, Father Paul Ade, said 20 parishioners were missing.');
    expect(figures[0]).toMatchObject({ number: 20, outcome: 'MISSING', claimantType: 'INDEPENDENT' });
  });
});

describe('claimants: what is never a speaker', () => {
  it('reads a present-tense attribution ("reports that") and never takes a count for its speaker', () => {
    const [dead, earlier] = figuresOf('The disaster authority reports that 61 people have died, up from 38 reported in the previous update.');
    expect(dead).toMatchObject({ number: 61, claimedBy: 'The disaster authority', claimantType: 'OFFICIAL' });
    expect(String(earlier?.claimedBy)).not.toMatch(/\d/);
    const [broadcast] = figuresOf('Radio Morvik, the local station, reported 12 dead on Thursday afternoon, citing rescuers.');
    expect(broadcast).toMatchObject({ number: 12, claimedBy: 'Radio Morvik' });
  });

  it('takes the speaker before "said", not the relative she speaks of', () => {
    const [son] = figuresOf('Anna Brenk, 52, said her son, a student, was killed by a shot in the back.');
    expect(son).toMatchObject({ number: 1, claimedBy: 'Anna Brenk' });
  });

  it('reads a plural present verb ("report", "say") as an attribution, but not the noun "the report"', () => {
    const [deaths] = figuresOf('Local authorities there report 27 deaths in the district.');
    expect(deaths).toMatchObject({ number: 27, claimedBy: 'Local authorities there', claimantType: 'OFFICIAL' });
    const [missing] = figuresOf('Village elders say 15 people are still missing.');
    expect(missing).toMatchObject({ number: 15, claimedBy: 'Village elders', claimantType: 'WITNESS' });
    const [noun] = figuresOf('The report gave no breakdown, but 40 people died in the fire.');
    expect(noun?.claimedBy ?? null).toBeNull();
  });

  it('passes over a relative clause to the speaker ("The air force, which ..., said"; "a doctor who spoke ... said")', () => {
    const [militants] = figuresOf('The navy, which has patrolled the coast for months, said in a statement that it had killed 31 militants.');
    expect(militants).toMatchObject({ number: 31, claimedBy: 'The navy', claimantType: 'OFFICIAL' });
    const [bodies] = figuresOf('A doctor who spoke on condition of anonymity for fear of reprisals said the ward had received 11 bodies.');
    expect(bodies).toMatchObject({ number: 11, claimantType: 'MEDICAL' });
    expect(bodies?.claimedBy).toMatch(/^A doctor who spoke/);
  });

  it('types a speaker by the head noun of its appositive ("X, the local station") and reads "put the number of people detained at"', () => {
    const [dead] = figuresOf('Kestel FM, the regional station, reported 9 dead on Friday.');
    expect(dead).toMatchObject({ number: 9, claimedBy: 'Kestel FM', claimantType: 'MEDIA' });
    const [held] = figuresOf('The ministry put the number of people arrested at 187.');
    expect(held).toMatchObject({ number: 187, claimedBy: 'The ministry', claimantType: 'OFFICIAL' });
  });

  it('never takes the part of a count ("among them four children") for the speaker named after "said"', () => {
    const [injured, children] = figuresOf('Nine of the survivors were injured, among them two children, said Dr. Lena Brat of the Kessa General Hospital.');
    expect(injured).toMatchObject({ number: 9, claimedBy: 'Dr. Lena Brat of the Kessa General Hospital', claimantType: 'MEDICAL' });
    expect(children).toMatchObject({ number: 2, claimantType: 'MEDICAL' });
  });

  it('reads a plain present verb only after a plural subject ("residents say", not "a government report")', () => {
    const [died] = figuresOf('Neighbours say at least five people had died on the road.');
    expect(died).toMatchObject({ number: 5, claimedBy: 'Neighbours', claimantType: 'WITNESS' });
    const [miners] = figuresOf('A government report published in May said 200 miners had died.');
    expect(miners).toMatchObject({ number: 200, claimedBy: 'A government report published in May', claimantType: 'OFFICIAL' });
  });

  it('takes an organisation "deeply alarmed by" a count for its claimant, typed by its head noun', () => {
    const [civilians] = figuresOf('The Southern Relief Alliance is deeply alarmed by attacks this week that have killed 40 civilians.');
    expect(civilians).toMatchObject({ number: 40, claimedBy: 'The Southern Relief Alliance', claimantType: 'INDEPENDENT' });
  });

  it('types an acronym ("the NDRA") as the earlier claimant whose initials it spells', () => {
    const [, women] = figuresOf('The National Disaster Relief Authority (NDRA) reports that 40 people have died. Among the dead are at least 9 women, the NDRA said.');
    expect(women).toMatchObject({ number: 9, claimedBy: 'NDRA', claimantType: 'OFFICIAL' });
  });
});
