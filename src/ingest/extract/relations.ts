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
}

const BACKGROUND = /\b(last (year|month|week|spring|summer|autumn|winter)|a year (ago|earlier)|(two|three|four|five|several|\d+) (years|months) (ago|earlier)|years ago|months ago|in (19|20)\d\d|earlier this (year|month)|an earlier (attack|wave|bombing|raid|assault|strike)|in an earlier|a similar (attack|bombing|raid|assault)|(the|a) previous (attack|bombing|raid|assault|year)|in the past|since (19|20)\d\d|deadliest since)\b/i;

/** Whether a sentence recalls another event ("last year's attack killed 70"). */
export function recallsAnotherEvent(sentence: string): boolean {
  return BACKGROUND.test(sentence);
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

/** The first mention a figure restates, following restates links back to the root. */
function rootOf(figures: Draft[], figure: Draft): Draft {
  let current = figure;
  while (current.restates) current = figures.find((f) => f.key === current.restates) ?? current;
  return current;
}

/** Sets background, supersedes, partOf and restates on `figures` (in text order), in place. */
export function linkFigures(figures: Draft[]): void {
  for (const [index, figure] of figures.entries()) {
    const earlier = figures.slice(0, index).filter((f) => !f.background);
    if (figure.background) continue;

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
    if (figure.earlierCount) {
      const newer = [...earlier].reverse().find((f) => f.outcome === figure.outcome && f.group === figure.group
        && figure.sentenceIndex - f.sentenceIndex <= 2 && !f.supersedes);
      if (newer) {
        newer.supersedes = figure.key;
        continue;
      }
    }

    const whole = wholeOf(figures, earlier, figure);
    if (whole) {
      figure.partOf = whole.key;
      continue;
    }

    const first = earlier.find((f) => f.outcome === figure.outcome && f.group === figure.group && !f.partOf
      && f.sentenceIndex !== figure.sentenceIndex && figure.number !== undefined && f.number === figure.number
      && f.qualifier !== 'BETWEEN');
    const rival = [...earlier].reverse().find((f) => f.outcome === figure.outcome && f.group === figure.group && !f.partOf
      && f.paragraph === figure.paragraph && f.sentenceIndex !== figure.sentenceIndex && !sameClaimant(f, figure)
      && f.place === figure.place && !figures.some((g) => g.supersedes === f.key));
    const restated = first ?? rival;
    if (restated) figure.restates = rootOf(figures, restated).key;
  }
}

/** The whole a figure is counted inside, or undefined. */
function wholeOf(figures: Draft[], earlier: Draft[], figure: Draft): Draft | undefined {
  if (figure.includedIn) return figures.find((f) => f.key === figure.includedIn);
  if (figure.amongPrevious) {
    return [...earlier].reverse().find((f) => f.outcome === figure.outcome && f.sentenceIndex < figure.sentenceIndex);
  }
  const low = lowOf(figure);
  if (low === null) return undefined;
  const partsFit = (whole: Draft) => {
    const wholeLow = lowOf(whole);
    if (wholeLow === null || low > wholeLow) return false;
    const siblings = figures.filter((f) => f.partOf === whole.key);
    return siblings.reduce((sum, f) => sum + (lowOf(f) ?? 0), low) <= wholeLow;
  };
  // A group's count of an unspecified total said just before or by the same claimant.
  if (figure.group !== 'UNSPECIFIED') {
    const total = [...earlier].reverse().find((f) => f.group === 'UNSPECIFIED' && f.outcome === figure.outcome && !f.partOf
      && f.sentenceIndex !== figure.sentenceIndex && (figure.sentenceIndex - f.sentenceIndex === 1 || sameClaimant(f, figure))
      && partsFit(f));
    if (total) return total;
  }
  // A place's count inside the same group's count at a wider place, reported or confirmed first.
  if (figure.group !== 'UNSPECIFIED' && figure.place) {
    const candidates = earlier.filter((f) => f.group === figure.group && f.outcome === figure.outcome
      && f.place !== null && f.place !== figure.place && f.paragraph !== figure.paragraph && partsFit(f));
    return candidates.find((f) => f.verification !== 'UNVERIFIED' && f.verification !== 'DISPUTED') ?? candidates[0];
  }
  return undefined;
}
