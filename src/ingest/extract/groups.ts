import type { Group, Outcome } from '../../domain/casualty';

/**
 * Group and who: the people a count is about. A count is a casualty figure only when it counts
 * people, so the nouns below also decide what is left out (houses, vehicles, cities, hours).
 * Prisoners, children, women, journalists and clergy are civilians (DOMAIN.md, second edition), and
 * so are hostages and a ship's crew: people the text does not say fought.
 */

const SECURITY = ['members of the security forces', 'members of the armed forces', 'security forces', 'security personnel',
  'service members', 'servicemen', 'soldiers?', 'troops?', 'police officers?', 'policem[ae]n', 'policewom[ae]n', 'police',
  'officers?', 'border guards?', 'guards?', 'coastguards?', 'paramilitar(?:y|ies)', 'personnel', 'marines?', 'commandos?',
  'peacekeepers?', 'recruits?', 'cadets?', 'sailors?', 'airmen', 'officials?'];
const MILITANTS = ['militants?', 'insurgents?', 'attackers?', 'assailants?', 'gunm[ae]n', 'fighters?', 'rebels?', 'jihadists?',
  'terrorists?', 'bombers?', 'extremists?', 'separatists?', 'kidnappers?', 'raiders?', 'militiam[ae]n'];
const CIVILIANS = ['civilians?', 'passengers?', 'children', 'child', 'women', 'woman', 'girls?', 'boys?', 'students?', 'pupils?',
  'schoolchildren', 'schoolgirls?', 'schoolboys?', 'worshipp?ers?', 'pilgrims?', 'villagers?', 'residents?', 'shoppers?', 'traders?', 'aid workers?',
  'workers?', 'journalists?', 'reporters?', 'farmers?', 'fishermen', 'miners?', 'migrants?', 'refugees?', 'inmates?',
  'prisoners?', 'detainees?', 'protesters?', 'demonstrators?', 'mourners?', 'guests?', 'patients?', 'teachers?',
  'tourists?', 'relatives', 'family members', 'bystanders?', 'commuters?', 'priests?', 'clerics?', 'monks?', 'nuns?',
  'bab(?:y|ies)', 'infants?', 'teenagers?', 'pedestrians?', 'drivers?', 'labou?rers?', 'herders?', 'shepherds?', 'nurses?', 'medics?',
  'parishioners?', 'congregants?', 'firefighters?', 'rescuers?', 'supporters?', 'voters?', 'spectators?', 'fans?',
  'doctors?', 'surgeons?', 'toddlers?', 'members of parliament', 'lawmakers?', 'legislators?', 'politicians?', 'photographers?',
  'cameram[ae]n', 'activists?', 'opposition members', 'bloggers?', 'lawyers?', 'engineers?', 'contractors?', 'employees?',
  'technicians?', '(?:local|village|tribal|traditional|community) (?:chiefs?|leaders?|elders?)',
  // A ship's or a firm's people, and people held by others, are civilians unless the text says they fought.
  'crew members?', 'crewm[ae]n', 'crews?', 'seafarers?', 'staff members?', 'staff', 'elderly', 'pensioners?', 'hostages?', 'captives?'];
const ANYONE = ['people', 'persons?', 'others', 'suspects?', 'chiefs?', 'arrests', 'victims?', 'men', 'man', 'casualties', 'deaths', 'fatalities',
  'bodies', 'dead', 'wounded', 'injured'];

const HEAD = [...SECURITY, ...MILITANTS, ...CIVILIANS, ...ANYONE].join('|');
const GLUE = /^(?:were|was|had|have|has|been|and|or|in|at|on|who|that|said|to|from|by|with|after|before|during|for|as|are|is|it|killed|died)$/i;
const OUTCOME_ADJECTIVE = /\b(wounded|injured|dead|missing|abducted|kidnapped)\b/i;

/** The people words directly after a count: "17 members of the security forces", "dozens of security personnel". */
const NOUN = new RegExp(String.raw`^\s+(?:of\s+(?:(?:the|its|their|his|her)\s+(?:\d[\d,]*\s+)?)?)?(?<mods>(?:(?:\d+-year-old|[A-Za-z][A-Za-z.'’-]*)\s+){0,3}?)(?<head>${HEAD})\b`, 'i');
/** "took 12 people hostage": "hostage" or "captive" after people says what befell them, it does not name them. */
const NEXT_HEAD = new RegExp(String.raw`^\s+(?!hostage\b|captive\b)(${HEAD})\b`, 'i');
/** Head nouns that name more than one person; any other people noun after "a" is one person ("a photographer"). */
const PLURAL = /(?:s|men|children|people|police|personnel|staff|crew|elderly|youth|clergy|dead|wounded|injured)$/i;
const SINGULAR = /^(?:soldier|troop|police officer|policem[ae]n|officer|guard|coastguard|civilian|child|woman|girl|boy|student|worshipper|pilgrim|villager|resident|journalist|reporter|farmer|migrant|inmate|prisoner|protester|passenger|person|man|militant|insurgent|attacker|gunman|fighter|rebel|teacher|official|marine|commando|peacekeeper|driver|nurse|medic|teenager|priest|baby|infant|toddler|doctor|surgeon|chief|crew member|crewman|seafarer|staff member|pensioner|hostage|captive|(?:local|village|tribal|traditional|community) (?:chief|leader|elder))$/i;

