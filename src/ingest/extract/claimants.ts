import type { ClaimantType } from '../../domain/casualty';

/**
 * Claimant and claimant type, within the sentence only (DOMAIN.md: a claimant named in an earlier
 * sentence does not carry over; a pronoun names the last claimant of the paragraph). A figure takes
 * the nearest attribution before it ("the army said four soldiers ..."), else the nearest after it
 * ("..., officials said").
 */

export interface Claim {
  claimedBy: string;
  claimantType: ClaimantType;
  /** Where the attribution's verb sits in the sentence. */
  at: number;
  /** "reported by organisers": attached to the count just before it. */
  attached?: boolean;
}

const VERB = /\b((?:reported|given|cited) by|said|says|say|report|told|reported|reports|claimed|claims|stated|states|announced|announces|added|estimated|estimates|alleged|showed|show|confirmed|confirms|saying|(?:is|are) (?:deeply |gravely |very )?(?:alarmed|concerned|saddened|shocked|appalled|outraged) (?:by|at|that)|revised|lowered|raised|put (?:the|its|their) (?:death )?(?:toll|losses|casualties|number of (?:the )?\w+(?: (?:detained|arrested|killed|dead|injured|wounded|missing))?) at|gave (?:an?|the|its|their) (?:\w+ )?(?:toll|figure|count) of|according to)\b/gi;
const ANAPHOR = /^the (group|organi[sz]ation|committee|movement)$/i;
/** The part of a count named after it ("among them four children"), never a speaker. */
const PART = /^(among|including|most of|many of|some of|all of)\b/i;
const PRONOUN = /^(he|she|they|it|we)$/i;
const TITLES = /^(Chief Minister|Prime Minister|Interior Minister|Defen[cs]e Minister|Health Minister|Minister|Governor|President|Deputy|Police Chief|Mayor|General|Gen\.|Colonel|Col\.|Major|Captain|Inspector|Spokesman|Spokeswoman|Commander)\b/;

