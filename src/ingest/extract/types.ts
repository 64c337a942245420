import type { ClaimantType, Group, Outcome, Qualifier, Verification } from '../../domain/casualty';

/**
 * A figure in the worked example's coding format (src/seed/content/seed-article.coding.json), as
 * editors code it: bounds come from `qualifier` with `number` (and `numberHigh` for BETWEEN) through
 * the coding table, and relations name other figures of the same article by `key`.
 */
export interface CodedFigure {
  key: string;
  wording: string;
  outcome: Outcome;
  group: Group;
  who?: string;
  qualifier: Qualifier;
  number?: number;
  numberHigh?: number;
  claimedBy: string | null;
  claimantType: ClaimantType;
  verification: Verification;
  place?: string | null;
  partOf?: string;
  restates?: string;
  supersedes?: string;
  background?: boolean;
}

/**
 * One casualty figure proposed by extraction, coded like an editor's (`wording` is a verbatim span
 * of `sentence`). `confidence` (0..1) says how much of the figure rests on a direct cue rather than
 * a fallback.
 */
export interface ExtractedFigure extends CodedFigure {
  place: string | null;
  confidence: number;
  /** The sentence of the body the figure comes from, verbatim and trimmed. */
  sentence: string;
}

export interface ExtractOptions {
  /**
   * The most specific place a sentence names, or null. The extractor falls back to the last place
   * named earlier in the same paragraph, then to the first place the article names. Without it every
   * figure's place is null.
   */
  placeOf?: (sentence: string) => string | null;
  /**
   * Whether place `inner` lies inside place `outer` (from the gazetteer). With it, a place's count
   * is a part of a wider place's count only when it lies inside; without it, any other place will do.
   */
  placeWithin?: (inner: string, outer: string) => boolean;
}