export interface PeopleNoun {
  /** The noun phrase in the text's own words, modifiers included ("maritime security official"). */
  who: string;
  group: Group;
  /** Characters from the end of the count to the end of the noun. */
  length: number;
  /** Nouns that say the outcome themselves: "casualties", "deaths", "dead", "wounded", "arrests". */
  impliedOutcome?: 'KILLED' | 'INJURED' | 'KILLED_OR_INJURED' | 'MISSING' | 'ABDUCTED' | 'DETAINED';
  singular: boolean;
}

/** The people counted by the words after a count, or null when the count is not of people. */
export function peopleAfter(rest: string): PeopleNoun | null {
  let match = NOUN.exec(rest);
  if (!match) return null;
  if (/^(wounded|injured|dead)$/i.test(match.groups!.head) && !match.groups!.mods.trim()) {
    // "35 wounded soldiers": the outcome word is a modifier of the people that follow.
    const people = NOUN.exec(rest.slice(match[0].length));
    if (people && !people.groups!.mods.trim() && !/^(wounded|injured|dead)$/i.test(people.groups!.head)) {
      const joined = new RegExp(`^(${escapeRegExp(match[0])}\\s+${escapeRegExp(people.groups!.head)})`).exec(rest);
      if (joined) match = Object.assign(joined, { groups: { mods: `${match.groups!.head} `, head: people.groups!.head } }) as RegExpExecArray;
    }
  }
  const mods = match.groups!.mods.trim();
  // "a 17-year-old boy": an age is a modifier; any other number among the modifiers is another count.
  if (mods && mods.split(/\s+/).some((word) => GLUE.test(word) || (/\d/.test(word) && !/^\d+-year-old$/i.test(word)))) return null;
  let head = match.groups!.head;
  let length = match[0].length;
  // "a coast guard officer": the noun phrase ends at its last people word.
  const more = NEXT_HEAD.exec(rest.slice(length));
  if (more) {
    head = more[1];
    length += more[0].length;
  }
  const who = rest.slice(0, length).trim().replace(/^of\s+(?:(?:the|its|their|his|her)\s+(?:\d[\d,]*\s+)?)?/i, '');
  const lowerHead = head.toLowerCase();
  const adjective = OUTCOME_ADJECTIVE.exec(mods)?.[1].toLowerCase();
  const impliedOutcome = lowerHead === 'casualties' ? 'KILLED_OR_INJURED'
    : ['deaths', 'fatalities', 'bodies', 'dead'].includes(lowerHead) || adjective === 'dead' ? 'KILLED'
      : ['wounded', 'injured'].includes(lowerHead) || adjective === 'wounded' || adjective === 'injured' ? 'INJURED'
        : adjective === 'missing' ? 'MISSING' : adjective === 'abducted' || adjective === 'kidnapped' ? 'ABDUCTED'
          : lowerHead === 'arrests' ? 'DETAINED' : undefined;
  return { who, group: groupOf(who) === 'UNSPECIFIED' ? groupOfMost(rest.slice(length)) : groupOf(who),
    length, impliedOutcome, singular: SINGULAR.test(head) || !PLURAL.test(head) };
}

/**
 * "40 people, most of them women and children": people the text describes by who most of them were
 * belong to that group (group stays coarse; DOMAIN.md). UNSPECIFIED when no such words follow.
 */
function groupOfMost(rest: string): Group {
  // "29 people have died, most of them elderly": the description may follow a short verb phrase.
  const most = /^(?:\s+(?:have|has|had|were|was|are)\s+(?:been\s+)?[a-z]+)?\s*,\s*(?:most|mostly|many|nearly all|almost all|all)(?: of them| of whom)?\s+([^,.;]+)/i.exec(rest)
    // "two men it described as local commanders of an armed group"
    ?? /^\s+(?:(?:whom|who|that)\s+)?(?:(?:it|they|he|she|police|officials|the army|the group)\s+)?(?:described|identified|named|called)\s+as\s+([^,.;]+)/i.exec(rest);
  return most ? groupOf(most[1]) : 'UNSPECIFIED';
}

/**
 * The side that lost the people in "the army ... losing 12 men", "its own forces had lost four men",
 * "put its losses at two": the nearest side named before the loss. Null when the text names none.
 */
export function sideOfLoss(before: string): Group | null {
  if (!/\b(lost|losing|loses|lose|losses)\b/i.test(before.slice(-40))) return null;
  const sides = [...before.matchAll(new RegExp(`${SECURITY_WORDS.source}|${MILITANT_WORDS.source}|\\b(front|militia|group|movement|brigade)\\b`, 'gi'))];
  const last = sides[sides.length - 1]?.[0];
  if (!last) return null;
  return SECURITY_WORDS.test(last) ? 'SECURITY_FORCES' : 'MILITANTS';
}

