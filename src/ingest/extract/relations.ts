import { boundsFor } from '../../domain/casualty';
import type { ExtractedFigure } from './types';

/**
 * Relations between the figures of one article (DOMAIN.md, both editions), decided in this order:
 * `background` (an earlier or other event recalled), `supersedes` (a revised toll), `partOf`
 * ("including", a group count of a total, a place's count inside a wider one), `restates` (a
 * later mention of the same people: the same number again, or another source's count in the same
 * paragraph). Background figures are never wholes or first mentions of this event's counts.
 */

/** A figure while it is being extracted: where it stands and what its sentence said around it. */
export interface Draft extends ExtractedFigure {
  paragraph: number;
  /** Index of the sentence in the whole body. */
  sentenceIndex: number;
  /** Key of the figure this one follows after "including"/"among them" in the same sentence. */
  includedIn?: string;
  /** Said after "among the dead"/"among them" at the start of a sentence: a part of the last total. */
  amongPrevious?: boolean;
  /** "rose to 15": a revision of the last count of the same outcome. */
  revision?: boolean;
  /** "initially said", "earlier put the toll at": a count a newer one replaces. */
  earlierCount?: boolean;
  /** Said of a separate incident ("In a separate incident, ..."): linked to nothing else. */
  separate?: boolean;
  /** Said to be in addition to what came before ("four officers were also injured"): no part of it. */
  additional?: boolean;
}

const BACKGROUND = /\b(last year|a (year|decade) (ago|earlier)|(two|three|four|five|several|\d+) (years|decades) (ago|earlier)|years ago|decades ago|in (19|20)\d\d|earlier this (year|month)|an earlier (attack|wave|bombing|raid|assault|strike)|in an earlier|a similar \w+|(the|a) previous (attack|bombing|raid|assault|year)|in the past|in recent (?:years|decades)|in the (?:\w+ )?(?:years|decades) (?:before|leading up to)|over the (?:past|last) (?:few |several |\w+ )?(?:years|decades)|since (19|20)\d\d|deadliest since|brings? (?:the \w+ )?to \d+|brings? to \w+ the)\b/i;
/**
 * Other wording of another event or of a running total: "the deadliest ... since", "so far this year",
 * "have been kidnapped in the region this year", "since the protests began".
 */
const OTHER_PERIOD = /\b(?:(?:deadliest|worst|bloodiest)\b[^.;]*\bsince\b|so far this (?:year|month)|(?:have|has) been \w+[^.;]*\bthis year\b|since the (?:start|beginning) of|since the \w+ (?:began|started|erupted|broke out))/;
/**
 * A date by month, "last month" or "this year" ("On March 2, a rocket attack there killed five";
 * "since May, when an ambush killed 22"; "Last month, an attack killed 12"; "42 attacks this year,
 * killing 97"): after the lead, which dates the story's own event, it dates another one or a total.
 */
const MONTH_DATE = /\b(?:(?:[Oo]n|[Ii]n|[Ss]ince) (?:January|February|March|April|May|June|July|August|September|October|November|December)\b|[Ll]ast (?:week|month)\b|this year\b)/;

/** Counts of deaths or casualties ("41 deaths"), which name no people of their own. */
const OUTCOME_NOUN = /\b(deaths|dead|fatalities|casualties)$/i;

/** Whether a sentence recalls another event ("last year's attack killed 70"); `lead` when it opens the story. */
export function recallsAnotherEvent(sentence: string, lead = false, wording?: string): boolean {
  return BACKGROUND.test(sentence) || otherPeriodOf(sentence, wording) || (!lead && MONTH_DATE.test(sentence));
}

/**
 * Whether a sentence's other-period wording reaches a count: "killing 14, in the deadliest day since
 * the election" calls the count's own event the deadliest, so a superlative after the count leaves it alone.
 */
function otherPeriodOf(sentence: string, wording?: string): boolean {
  const match = OTHER_PERIOD.exec(sentence);
  if (!match) return false;
  const at = wording ? sentence.indexOf(wording) : -1;
  return !(at >= 0 && /^(?:deadliest|worst|bloodiest)\b/.test(match[0]) && match.index > at + wording!.length);
}

/** The smallest number a figure's wording allows, else the number said. */
function lowOf(figure: ExtractedFigure): number | null {
  const bounds = boundsFor(figure.qualifier, figure.number ?? 0, figure.numberHigh ?? figure.number ?? 0);
  return bounds.low ?? bounds.best ?? figure.number ?? null;
}

function sameClaimant(a: ExtractedFigure, b: ExtractedFigure): boolean {
  const norm = (text: string | null) => (text ?? '').toLowerCase().replace(/^(the|a|an)\s+/, '').trim();
  return a.claimedBy !== null && norm(a.claimedBy) === norm(b.claimedBy);
}

