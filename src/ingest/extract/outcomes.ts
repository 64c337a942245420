import type { Outcome } from '../../domain/casualty';

/**
 * Outcome: what happened to the people counted. A verb just before the count ("killing 12",
 * "wounding between 40 and 60") decides first; then a passive or intransitive verb after the people
 * ("were killed", "had died", "are missing"); then an outcome noun earlier in the clause ("the dead
 * included"). Verbs that free or move people ("freed nearly 30 inmates", "evacuated") make the count
 * no casualty at all: `null` with `notCasualty`.
 */

export type OutcomeCue = { outcome: Outcome; wording: string } | { outcome: null; notCasualty: true } | null;

const BEFORE: [RegExp, Outcome | null][] = [
  [/\b(killing or (?:wounding|injuring)|killed or (?:wounded|injured)|killed and (?:wounded|injured)|killing and (?:wounding|injuring))\s+['‘"“]?$/i, 'KILLED_OR_INJURED'],
  [/\b(killing|killed|kill|kills|shot dead|shooting dead|gunned down|massacred|slaughtered|executed|executing|beheaded|claimed the lives of|deaths of|bodies of|lives of|lost|losing|neutrali[sz]ed|neutrali[sz]ing|eliminated|eliminating)\s+['‘"“]?$/i, 'KILLED'],
  [/\b(wounding|wounded|injuring|injured|hurting|hurt|maiming|maimed|injuries to|treated|treating)\s+['‘"“]?$/i, 'INJURED'],
  [/\b(abducting|abducted|kidnapping|kidnapped|seizing|seized|taking|took|taken|holding|abduction of|kidnapping of)\s+['‘"“]?$/i, 'ABDUCTED'],
  [/\b(arresting|arrested|detaining|detained|rounded up|rounding up|apprehended|apprehending|capturing|captured|arrest of|detention of|jailing|jailed|imprisoning|imprisoned)\s+['‘"“]?$/i, 'DETAINED'],
  [/\b(freed|freeing|released|releasing|rescued|rescuing|evacuated|evacuating|displaced|displacing|deported|repatriated|sheltering|housing|hired|employs|employed|deployed|deploying|sent|trained|training|mobilised|mobilized|recruited|escorted)\s+['‘"“]?$/i, null],
];

const PASSIVE = /^(?:[^.;]{0,70}?\b)?(?:(?:were|was|are|is|had been|have been|has been|been|being|be|may|might|could|got|remain|remained|went|reported|later|all|also|believed|feared|thought|presumed|to be)\s+)+(?:(?:later|all|also|reportedly|subsequently|seriously|critically|badly|fatally|lightly|still|now|confirmed|found|among the|among those)\s+)*(?<verb>killed or (?:wounded|injured)|killed|shot dead|shot and killed|gunned down|(?:beaten|stabbed|burned|hacked) to death|wounded|injured|hurt|treated|taken to hospitals?|admitted to hospitals?|hospitali[sz]ed|abducted|kidnapped|seized|taken hostage|taken captive|detained|arrested|captured|jailed|imprisoned|missing|trapped|dead|victims|unaccounted for|shot|stabbed|beaten)\b/i;
/** "The driver's body was found": a person whose body was found is dead. */
const BODY_FOUND = /^['’]s\s+(?<verb>body)\s+(?:was|had been|has been)\s+(?:later\s+)?(?:found|recovered|retrieved|discovered|pulled|dumped|identified)\b/i;
const INTRANSITIVE = /^(?:[^.;]{0,60}?\s)?(?<verb>died|perished|lost their lives|were killed|drowned|succumbed)\b/i;
const RIGHT_AFTER = /^\s*(?<verb>killed or (?:wounded|injured)|killed|dead|wounded|injured|hurt|missing|abducted|kidnapped|detained|arrested)\b/i;

const NOUNS: [RegExp, Outcome][] = [
  [/\b(casualties|killed or (?:wounded|injured))\b/i, 'KILLED_OR_INJURED'],
  [/\b(dead|killed|deaths?|death toll|toll|fatalities|bodies|lives)\b/i, 'KILLED'],
  [/\b(wounded|injured|injuries|hurt)\b/i, 'INJURED'],
  [/\b(hostages?|abducted|kidnapped|captives?)\b/i, 'ABDUCTED'],
  [/\b(arrested|detained|arrests|detentions)\b/i, 'DETAINED'],
  [/\b(missing|unaccounted)\b/i, 'MISSING'],
];

/** The outcome a verb just before the count gives ("killing", "wounded"), or that the count is no casualty. */
export function outcomeBefore(textBefore: string): OutcomeCue {
  for (const [pattern, outcome] of BEFORE) {
    const match = pattern.exec(textBefore);
    if (!match) continue;
    return outcome ? { outcome, wording: match[1] } : { outcome: null, notCasualty: true };
  }
  return null;
}

/**
 * "took 60 prisoners", "captured 12 prisoners": people taken prisoner in fighting are held by the other
 * side, DETAINED rather than abducted (a hostage-taking says "hostages").
 */
export function takenPrisoner(cueWording: string, who: string): boolean {
  return /^(?:took|taken|taking|captured|capturing|seized|seizing)$/i.test(cueWording) && /^prisoners?(?: of war)?$/i.test(who);
}

/** The outcome a verb after the people gives ("were killed", "had died", "dead"), with the text up to it. */
export function outcomeAfter(textAfter: string): { outcome: Outcome; through: number } | null {
  for (const pattern of [RIGHT_AFTER, BODY_FOUND, PASSIVE, INTRANSITIVE]) {
    const match = pattern.exec(textAfter);
    // "a man killed three people": a verb with an object after it tells what the people did, not what befell them.
    if (match && pattern === RIGHT_AFTER && takesObject(textAfter.slice(match[0].length))) continue;
    if (match) return { outcome: outcomeOfWord(match.groups!.verb), through: match[0].length };
  }
  return null;
}

/** Whether the text after a verb opens with its object ("killed three people"): the verb is active. */
export function takesObject(textAfterVerb: string): boolean {
  return OBJECT.test(textAfterVerb);
}

const OBJECT = /^\s+(?:the|a|an|his|her|their|its|at least|more than|about|some|dozens|scores|hundreds|several|\d|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\b/i;

/** The outcome an outcome noun earlier in the clause gives ("Among the dead were", "the toll rose to"). */
export function outcomeInClause(clauseBefore: string): Outcome | null {
  let best: { at: number; outcome: Outcome } | null = null;
  for (const [pattern, outcome] of NOUNS) {
    const global = new RegExp(pattern.source, 'gi');
    for (const match of clauseBefore.matchAll(global)) {
      if (!best || match.index! > best.at) best = { at: match.index!, outcome };
    }
  }
  return best?.outcome ?? null;
}

function outcomeOfWord(word: string): Outcome {
  const lower = word.toLowerCase();
  if (lower.startsWith('killed or')) return 'KILLED_OR_INJURED';
  if (/killed|dead|died|perished|lost their lives|drowned|succumbed|victims|to death|gunned down|^body$/.test(lower)) return 'KILLED';
  if (/wounded|injured|hurt|hospital|shot|stabbed|beaten/.test(lower)) return 'INJURED';
  if (/treated/.test(lower)) return 'INJURED';
  if (/abducted|kidnapped|hostage|seized|captive/.test(lower)) return 'ABDUCTED';
  if (/detained|arrested|captured|jailed|imprisoned/.test(lower)) return 'DETAINED';
  return 'MISSING';
}

/** "took hostages", "taken hostage": an abduction without a number. */
export const HOSTAGES_WITHOUT_NUMBER = /\b(?:took|taken|taking|seized|held)\s+(?:\w+\s+)?hostages?\b/gi;
