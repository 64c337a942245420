import type { Group, Outcome, Verification } from '../../domain/casualty';
import { groupOf } from './groups';
import { outcomeAfter } from './outcomes';

/**
 * Verification cues, per DOMAIN.md: what the text says about checking a claim, never who makes it.
 * A cue in a figure's own sentence applies to it; a cue in a sentence without figures ("The claim
 * could not be independently verified.") applies to the nearest earlier sentence of the same
 * paragraph that has figures. Without a cue a figure is REPORTED.
 */

const UNVERIFIED = [
  // "Neither account could be independently confirmed": the negation is the subject.
  /\b(neither|none|no one|nobody)\b[^.]*\b(could|can|has|have|had|was|were|is|are)\s+(be\s+|been\s+)?(independently\s+|immediately\s+)?(verif|confirm)/i,
  /\b(could|can|did|does|has|have|had|was|were|is|are)\s*(not|n['’]t)\s+(be\s+|been\s+)?(independently\s+|immediately\s+)?(verif|confirm)/i,
  /\bverification\b[^.]*\bnot\b[^.]*\bpossible\b/i,
  /\b(unverified|unconfirmed|impossible to verify|no independent (confirmation|verification)|unable to (independently )?(verify|confirm)|no way to verify)\b/i,
  /\bnot\s+(been\s+)?(independently\s+)?(verified|confirmed)\b/i,
  /\b(no|without|little) (evidence|proof)\b/i,
];
const DISPUTED = [
  /\b(called|described|branded)\s+(the|these|those|its|their)\s+(claims?|figures?|reports?|accounts?)\s+(lies|false|untrue|baseless|propaganda|fabricated|exaggerated)\b/i,
  /\b(denied|rejected|disputed|dismissed|contradicted|refuted)\b[^.]*\b(claims?|figures?|toll|reports?|account|numbers?|count)\b/i,
  /\b(claims?|figures?|toll|reports?|account|numbers?|count)\b[^.]*\b(denied|rejected|disputed|dismissed|contradicted|refuted)\b/i,
];
const CONFIRMED = /\b(independently\s+(verified|confirmed)|(verified|confirmed)\s+by\s+(an?\s+)?(independent|the united nations|the un|monitors))\b/i;

/** Where a sentence's denial begins ("dismissed the figure"), or Infinity when it has none. */
export function disputeAt(sentence: string): number {
  const at = sentence.search(/\b(denied|rejected|disputed|dismissed|contradicted|refuted|called (?:the|these|those|its|their) (?:claims?|figures?|reports?|accounts?) (?:lies|false|untrue|baseless|propaganda|fabricated|exaggerated))\b/i);
  return at < 0 ? Infinity : at;
}

/** The verification a sentence's own words give, or null when it says nothing about checking. */
export function verificationCue(sentence: string): Verification | null {
  if (UNVERIFIED.some((pattern) => pattern.test(sentence))) return 'UNVERIFIED';
  if (DISPUTED.some((pattern) => pattern.test(sentence))) return 'DISPUTED';
  if (CONFIRMED.test(sentence)) return 'CONFIRMED';
  return null;
}

/**
 * Whether a cue speaks of every side's account ("Neither side's figures could be verified", "either
 * account"): opening a paragraph, it answers every claim said before it, not only the last.
 */
export function coversEverySide(sentence: string): boolean {
  return /\b(neither|either|both)\b[^.]*\b(sides?['’]?s?|accounts?|claims?|figures?|versions?|tolls?)\b/i.test(sentence);
}

/**
 * The outcome a denial of a fact denies ("He denied that any had been captured" → DETAINED), with
 * the group of the people it names, or null: it disputes the last count of that outcome (and group). A denial of an act ("denied carrying out the
 * strike") names no outcome and disputes nothing.
 */
export function deniedOutcome(sentence: string): { outcome: Outcome; group: Group } | null {
  const denial = /\b(denied|denies|deny|rejected)\s+(?:that\s+)?/i.exec(sentence);
  if (!denial) return null;
  const denied = sentence.slice(denial.index + denial[0].length);
  const verb = outcomeAfter(denied);
  // "denied that any soldiers had died": the people named say whose count is denied.
  return verb ? { outcome: verb.outcome, group: groupOf(denied.slice(0, verb.through)) } : null;
}

/**
 * The figures a cue without figures answers by naming their source ("The statement could not be
 * verified" after "said in a statement ... that its fighters had killed 17"), or null when it names none.
 */
export function namedSource(sentence: string): RegExp | null {
  const noun = /^\s*(?:the|this|that|its|their)\s+(statement|video|post|footage|announcement|report|tally)\b/i.exec(sentence)?.[1];
  return noun ? new RegExp(`\\b${noun}\\b`, 'i') : null;
}
