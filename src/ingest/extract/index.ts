import { splitParagraphs } from '../../domain/article-text';
import type { Outcome } from '../../domain/casualty';
import { claimantTypeForCount, claimFor, claimsIn, type Claim } from './claimants';
import { anaphorAfter, groupOfLastPeople, peopleAfter, sideOfLoss, type PeopleNoun } from './groups';
import { findCounts, type CountMention } from './numbers';
import { HOSTAGES_WITHOUT_NUMBER, outcomeAfter, outcomeBefore, outcomeInClause, takenPrisoner, takesObject } from './outcomes';
import { linkFigures, recallsAnotherEvent, type Draft } from './relations';
import type { ExtractedFigure, ExtractOptions } from './types';
import { coversEverySide, deniedOutcome, disputeAt, namedSource, verificationCue } from './verification';

export type { ExtractedFigure, ExtractOptions } from './types';

/**
 * Extracts every casualty count of people in a clean article body (paragraphs separated by blank
 * lines), coded by DOMAIN.md's rules, in text order, keys E1, E2, ... Each figure is a proposal for
 * an editor: `confidence` is lower where a rule fell back (no people named, outcome inherited, no
 * claimant). Counts of things (houses, cities, hours) and of people freed or moved are left out.
 * Never throws on text; an empty body gives no figures.
 */
export function extractFigures(body: string, opts: ExtractOptions = {}): ExtractedFigure[] {
  const paragraphs = splitParagraphs(body).map((paragraph) => sentencesOf(paragraph));
  const placeOf = opts.placeOf ? (sentence: string) => opts.placeOf!(withoutDateline(sentence)) : () => null;
  const leadPlace = paragraphs.flat().map((sentence) => placeOf(sentence)).find((place) => place)
    ?? datelinePlace(paragraphs.flat(), opts.placeOf);
  const drafts: Draft[] = [];
  let lastNamed: Claim | null = null;
  const namedSoFar: Claim[] = [];
  let lastFound: Draft[] = [];
  let sentenceIndex = 0;
  let previousSentence = '';

  for (const [paragraph, sentences] of paragraphs.entries()) {
    let paragraphPlace: string | null = null;
    let lastWithFigures: Draft[] = [];
    for (const sentence of sentences) {
      const place = placeOf(sentence) ?? paragraphPlace ?? leadPlace;
      paragraphPlace = placeOf(sentence) ?? paragraphPlace;
      const claims = claimsIn(sentence, lastNamed, namedSoFar);
      const lastFigure = drafts.filter((d) => paragraph - d.paragraph <= 1 && !d.includedIn && !d.amongPrevious).pop();
      const where: Where = { paragraph, sentenceIndex, place, lastFigure, earlier: [...drafts], named: placeOf(sentence), previous: previousSentence };
      const found = figuresIn(sentence, claims, () => `E${drafts.length + 1}`, (draft) => drafts.push(draft), where);
      const cue = verificationCue(sentence);
      const denialFirst = cue === 'DISPUTED' && found.length > 0 && disputeAt(sentence) < sentence.indexOf(found[0].wording);
      if (found.length) {
        for (const figure of found) figure.verification = cue && !denialFirst ? cue : 'REPORTED';
        // A denial that opens a sentence answers the figures said before it, if need be in the paragraph before.
        if (denialFirst) for (const figure of lastWithFigures.length ? lastWithFigures : lastFound) figure.verification = 'DISPUTED';
        lastWithFigures = found;
        lastFound = found;
      } else if (cue) {
        const answered = answeredBy(sentence, sentences.indexOf(sentence) === 0, drafts, lastWithFigures.length ? lastWithFigures : null, lastFound);
        for (const figure of answered) if (figure.verification === 'REPORTED') figure.verification = cue;
        lastWithFigures = [];
        lastFound = [];
      } else {
        // "He denied that any had been captured": the last count of that outcome is disputed.
        const denied = deniedOutcome(sentence);
        const last = denied && [...drafts].reverse().find((d) => d.outcome === denied.outcome && paragraph - d.paragraph <= 1
          && (denied.group === 'UNSPECIFIED' || d.group === denied.group));
        if (last) last.verification = 'DISPUTED';
      }
      for (const figure of found) if (recallsAnotherEvent(sentence, paragraph === 0, figure.wording)) figure.background = true;
      const named = claims.filter((claim) => claim.claimedBy);
      if (named.length) lastNamed = named[named.length - 1];
      namedSoFar.push(...named);
      sentenceIndex += 1;
      previousSentence = sentence;
    }
  }
  linkFigures(drafts, opts.placeWithin);
  return drafts.map(published);
}