/** Two named sources in one sentence ("87, fewer than the 120 reported by organisers") can rival each other. */
function bothClaimed(a: ExtractedFigure, b: ExtractedFigure): boolean {
  return a.claimedBy !== null && b.claimedBy !== null;
}

/**
 * Whether two counts of one group can be of the same people: civilians named differently
 * ("journalists", "opposition supporters") are different people; fighters on one side go by many names.
 */
function samePeople(a: Draft, b: Draft): boolean {
  if (a.group !== 'CIVILIANS' || !a.who || !b.who) return true;
  const stem = (who: string) => who.toLowerCase().split(/\s+/).pop()!.replace(/(es|s)$/, '');
  return stem(a.who) === stem(b.who);
}

/**
 * Whether a figure is one group's share of a wider total ("31 civilians and 17 members of the
 * security forces" of "48 people"): a share is not a first mention another source's count answers.
 */
function groupShare(figures: Draft[], figure: Draft): boolean {
  const whole = figure.partOf ? figures.find((f) => f.key === figure.partOf) : undefined;
  return whole !== undefined && whole.group !== figure.group;
}

/** The first mention a figure restates, following restates links back to the root. */
function rootOf(figures: Draft[], figure: Draft): Draft {
  let current = figure;
  while (current.restates) current = figures.find((f) => f.key === current.restates) ?? current;
  return current;
}

/** Sets background, supersedes, partOf and restates on `figures` (in text order), in place. */
export function linkFigures(figures: Draft[], placeWithin?: (inner: string, outer: string) => boolean): void {
  for (const [index, figure] of figures.entries()) {
    const earlier = figures.slice(0, index).filter((f) => !f.background && !f.separate);
    if (figure.background || figure.separate) continue;

    if (figure.revision) {
      const replaced = [...earlier].reverse().find((f) => f.outcome === figure.outcome && !f.partOf);
      if (replaced) {
        figure.supersedes = replaced.key;
        if (figure.group === 'UNSPECIFIED' && !figure.who) {
          figure.group = replaced.group;
          if (replaced.who) figure.who = replaced.who;
        }
      }
      continue;
    }
    if (figure.group === 'UNSPECIFIED' && !figure.who && (/\b(toll|number of)\b/i.test(figure.wording) || OUTCOME_NOUN.test(figure.wording))) {
      // "put the number of dead at seven", "reported 41 deaths": the people of the last count of that outcome,
      // unless the toll names a part of other people ("11, including two men it described as commanders").
      const last = [...earlier].reverse().find((f) => f.outcome === figure.outcome && !f.partOf);
      const mixed = figures.some((f) => f.includedIn === figure.key && f.group !== last?.group);
      if (last && !mixed) figure.group = last.group;
    }
    if (figure.earlierCount) {
      const newer = [...earlier].reverse().find((f) => f.outcome === figure.outcome && f.group === figure.group
        && !f.partOf && !f.supersedes && f.number !== figure.number);
      if (newer) {
        newer.supersedes = figure.key;
        continue;
      }
    }

    const whole = wholeOf(figures, earlier, figure, placeWithin);
    if (whole) {
      figure.partOf = whole.key;
      continue;
    }

    const sameGroup = (f: Draft) => f.group === figure.group || f.group === 'UNSPECIFIED' || figure.group === 'UNSPECIFIED';
    const first = earlier.find((f) => f.outcome === figure.outcome && sameGroup(f) && !f.partOf
      && f.sentenceIndex !== figure.sentenceIndex && figure.number !== undefined && f.number === figure.number
      && f.qualifier !== 'BETWEEN');
    const rival = [...earlier].reverse().find((f) => f.outcome === figure.outcome && f.group === figure.group
      && !f.includedIn && !f.amongPrevious && !groupShare(figures, f) && (f.sentenceIndex !== figure.sentenceIndex || bothClaimed(f, figure))
      && samePeople(f, figure) && !sameClaimant(f, figure)
      && f.place === figure.place && !figures.some((g) => g.supersedes === f.key));
    // "Local elders said as many as 12 people had been killed": another source's count that names no group answers
    // the lead's first count of that outcome, whatever group that one named.
    const answered = figure.group === 'UNSPECIFIED' && !/^others$/i.test(figure.who ?? '') && figure.claimedBy !== null
      ? earlier.find((f) => f.outcome === figure.outcome && f.group !== 'UNSPECIFIED' && !f.partOf && !f.includedIn && !f.amongPrevious
        && f.paragraph === 0 && f.sentenceIndex !== figure.sentenceIndex && f.claimedBy !== null && !sameClaimant(f, figure) && f.place === figure.place
        && !figures.some((g) => g.supersedes === f.key))
      : undefined;
    const restated = first ?? rival ?? answered;
    if (restated) figure.restates = rootOf(figures, restated).key;
  }
}