const SECURITY_WORDS = /\b(security|forces|police|policem[ae]n|soldiers?|troops?|army|military|guards?|coastguards?|paramilitar\w*|servicem[ae]n|service members|armed forces|marines?|commandos?|peacekeepers?|recruits?|cadets?|sailors?|airmen|officers?)\b/i;
const MILITANT_WORDS = new RegExp(String.raw`\b(${MILITANTS.join('|')})\b`, 'i');
const CIVILIAN_WORDS = new RegExp(String.raw`\b(${CIVILIANS.join('|')})\b`, 'i');

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** What a speaker or an attacker does next: "officials said", "Gunmen killed". */
const ACTOR = /^\s+(?:\w+\s+)?(?:said|says|say|told|killed|kill|shot|attacked|stormed|seized|kidnapped|abducted|opened|blew|fired|raided|ambushed)\b/i;

/**
 * "a train carrying 400 passengers ... killing 21 of them": the group of the last people the text
 * names, for "of them" when they were no casualty figure; a speaker ("officials said") or the people
 * who did it ("Gunmen killed 12 of them") are not them.
 * UNSPECIFIED when the text names none.
 */
export function groupOfLastPeople(text: string): Group {
  const words = new RegExp(`${MILITANT_WORDS.source}|${CIVILIAN_WORDS.source}|${SECURITY_WORDS.source}`, 'gi');
  const named = [...text.matchAll(words)].filter((m) => !ACTOR.test(text.slice(m.index! + m[0].length)));
  return named.length ? groupOf(named[named.length - 1][0]) : 'UNSPECIFIED';
}

/** The coarse group of a noun phrase for people; UNSPECIFIED when the words do not say. */
export function groupOf(who: string): Group {
  if (MILITANT_WORDS.test(who) || /\b(armed groups?|militias?|brigades?)\b/i.test(who)) return 'MILITANTS';
  if (CIVILIAN_WORDS.test(who) || /\bfamil(?:y|ies)\b/i.test(who)) return 'CIVILIANS';
  if (SECURITY_WORDS.test(who)) return 'SECURITY_FORCES';
  return 'UNSPECIFIED';
}

/** People counted out of people already counted: "nine of them", "38 of the wounded", "12 of the dead in Bexa were children". */
export interface Anaphor {
  /** Characters from the end of the count to the end of the reference, or of the predicate when there is one. */
  length: number;
  /** The outcome the reference names ("of the dead"), or null ("of them"). */
  outcome: Outcome | null;
  /** The group a predicate gives them ("were children"), or null. */
  group: Group | null;
  /** Whether a predicate says who they were ("were members of one family"), whatever their group. */
  described: boolean;
}

const ANAPHOR = /^\s+of (?:them|those|whom|the (dead|killed|victims|wounded|injured|missing|hostages|captives|casualties))\b/i;
const PREDICATE = /^[^.;,]{0,30}?\b(?:were|was|are|is|belonged to|were from|came from)\s+(?:all\s+)?((?:[A-Za-z'’-]+\s+){0,3}?[A-Za-z'’-]+)(?=[,.;]|\s+(?:and|who|aged)\b|$)/i;

/** The reference to people counted before, right after a count ("of them"), or null. */
export function anaphorAfter(rest: string): Anaphor | null {
  const reference = ANAPHOR.exec(rest);
  if (!reference) return null;
  const noun = reference[1]?.toLowerCase();
  const outcome: Outcome | null = !noun ? null : /dead|killed|victims/.test(noun) ? 'KILLED' : /wounded|injured/.test(noun) ? 'INJURED'
    : noun === 'missing' ? 'MISSING' : noun === 'casualties' ? 'KILLED_OR_INJURED' : 'ABDUCTED';
  // "12 people, nine of them civilians": the people named straight after the reference.
  const apposed = NOUN_AFTER.exec(rest.slice(reference[0].length));
  if (apposed && groupOf(apposed[0]) !== 'UNSPECIFIED') {
    return { length: reference[0].length + apposed[0].length, outcome, group: groupOf(apposed[0]), described: true };
  }
  const predicate = PREDICATE.exec(rest.slice(reference[0].length));
  const group = predicate ? groupOf(predicate[1]) : 'UNSPECIFIED';
  if (!predicate || !PEOPLE_PREDICATE.test(predicate[1])) return { length: reference[0].length, outcome, group: null, described: false };
  return { length: reference[0].length + predicate[0].length, outcome, group: group === 'UNSPECIFIED' ? null : group, described: true };
}

const NOUN_AFTER = new RegExp(String.raw`^\s+(?:[A-Za-z'’-]+\s+){0,2}?(?:${HEAD})\b(?=[,.;]|$)`, 'i');

/** A predicate that says who people were ("children", "members of one family"), not how they fare ("in a critical condition"). */
const PEOPLE_PREDICATE = new RegExp(String.raw`^(?:(?:an?|the|all)\s+)?(?:[A-Za-z'’-]+\s+){0,2}?(?:${HEAD}|members|family|families|militias?|brigades?|groups?|forces)\b`, 'i');