/**
 * The figures a verification cue without figures of its own answers: those said in the source it
 * names ("The statement could not be verified"); opening a paragraph and speaking of every side
 * ("Neither account could be verified"), every claim so far; else the last sentence with figures of
 * its paragraph (`lastInParagraph`), or, opening a paragraph, the last one of the paragraph before.
 */
function answeredBy(sentence: string, opening: boolean, drafts: Draft[], lastInParagraph: Draft[] | null, lastFound: Draft[]): Draft[] {
  const source = namedSource(sentence);
  const said = source ? drafts.filter((d) => source.test(d.sentence)).pop() : undefined;
  if (said) return drafts.filter((d) => d.sentence === said.sentence);
  if (opening && coversEverySide(sentence)) return drafts.filter((d) => d.claimedBy && !d.background);
  return lastInParagraph ?? (opening ? lastFound : []);
}

/** A draft as the caller sees it: the coding's fields, confidence and sentence, none undefined. */
function published(draft: Draft): ExtractedFigure {
  const { paragraph, sentenceIndex, includedIn, amongPrevious, revision, earlierCount, separate, additional, ...figure } = draft;
  return dropUndefined(figure);
}

const segmenter = new Intl.Segmenter('en', { granularity: 'sentence' });

/**
 * A wire story's dateline ("SARVEN, Dalsk — ", "KORVAL, Estavia (AP) — ") names where it was filed,
 * not where people were hurt.
 */
function withoutDateline(sentence: string): string {
  return sentence.replace(DATELINE, '');
}

const DATELINE = /^[A-Z][A-Z .'’-]+(?:,\s*[A-Z][\w .'’-]*)?(?:\s*\([A-Za-z. ]+\))?\s*[—–-]\s+/;

/**
 * The place of the first sentence with a dateline, read whole: a story whose text names no place of
 * its own ("SOREL — The ferry capsized ...") reports on where it was filed.
 */
function datelinePlace(sentences: string[], placeOf: ExtractOptions['placeOf']): string | null {
  const opening = sentences.find((sentence) => DATELINE.test(sentence));
  return opening && placeOf ? placeOf(opening) : null;
}

/** A title's abbreviation ("Col. Radu Petrescu", "Dr. Lina Haddad") never ends a sentence. */
const TITLE_ABBREVIATION = /\b(?:Col|Gen|Lt|Maj|Capt|Sgt|Cmdr|Brig|Adm|Gov|Sen|Rep|Dr|Mr|Mrs|Ms|Prof|Rev|St)\.$/;

/**
 * A paragraph's sentences, as src/domain/article-text.ts's sentenceContaining cuts them, except
 * that an abbreviation ("Col.", "U.N.") does not end one.
 */
export function sentencesOf(paragraph: string): string[] {
  const sentences: string[] = [];
  for (const { segment } of segmenter.segment(paragraph)) {
    const text = segment.trim();
    if (!text) continue;
    // "A U.N. peacekeeper": a sentence never begins in lower case, so the cut was an abbreviation's.
    const continues = TITLE_ABBREVIATION.test(sentences[sentences.length - 1] ?? '') || /^[a-z]/.test(text);
    if (sentences.length && continues) sentences[sentences.length - 1] += ` ${text}`;
    else sentences.push(text);
  }
  return sentences;
}