/** The whole a figure is counted inside, or undefined. */
function wholeOf(figures: Draft[], earlier: Draft[], figure: Draft, placeWithin?: (inner: string, outer: string) => boolean): Draft | undefined {
  if (figure.includedIn) return figures.find((f) => f.key === figure.includedIn);
  if (figure.amongPrevious) {
    // "Among the dead": the largest toll said before that is neither a part, nor replaced, nor a restatement
    // (a part of a set of people points at its first mention).
    // A place's count said in the sentence just before, in the same paragraph, is the dead "among" refers to
    // ("In Durra district, 47 people died. Among the dead were 15 students").
    const low = lowOf(figure) ?? 0;
    const placeShare = (f: Draft) => { const whole = figures.find((g) => g.key === f.partOf); return whole !== undefined && whole.place !== f.place; };
    const just = earlier.filter((f) => f.outcome === figure.outcome && f.sentenceIndex === figure.sentenceIndex - 1
      && f.paragraph === figure.paragraph && placeShare(f) && (lowOf(f) ?? 0) >= low).pop();
    if (just) return just;
    const tolls = earlier.filter((f) => f.outcome === figure.outcome && f.sentenceIndex < figure.sentenceIndex && !f.partOf
      && !f.restates && !figures.some((g) => g.supersedes === f.key));
    return tolls.sort((a, b) => (lowOf(b) ?? 0) - (lowOf(a) ?? 0))[0];
  }
  const low = lowOf(figure);
  if (low === null) return undefined;
  // "pulled 16 bodies" after "at least 21 killed": fewer bodies than the toll's floor are those found so far.
  if (figure.outcome === 'KILLED' && /\bbodies\b/i.test(figure.who ?? figure.wording)) {
    const toll = earlier.find((f) => f.outcome === 'KILLED' && !f.partOf && !f.restates && (lowOf(f) ?? 0) > low
      && !figures.some((g) => g.supersedes === f.key) && f.qualifier !== 'ABOUT');
    if (toll) return toll;
  }
  // A part is at most its whole; the parts together exceed no upper bound the whole's wording sets.
  const partsFit = (whole: Draft) => {
    const bounds = boundsFor(whole.qualifier, whole.number ?? 0, whole.numberHigh ?? whole.number ?? 0);
    const wholeLow = bounds.high ?? bounds.low ?? bounds.best;
    if (wholeLow === null || low > wholeLow) return false;
    const siblings = figures.filter((f) => f.partOf === whole.key);
    return bounds.high === null || siblings.reduce((sum, f) => sum + (lowOf(f) ?? 0), low) <= bounds.high;
  };
  const outcomeFits = (whole: Draft) => whole.outcome === figure.outcome
    || (whole.outcome === 'KILLED_OR_INJURED' && (figure.outcome === 'KILLED' || figure.outcome === 'INJURED'));
  // "In the village of Dimbi alone, 37 people were killed": a place's count said "alone" is a share of the
  // last larger count of that outcome.
  if (/\b(?:[Ii]n|[Aa]t|[Oo]n)\s+(?:the\s+)?(?:[a-z]+\s+of\s+)?[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*\s+alone\b/.test(figure.sentence.slice(0, figure.sentence.indexOf(figure.wording)))) {
    const share = [...earlier].reverse().find((f) => outcomeFits(f) && f.sentenceIndex !== figure.sentenceIndex
      && figure.paragraph - f.paragraph <= 1 && partsFit(f) && (lowOf(f) ?? 0) > low);
    if (share) return share;
  }
  // A group's count of an unspecified total said just before or by the same claimant; or a killed or an
  // injured count splitting the same people's "killed or wounded". Not one said to be in addition ("also").
  if (!figure.additional) {
    const splits = (f: Draft) => f.outcome === 'KILLED_OR_INJURED' && f.group === figure.group && f.outcome !== figure.outcome;
    const total = [...earlier].reverse().find((f) => (f.group === 'UNSPECIFIED' || splits(f)) && outcomeFits(f) && !f.partOf
      && (figure.group !== 'UNSPECIFIED' || f.outcome !== figure.outcome)
      && f.sentenceIndex !== figure.sentenceIndex && (figure.sentenceIndex - f.sentenceIndex === 1 || sameClaimant(f, figure))
      && partsFit(f));
    if (total) return total;
  }
  // A place's count inside the same group's count at a wider place, reported or confirmed first.
  const inside = (inner: string, outer: string | null) => outer !== null && outer !== inner && (placeWithin ? placeWithin(inner, outer) : true);
  if ((figure.group !== 'UNSPECIFIED' || placeWithin) && figure.place) {
    const candidates = earlier.filter((f) => (f.group === figure.group || figure.group === 'UNSPECIFIED') && f.outcome === figure.outcome
      && inside(figure.place!, f.place) && f.paragraph !== figure.paragraph && partsFit(f));
    return candidates.find((f) => f.verification !== 'UNVERIFIED' && f.verification !== 'DISPUTED') ?? candidates[0];
  }
  return undefined;
}