/** Who speaks, by DOMAIN.md's claimant types; first match wins, so hospitals' officials are MEDICAL. */
const TYPES: [RegExp, ClaimantType][] = [
  [/\b(hospitals?|doctors?|medics?|medical|paramedics?|rescue|rescuers|ambulance|morgue|mortuary|surgeons?|nurses?|red crescent|health workers?|clinic|emergency services|fire brigade|fire service|firefighters|civil defen[cs]e|Dr)\b/i, 'MEDICAL'],
  [/\b(united nations|u\.n\.|un|international|human rights|peacekeeping|unions?|observatory|monitors?|monitoring|amnesty|human rights watch|rights groups?|red cross|icrc|ngo|acled|independent|watchdog|charity|aid group|aid agency|(?:relief|humanitarian) (?:alliance|group|agency|organi[sz]ation|network|charity)|msf|doctors without borders|activists?|international organi[sz]ation|world \w+ (?:agency|organi[sz]ation|programme|program)|consultancy|analysts?|researchers?|committee to protect|press freedom|diocese|archdiocese|church|parish|bishop)\b/i, 'INDEPENDENT'],
  [/\b(footage|video|videos|images|photographs|photos|state media|state television|television|tv|broadcaster|radio|station|channel|outlet|news agency|newspaper|media|reporters?|journalists?|correspondents?)\b/i, 'MEDIA'],
  [/\b(witness(?:es)?|residents?|survivors?|villagers?|relatives?|neighbou?rs?|shopkeepers?|traders?|locals|passers-by|eyewitness(?:es)?|parents?|elders?|famil(?:y|ies)|teachers?|(?:community|tribal|local|religious|village) leaders?|organi[sz]ers)\b/i, 'WITNESS'],
  [/\b(front|liberation|taliban|islamic state|al-shabaab|al-qaeda|boko haram|group|militants?|rebels?|insurgents?|movement|brigades?|militia|fighters|jihadists?|separatists?|its (?:statement|spokesman))\b/i, 'ARMED_GROUP'],
  [/\b(officials?|police|army|military|ministry|minister|governor|government|authorities|spokes(?:man|woman|person)|chief|commander|mayor|president|administrator|prefect|officers?|council(?:l)?ors?|lawmakers?|legislators?|senators?|department|troops|soldiers|security sources|security services|interior|state|council|prime minister|district|provincial|forces|agency|authority|coast ?guard|air force|navy|colonel|lieutenant|captain|major|general|inspector|sergeant|prosecutors?|office|governor's office|national)\b/i, 'OFFICIAL'],
];

/** The claimant type of a claimant's words; UNKNOWN when no rule fits. */
export function claimantTypeOf(claimedBy: string | null): ClaimantType {
  if (!claimedBy) return 'UNKNOWN';
  const text = claimedBy.replace(/\bthe army\b/i, 'army');
  if (/^the army$|^army$|\bthe military\b/i.test(text)) return 'OFFICIAL';
  // Several claimants together: the type of the first named (DOMAIN.md, second edition).
  const [first, ...others] = text.split(/\s+and\s+/);
  if (others.length && first.split(/\s+/).length <= 4) {
    const type = claimantTypeOf(first);
    if (type !== 'UNKNOWN') return type;
  }
  for (const [pattern, type] of TYPES) if (pattern.test(text)) return type;
  return 'UNKNOWN';
}

/**
 * Every attribution in a sentence, in order. A pronoun is resolved by `lastNamed`; a surname
 * ("Petrescu") or a short reference ("the network") takes the type of the earlier claimant of the
 * article it names (`earlier`, in text order), since the sentence names the same speaker.
 */
export function claimsIn(sentence: string, lastNamed: Claim | null, earlier: Claim[] = []): Claim[] {
  const claims: Claim[] = [];
  for (const match of sentence.matchAll(VERB)) {
    const at = match.index!;
    const verb = match[1].toLowerCase();
    if (/\b(been|be|being|was|were|is|are)\s+$/i.test(sentence.slice(0, at))) continue;
    // "Local authorities report 27 deaths": a plain present verb speaks after a plural subject; "a government report", "to say" do not.
    if (/^(say|report)$/.test(verb) && !pluralSubject(sentence.slice(0, at))) continue;
    let speaker: string | null;
    let typeText: string | null = null;
    if (verb === 'according to' || /^(reported|given|cited) by$/.test(verb)) speaker = after(sentence.slice(at + match[0].length));
    else if (verb === 'saying') speaker = sentenceSubject(sentence);
    else {
      // "Anna Brenk, 52, said": an age after the name is no part of it.
      const before = sentence.slice(0, at).replace(/,\s*\d{1,3},\s*$/, ' ');
      const following = after(sentence.slice(at + match[0].length));
      // "..., a councillor told reporters": after "told" come the listeners, never the speaker.
      const postposed = /["”]\s*$/.test(before) || (verb !== 'told' && !/^(put|gave)\b/.test(verb) && /,\s*$/.test(before) && following !== null
        && !/^(?:on\s+)?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|today|yesterday|tonight|late\b|early\b|later|earlier)/i.test(following)
        && following.split(/\s+/).length <= 7 && !/^(in|that|on|at|it|its|he|she|they|we|their|her|his|our|my|among)\b/i.test(following)
        && !/\d/.test(following)
        && !/\b(had|has|have|was|were|is|are|would|will|\w+ed)\b/.test(following));
      if (postposed) {
        speaker = following;
        // "..., said Hana Saleh, a spokeswoman for the aid group Medics for Kardesh": the appositive tells the type.
        typeText = /^\s*[^,.;]+,\s*((?:an?|the)\s[^,.;]+)/i.exec(sentence.slice(at + match[0].length))?.[1] ?? null;
      }
      else ({ speaker, typeText } = subjectAndType(before));
      // "Twelve were injured, among them four children, said Dr. Pavel Horak of ...": the part of a
      // count before the verb is what was said; the named speaker after it speaks, however long.
      if (!postposed && speaker && PART.test(speaker) && following && /^[A-Z]/.test(following)) {
        speaker = following;
        typeText = null;
      }
    }
    // A count ("up from 38 reported", "12 dead") is what was said, never who said it.
    if (!speaker || /\d/.test(speaker) || PART.test(speaker)) continue;
    // "Prison Watch said relatives had told it ...": an attribution inside another's claim is not the claimant.
    if (claims.length && /^(said|says|told|reported|claimed|stated|added)\b/i.test(speaker)) continue;
    if (verb === 'showed' || verb === 'show') {
      if (!/footage|video|images|photos|photographs|pictures|figures|data|statistics|records|tally/i.test(speaker)) continue;
    }
    if (PRONOUN.test(speaker)) {
      if (lastNamed) claims.push({ ...lastNamed, at });
      continue;
    }
    const claimedBy = tidy(speaker);
    // "a doctor who spoke on condition of anonymity said": a relative clause lengthens the speaker without ending it.
    if (!claimedBy || claimedBy.replace(/\s+(?:who|which)\s.*$/, '').split(/\s+/).length > 9) continue;
    const named = namedBefore(claimedBy, earlier);
    const claimantType = named ? named.claimantType : ANAPHOR.test(claimedBy) && lastNamed ? lastNamed.claimantType
      : [typeText, speaker, claimedBy].map((text) => claimantTypeOf(text)).find((type) => type !== 'UNKNOWN') ?? 'UNKNOWN';
    claims.push({ claimedBy, claimantType, at, ...(/^(reported|given|cited) by$/.test(verb) ? { attached: true } : {}) });
  }
  return claims;
}

/** "Local authorities", "they", "police": a subject a plain present verb ("report", "say") agrees with. */
function pluralSubject(before: string): boolean {
  const word = /([A-Za-z'’]+)\s+$/.exec(before)?.[1] ?? '';
  if (/^(the|a|an|its|their|this|that|latest|to|would|will|could|can|may|might|not|does|do|was|is)$/i.test(word)) return false;
  return /^(we|they|you|i|police|people|staff|media|military|there|here)$/i.test(word) || /[^s]s$/i.test(word);
}

/**
 * The earlier claimant a short name refers to: a surname alone ("Petrescu" after "police chief Col.
 * Radu Petrescu") or "the" and one noun of its name ("The network" after "the Amrath Human Rights
 * Network"); the latest such, or undefined.
 */
function namedBefore(claimedBy: string, earlier: Claim[]): Claim | undefined {
  // "the PDMA" after "the Provincial Disaster Management Authority (PDMA)": an acronym names the claimant whose initials it spells.
  const acronym = /^(?:the\s+)?([A-Z]{2,6})$/.exec(claimedBy)?.[1];
  if (acronym) {
    const spelled = [...earlier].reverse().find((claim) => claim.claimantType !== 'UNKNOWN' && initials(claim.claimedBy) === acronym);
    if (spelled) return spelled;
  }
  const surname = /^[A-Z][\w'’-]+$/.test(claimedBy) ? claimedBy : null;
  const noun = /^the ([a-z]+)$/i.exec(claimedBy)?.[1];
  const word = surname ?? noun;
  if (!word) return undefined;
  const pattern = surname ? new RegExp(`\\s${word}$`) : new RegExp(`\\b${word}\\b`, 'i');
  return [...earlier].reverse().find((claim) => claim.claimedBy !== claimedBy && claim.claimantType !== 'UNKNOWN'
    && pattern.test(claim.claimedBy) && claim.claimedBy.split(/\s+/).length > 1);
}

/** The initials of a name's capitalised words ("Provincial Disaster Management Authority" → "PDMA"). */
function initials(name: string): string {
  return name.replace(/^the\s+/i, '').split(/\s+/).filter((word) => /^[A-Z]/.test(word)).map((word) => word[0]).join('');
}

/**
 * The claimant type of a count: an organisation counting the people its own teams treated ("the Red
 * Cross said its teams had treated 150") speaks from its own medical count (DOMAIN.md: MEDICAL).
 */
export function claimantTypeForCount(claim: Claim | null, wording: string): ClaimantType {
  if (!claim) return 'UNKNOWN';
  if (claim.claimantType === 'INDEPENDENT' && /^(treated|treating)\b/i.test(wording)) return 'MEDICAL';
  return claim.claimantType;
}

/**
 * The attribution a count at `position` takes: one attached to its phrase ("reported by X"), else the
 * nearest before it, else the nearest after.
 */
export function claimFor(claims: Claim[], position: number, sentence = ''): Claim | null {
  // "the 120 arrests reported by organisers": a source attached to the count's own phrase is its source.
  const attached = claims.find((claim) => claim.attached && claim.at > position && claim.at - position <= 30);
  if (attached) return attached;
  const before = claims.filter((claim) => claim.at < position);
  const after = claims.find((claim) => claim.at > position) ?? null;
  const nearest = before[before.length - 1];
  // "Aid groups said X, and a hospital had received 35 wounded, according to MSF": a new clause has its own source.
  if (nearest && after && /,\s+and\b/.test(sentence.slice(nearest.at, position))) return after;
  return nearest ?? after;
}

/** The subject that opens a sentence: its words up to the first verb ("The Black Banner group dismissed ..."). */
function sentenceSubject(sentence: string): string | null {
  const end = sentence.search(/\s(?:[a-z]+ed|said|says|told|denied|rejected|has|have|had|is|are|was|were)\b/);
  return end > 0 ? sentence.slice(0, end).replace(/^.*[—–]\s*/, '').trim() : null;
}

/**
 * The speaker before a reporting verb and the words that tell its type: the speaker with its
 * appositive ("The Sons of the Valley, a militant group ..., said"; "A coast guard spokesman,
 * Lieutenant Mara Ives, said").
 */
function subjectAndType(before: string): { speaker: string | null; typeText: string | null } {
  const speaker = subject(before);
  const { clause, pieces } = clauseBefore(before);
  const typeText = pieces.length > 1 && speaker && (/,\s*$/.test(clause) || /^(an?|the)\s+[a-z]/.test(pieces[pieces.length - 2]))
    ? pieces.slice(-2).join(', ') : null;
  return { speaker, typeText };
}

/**
 * The last clause before a reporting verb and its comma-separated pieces, without a participle that
 * tells how the speaker spoke ("An interior ministry spokesman, speaking on state television, gave ...").
 */
function clauseBefore(before: string): { clause: string; pieces: string[] } {
  const clause = before.split(/[;:—–"“”]|, and\b|\bwhile\b|\bbut\b/).pop() ?? '';
  const pieces = clause.split(',').map((piece) => piece.trim()).filter(Boolean);
  while (pieces.length > 1 && /^(speaking|citing|quoting|writing|asked|adding)\b/i.test(pieces[pieces.length - 1])) pieces.pop();
  // "The air force, which has been bombing the area for months, said": a relative clause is not the speaker.
  while (pieces.length > 1 && /^(which|who)\b/i.test(pieces[pieces.length - 1])) pieces.pop();
  return { clause, pieces };
}

/** The speaker before a reporting verb: the last clause, without an appositive or an adverb. */
function subject(before: string): string | null {
  const { clause, pieces } = clauseBefore(before);
  if (!pieces.length) return null;
  let piece = pieces[pieces.length - 1];
  const appositive = /,\s*$/.test(clause);
  if (appositive && pieces.length > 1 && /^(an?|the|its|one)\s+[a-z]/.test(piece) && /^(?:the\s+)?[A-Z]/.test(pieces[pieces.length - 2])) {
    piece = pieces[pieces.length - 2];
  }
  for (let bare = ''; bare !== piece;) {
    bare = piece;
    piece = piece.replace(/\s+(initially|later|earlier|also|previously|first|separately|then|have|has|had|would|did|on \w+)$/i, '');
  }
  // "Estmark's army put its losses at two dead and said ...": the speaker is the sentence's subject.
  if (/\b(put|said|says|\w+ed)\b/.test(piece) && /\band$/.test(before.trim())) return sentenceSubject(before);
  return piece || null;
}

/** The speaker after a reporting verb or "according to": up to the clause's end. */
function after(rest: string): string | null {
  // A title's abbreviation ("said Dr. Omar Zaki") does not end the speaker.
  const words = rest.trim().split(/[,;:—–"“”]|(?<!\b(?:Col|Gen|Lt|Maj|Capt|Sgt|Cmdr|Brig|Adm|Gov|Sen|Rep|Dr|Mr|Mrs|Ms|Prof|Rev|St))\./)[0].trim();
  return words.replace(/\s+(on|in|at) (Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b.*$/i, '') || null;
}

/**
 * The claimant as the coding writes it: no parenthesised acronym, no leading determiner or
 * adjective before a proper name ("The banned Balochistan Liberation Army (BLA)" → "Balochistan
 * Liberation Army"), no place before a title ("Balochistan Chief Minister ..." → "Chief Minister ...").
 */
function tidy(speaker: string): string {
  // "The Sons of the Mountain, an insurgent group,": an appositive or a relative clause after the name is not the name.
  let text = speaker.replace(/,\s*(?:which|who|an?|the)\b.*$/i, '').replace(/,\s*$/, '').replace(/\s*\([^)]*\)/g, '').replace(/\s+(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|on \w+)$/, '').trim();
  const words = text.split(/\s+/);
  const skip = /^(the|a|an)$/i.test(words[0] ?? '') ? 1 : 0;
  const firstProper = words.findIndex((word, at) => at >= skip && /^[A-Z]/.test(word));
  if (firstProper > skip && words.slice(0, firstProper).every((word) => !/^(at|of|from|in|for|with)$/i.test(word))
    && words.slice(firstProper).every((word) => /^[A-Z]/.test(word) || /^(of|al|for|the|and)$/.test(word))) {
    text = words.slice(firstProper).join(' ');
  }
  const described = /^(.*\b[a-z][\w'’-]*)\s+((?:[A-Z][\w'’.-]*\s*){2,4})$/.exec(text);
  if (described && !/\b(at|of|from|in|for|with|to)\b/.test(described[1])) text = described[2].trim();
  const rest = text.split(/\s+/);
  if (rest.length > 2 && /^[A-Z]/.test(rest[0]) && TITLES.test(rest.slice(1).join(' '))) text = rest.slice(1).join(' ');
  return text;
}