const COORDINATION = /^\s*(?:,\s*)?(?:and|or|as well as|plus)?\s*$/i;
/** "including" and its kin lead straight to the part ("including three children"), not to a later clause. */
const INCLUDING = /\b(including|among them|among whom|of whom|of them|among those|among the dead were|among the victims were)\b(?:\s+[\w'’-]+){0,2}\s*$/i;
const AMONG_PREVIOUS = /(?:^\s*(?:among (?:the|those) (?:dead|killed|victims|wounded|injured|missing)|among them)(?: (?:were|was|are|is))?|\bthe (?:dead|victims|wounded|injured) (?:included|include|were|are))\s+$/i;
const TOLL = /\b(toll|number of (?:the |those |people )?(dead|deaths|killed|wounded|injured|casualties|missing|kidnapped|abducted|detained|arrested|hostages))\b[^.;]*?\b(rose|risen|climbed|increased|jumped|reached|stands|stood|now|revised|raised|to|at|of)\s+$/i;
const REVISION = /\b(rose|risen|climbed|increased|jumped|raised|revised|lowered|cut|updated|reached|stands|now)\b[^.;]{0,40}?\b(to|at)?\s*$/i;
/** The people of a count speak ("two doctors said", "a doctor at the port clinic said"): no casualty. */
const SPEAKER = /^\s*(?:(?:at|of|from|for|in|with)\s[^,.;]{0,40}?)?(?:,\s*)?(said|says|told|reported|claimed|stated|added|confirmed)\b(?!\s+by\b)/i;
/** "..., said Hana Saleh": the speaker follows the verb, so the people before it are not speaking. */
const INVERTED = /^\s*,\s*(?:said|says|told)\s+(?:[A-Z]|the\b|an?\b)/;
/** "Among the dead was the clinic's only surgeon": "the" before one person named as a part counts one. */
const AMONG_ONE = /^\s*among (?:the|those) (?:dead|killed|victims|wounded|injured|missing) (?:was|is)\s+(?=the\s)/i;
const SEPARATE = /\b(separate|unrelated|another) (incident|attack|bombing|raid|clash|ambush|strike)\b/i;
const AMONG_AFTER = /^\s*(?:were|was|are|is)\s+among\s+(?:the|those)\s+(dead|killed|victims|wounded|injured|missing)\b/i;
const EARLIER_COUNT = /\b(initially|earlier|previously|first)\s+(said|put|reported|gave|announced)\b|\bhad earlier\b|\bhad (?:put|given|announced) (?:the|its|their) (?:death )?(?:toll|figure|count|number of \w+)\b|^\s*Earlier,|\b(an|the) (earlier|initial|previous) (toll|figure|count)\b/i;
/** "rose to 63 ..., up from 41 a day earlier": the count after "up from" is the one revised. */
const REVISED_FROM = /\b(?:up|down)\s+from\s+$/i;
const OF_THEM = /^\s+of (?:them|whom|those)\b/i;
const SUB_COUNT = /^\s+of (them|whom|those|the (?:dead|killed|victims|wounded|injured|missing|hostages|captives|casualties))\b/i;

interface Where {
  paragraph: number;
  sentenceIndex: number;
  place: string | null;
  /** The last figure of the paragraph or the one before: whom "others" are like. */
  lastFigure?: Draft;
  /** Every figure of the article before this sentence, in text order. */
  earlier: Draft[];
  /** The place the sentence itself names, or null. */
  named: string | null;
  /** The sentence before, in the same paragraph or the one before; '' for the first. */
  previous: string;
}

/** The figures of one sentence, pushed through `add` in order (so keys follow the text). */
function figuresIn(sentence: string, claims: Claim[], nextKey: () => string, add: (draft: Draft) => void, where: Where): Draft[] {
  const one = AMONG_ONE.exec(sentence);
  const counts: CountMention[] = [
    ...(one ? [{ start: one[0].length, end: one[0].length + 3, text: 'the', qualifier: 'EXACT' as const, qualified: false, number: 1, singular: true }] : []),
    // "lost their lives": "the" or a possessive counts one person only before a singular people noun.
    ...findCounts(sentence).filter((c) => !/^(their|his|her|its|the)$/i.test(c.text) || peopleAfter(sentence.slice(c.end))?.singular),
  ];
  const found: Draft[] = [];
  const nounEnds = new Map<Draft, number>();
  let previous = null as { count: CountMention; end: number; figure: Draft | null; people?: PeopleNoun | null } | null;

  for (const [index, count] of counts.entries()) {
    const people = peopleAfter(sentence.slice(count.end));
    const nounEnd = count.end + (people?.length ?? 0);
    const before = sentence.slice(0, count.start);
    const coordinated = previous !== null && previous.end <= count.start && COORDINATION.test(sentence.slice(previous.end, count.start));
    const skip = (figure: Draft | null = null) => { previous = { count, end: nounEnd, figure, people }; };
    if (previous && count.start < previous.end) continue;
    if (SPEAKER.test(sentence.slice(nounEnd)) && !INVERTED.test(sentence.slice(nounEnd))) { skip(); continue; }
    const part = anaphoricPart(sentence, count, claims, [...where.earlier, ...found], where);
    if (part) {
      part.key = nextKey();
      add(part);
      found.push(part);
      nounEnds.set(part, count.end);
      previous = { count, end: count.end, figure: part };
      continue;
    }
    // "four children, one of them in a serious condition", "Three of the wounded were in a critical condition":
    // a detail of a count, not a count.
    if (SUB_COUNT.test(sentence.slice(count.end)) && !outcomeBefore(before) && !outcomeAfter(sentence.slice(count.end).replace(SUB_COUNT, ''))) { skip(); continue; }
    const cue = outcomeBefore(before);
    if (cue && cue.outcome === null) { skip(); continue; }
    if (coordinated && previous && !previous.figure && !cue) { skip(); continue; }

    const toll = !people && TOLL.test(before);
    const afterText = sentence.slice(nounEnd, limitAfter(sentence, counts, index, nounEnd));
    const verbAfter = outcomeAfter(afterText);
    // The count cut the text short: "a man killed | three people" is active, not what befell the man.
    const after = verbAfter && takesObject(sentence.slice(nounEnd + verbAfter.through)) ? null : verbAfter;
    const among = AMONG_AFTER.test(afterText);
    const nearAfter = after !== null && after.through <= 40;
    const parent = coordinated && previous?.figure ? previous.figure : null;
    // Measured from the end of the last count's people, not its wording: "four civilians, including a teacher, were killed".
    const included = INCLUDING.test(sentence.slice(found.length ? nounEnds.get(found[found.length - 1])! : 0, count.start))
      ? found.filter((f) => !f.includedIn).pop() : undefined;
    // "the toll had risen to 11 after two workers died of their burns", "rose to 14 after rescuers found the
    // bodies of three more miners": the newly dead are counted in the new toll.
    const explained = !included && /\bafter\b[^,;]*$/i.test(before) ? found.find((f) => f.revision) : undefined;
    const includedIn = parent?.includedIn ? found.find((f) => f.key === parent.includedIn) : included ?? explained;
    const amongPrevious = (!found.length && AMONG_PREVIOUS.test(before)) || among || Boolean(parent?.amongPrevious);
    // "a teacher" counts one person when something says what befell them: a verb, a count it joins or is part of.
    if (count.singular && !(people?.singular && (cue || nearAfter || parent || included || amongPrevious))) continue;
    // "Two civilians, a shepherd and his son, were wounded": an appositive says who the count's people were.
    if (count.singular && previous?.figure && /^,\s*$/.test(sentence.slice(previous.end, count.start))) { skip(); continue; }
    const amongClause = amongPrevious || Boolean(parent?.amongPrevious);

    let outcome: Outcome | null = null;
    let fallback = false;
    if (cue) outcome = cue.outcome;
    else if (people?.impliedOutcome && !after) outcome = people.impliedOutcome;
    else if (after && (people || nearAfter)) outcome = after.outcome;
    else if (parent) { outcome = parent.outcome; fallback = true; }
    else if (includedIn) { outcome = includedIn.outcome; fallback = true; }
    else if (toll) { outcome = outcomeInClause(before.slice(-80)) ?? 'KILLED'; fallback = true; }
    else if (REVISED_FROM.test(before) && found.length) { outcome = found[found.length - 1].outcome; fallback = true; }
    else if (people && amongClause) {
      outcome = outcomeInClause(before.slice(-60).split(/[;—]/).pop() ?? '');
      fallback = true;
    }
    if (!outcome) { skip(); continue; }
    const prisoners = cue !== null && cue.outcome !== null && takenPrisoner(cue.wording, people?.who ?? '');
    if (prisoners) outcome = 'DETAINED';
    const earlierFigure = found.filter((f) => !f.includedIn).pop() ?? (/^others$/i.test(people?.who ?? '') ? where.lastFigure : undefined);
    const saysWho = people && !/^(others|wounded|injured|dead)$/i.test(people.who);
    // "Some 40 miners fled, and at least six were missing": a bare count after "and" counts the people named before it.
    const joined = !earlierFigure && !people && previous?.people && /(?:,\s*|\s)(?:and|but)\s+$/.test(sentence.slice(previous.end, count.start))
      ? previous.people : null;
    // "killing 21 of them" when they were no figure: the people the text named last, here or in the sentence before.
    const themGroup = () => (OF_THEM.test(sentence.slice(count.end))
      ? [before, where.previous].map(groupOfLastPeople).find((g) => g !== 'UNSPECIFIED') ?? 'UNSPECIFIED' : 'UNSPECIFIED');
    const said = saysWho ? people.group : earlierFigure?.group ?? joined?.group ?? people?.group ?? themGroup();
    // "killed more than 100 government soldiers and took 60 prisoners": the prisoners are of the side just counted.
    const side = prisoners ? found.filter((f) => f.group === 'SECURITY_FORCES' || f.group === 'MILITANTS').pop()?.group : undefined;
    const group = side ?? (said === 'UNSPECIFIED' && outcome === 'KILLED' ? sideOfLoss(before) ?? said : said);

    const tollAt = toll ? before.search(/(?:\bthe\s+)?(?:death\s+)?\btoll\b|\bnumber of\b/i) : -1;
    const wordingStart = cueStart(before, cue) ?? (tollAt >= 0 ? tollAt : count.start);
    const extension = after ? sentence.slice(nounEnd, nounEnd + after.through) : '';
    const usedAfter = !cue && after && !people?.impliedOutcome && !findCounts(extension).some((c) => !c.singular);
    const wordingEnd = usedAfter ? nounEnd + after!.through : nounEnd;
    const claim = claimFor(claims, count.start, sentence);
    const qualifier = !count.qualified && parent && parent.qualifier !== 'BETWEEN' && parent.number !== undefined
      ? parent.qualifier : count.qualifier;
    const figure: Draft = {
      key: nextKey(),
      wording: sentence.slice(wordingStart, wordingEnd).trim(),
      outcome,
      group,
      ...(people && !people.impliedOutcome ? { who: people.who } : {}),
      qualifier,
      ...(count.number !== undefined ? { number: count.number } : {}),
      ...(count.numberHigh !== undefined ? { numberHigh: count.numberHigh } : {}),
      claimedBy: claim?.claimedBy ?? null,
      claimantType: claimantTypeForCount(claim, sentence.slice(wordingStart, wordingEnd).trim()),
      verification: 'REPORTED',
      place: where.place,
      confidence: confidenceOf({ people: Boolean(people), fallback, claim: Boolean(claim), singular: count.singular }),
      sentence,
      paragraph: where.paragraph,
      sentenceIndex: where.sentenceIndex,
      ...(includedIn ? { includedIn: includedIn.key } : {}),
      ...(amongPrevious ? { amongPrevious: true } : {}),
      ...(SEPARATE.test(sentence) ? { separate: true } : {}),
      ...(/^\s*(?:were|was|are|is|had been|have been|has been)?\s*also\b/i.test(sentence.slice(nounEnd)) ? { additional: true } : {}),
      ...(toll && REVISION.test(before) ? { revision: true } : {}),
      ...(EARLIER_COUNT.test(sentence) || REVISED_FROM.test(before) ? { earlierCount: true } : {}),
    };
    add(figure);
    found.push(figure);
    nounEnds.set(figure, nounEnd);
    skip(figure);
  }

  for (const match of sentence.matchAll(HOSTAGES_WITHOUT_NUMBER)) {
    if (found.some((f) => f.outcome === 'ABDUCTED' && sentence.indexOf(f.wording) <= match.index! + match[0].length
      && sentence.indexOf(f.wording) + f.wording.length >= match.index!)) continue;
    const claim = claimFor(claims, match.index!);
    const figure: Draft = {
      key: nextKey(), wording: match[0], outcome: 'ABDUCTED', group: 'UNSPECIFIED', qualifier: 'UNSPECIFIED',
      claimedBy: claim?.claimedBy ?? null, claimantType: claim?.claimantType ?? 'UNKNOWN', verification: 'REPORTED',
      place: where.place, confidence: confidenceOf({ people: false, fallback: false, claim: Boolean(claim), singular: false }),
      sentence, paragraph: where.paragraph, sentenceIndex: where.sentenceIndex,
    };
    add(figure);
    found.push(figure);
  }
  return found;
}

/**
 * "treating nine of them", "12 of the dead in Bexa were children": a part of the nearest count of
 * those people said in the last few sentences, with their group unless a predicate names another.
 * Null when the count is not such a part, or says nothing of them ("three of them critically").
 */
function anaphoricPart(sentence: string, count: CountMention, claims: Claim[], earlier: Draft[], where: Where): Draft | null {
  const anaphor = anaphorAfter(sentence.slice(count.end));
  if (!anaphor) return null;
  const before = sentence.slice(0, count.start);
  const cue = outcomeBefore(before);
  if (cue && cue.outcome === null) return null;
  const verb = outcomeAfter(sentence.slice(count.end + anaphor.length));
  if (!cue && !anaphor.described && !(verb && verb.through <= 30)) return null;
  // "two of the injured died": what befell them now is another outcome, counted with the new toll.
  if (anaphor.outcome && verb && verb.through <= 30 && verb.outcome !== anaphor.outcome) return null;
  const outcome = anaphor.outcome ?? cue?.outcome ?? outcomeInClause(before) ?? verb?.outcome ?? null;
  // "of them" points to the last few sentences; "of the dead" to the last standing count of the dead anywhere before.
  // Bodies recovered are the dead found so far, not "the dead", unless the sentence names their place ("of the dead in Bexa").
  const recovered = (f: Draft) => /\bbodies\b/i.test(f.wording) && !(where.named && where.named === f.place);
  const near = (f: Draft) => (anaphor.outcome ? !f.earlierCount : where.sentenceIndex - f.sentenceIndex <= 2);
  const candidates = [...earlier].reverse().filter((f) => near(f) && !f.background && (outcome === null || f.outcome === outcome));
  const whole = candidates.find((f) => !anaphor.outcome || !recovered(f)) ?? candidates[0];
  if (!whole) return null;
  const start = cueStart(before, cue) ?? count.start;
  const wording = sentence.slice(start, count.end + anaphor.length).trim();
  const claim = claimFor(claims, count.start, sentence);
  return {
    key: '', wording, outcome: outcome ?? whole.outcome, group: anaphor.group ?? whole.group,
    ...(whole.who ? { who: whole.who } : {}),
    qualifier: count.qualifier,
    ...(count.number !== undefined ? { number: count.number } : {}),
    ...(count.numberHigh !== undefined ? { numberHigh: count.numberHigh } : {}),
    claimedBy: claim?.claimedBy ?? null, claimantType: claimantTypeForCount(claim, wording), verification: 'REPORTED',
    place: where.place, confidence: confidenceOf({ people: false, fallback: false, claim: Boolean(claim), singular: false }),
    sentence, paragraph: where.paragraph, sentenceIndex: where.sentenceIndex, includedIn: whole.key,
  };
}

/** Where the verb that gave the outcome starts ("killing at least 12 people"), or undefined. */
function cueStart(before: string, cue: ReturnType<typeof outcomeBefore>): number | undefined {
  if (!cue || cue.outcome === null) return undefined;
  const at = before.toLowerCase().lastIndexOf(cue.wording.toLowerCase());
  return at >= 0 ? at : undefined;
}

/** The end of the text where a verb after the people may tell their outcome: the next count not joined by "and". */
function limitAfter(sentence: string, counts: CountMention[], index: number, nounEnd: number): number {
  let end = nounEnd;
  for (const next of counts.slice(index + 1)) {
    if (next.start < end) continue;
    // A part named inside the count's own phrase ("12 people, including several guards, had been killed") does not end it.
    const between = sentence.slice(end, next.start);
    if (!COORDINATION.test(between) && !/^\s*,?\s*(including|among them)\s*$/i.test(between)) return next.start;
    end = next.end + (peopleAfter(sentence.slice(next.end))?.length ?? 0);
  }
  return sentence.length;
}

function confidenceOf(signals: { people: boolean; fallback: boolean; claim: boolean; singular: boolean }): number {
  let confidence = 0.9;
  if (!signals.people) confidence -= 0.15;
  if (signals.fallback) confidence -= 0.15;
  if (!signals.claim) confidence -= 0.1;
  if (signals.singular) confidence -= 0.1;
  return Math.round(confidence * 100) / 100;
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
