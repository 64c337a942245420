/**
 * Places in an article's text: mentions matched to the gazetteer by name or alias, disambiguated
 * by the article's country and by the places around them, the places the article reports on, the
 * place each sentence ties its counts to, and unknown places proposed (never created) below a known
 * province. Pure over a `Gazetteer` loaded once per article (`loadGazetteer`).
 */
import { sentenceSpans } from '../domain/article-text';
import { LOCATION_KINDS, type LocationKind } from '../domain/casualty';
import { normalizePlaceName } from '../domain/place-names';
import type { PlaceProposalKind } from '../generated/graphql';
import type { GazetteerPlace } from '../store/records';
import type { GazetteerReader } from '../store/store';

/** One place named in the text: `text.slice(start, end)` is the name as written (with any "district" after it). */
export interface PlaceMention {
  placeId: string;
  name: string;
  start: number;
  end: number;
  /** Index into `FoundPlaces.sentences`. */
  sentenceIndex: number;
  /** Whether the text used the place's own name or one of its aliases. */
  matched: 'name' | 'alias';
}

/** A place the text names that the gazetteer lacks, below a known place: for an editor to accept or not. */
export interface PlaceProposal {
  name: string;
  parentId: string;
  /** The SDL's `PlaceProposalKind`: what `acceptPlaceProposal` takes. */
  kind: Extract<LocationKind, PlaceProposalKind>;
  /** Where the text names it. */
  start: number;
  end: number;
  sentenceIndex: number;
}

export interface FoundPlaces {
  /** In text order; overlapping names never both (the longest wins). */
  mentions: PlaceMention[];
  /** The text's sentences (src/domain/article-text.ts `sentenceSpans`), which `sentenceIndex` counts in. */
  sentences: { start: number; end: number }[];
  /** The country the article is about: the one its mentions name most (directly or through places below it). */
  countryId: string | null;
  /**
   * The places the article reports on, by id, each once, in order of first mention: the places in
   * its country; the country itself only when nothing below it is named. Places abroad ("accused
   * India") are mentioned, not reported on.
   */
  reportsOn: string[];
  /** The place the whole article is about: the nearest place containing every place of `reportsOn`. */
  mainPlaceId: string | null;
  /**
   * Per sentence, the most specific place it ties its counts to: the place(s) of the article's
   * country it names (several unrelated ones: the nearest place containing them); else the place
   * "the city" / "the district" / "the province" refers back to (the latest one of that kind named
   * before); else `mainPlaceId`.
   */
  sentencePlaces: (string | null)[];
  proposals: PlaceProposal[];
}

/** Words after (or before "of") a name that say what kind of place it is. */
const KIND_WORDS: Record<string, LocationKind> = {
  province: 'ADMIN1', state: 'ADMIN1', region: 'ADMIN1',
  district: 'ADMIN2', tehsil: 'ADMIN2',
  city: 'LOCALITY', town: 'LOCALITY', village: 'LOCALITY',
};

/** A word: letters and digits, inner hyphens and apostrophes; a possessive "’s" is cut off when matching. */
const WORD = /[\p{L}\p{N}][\p{L}\p{M}\p{N}]*(?:[-'’][\p{L}\p{M}\p{N}]+)*/gu;
const POSSESSIVE = /['’]s$/i;

interface Token { text: string; key: string; start: number; end: number }

function tokensOf(text: string): Token[] {
  return [...text.matchAll(WORD)].map((match) => {
    const word = match[0].replace(POSSESSIVE, '');
    return { text: word, key: normalizePlaceName(word), start: match.index, end: match.index + word.length };
  });
}

/** The normal form of a whole name, word by word: "Dera  Ismail-Khan’s" and "dera ismail-khan" agree. */
function keyOf(name: string): string {
  return tokensOf(name).map((token) => token.key).join(' ');
}

/**
 * The places and their names, indexed for matching. Built from the whole gazetteer in memory: a
 * few megabytes for tens of thousands of places and aliases (see `GazetteerReader.gazetteer`).
 */
export class Gazetteer {
  private readonly byId = new Map<string, GazetteerPlace>();
  private readonly byKey = new Map<string, { placeId: string; matched: 'name' | 'alias' }[]>();
  /** The most words any name has: the longest phrase worth looking up. */
  readonly maxWords: number;

  constructor(places: readonly GazetteerPlace[]) {
    let maxWords = 1;
    const add = (name: string, placeId: string, matched: 'name' | 'alias') => {
      const key = keyOf(name);
      if (!key) return;
      maxWords = Math.max(maxWords, key.split(' ').length);
      const list = this.byKey.get(key) ?? [];
      const same = list.find((entry) => entry.placeId === placeId);
      if (!same) list.push({ placeId, matched });
      else if (matched === 'name') same.matched = 'name';
      this.byKey.set(key, list);
    };
    for (const place of places) {
      this.byId.set(place.id, place);
      add(place.name, place.id, 'name');
      for (const { alias } of place.aliases) add(alias, place.id, 'alias');
    }
    this.maxWords = maxWords;
  }

  place(id: string): GazetteerPlace | undefined {
    return this.byId.get(id);
  }

  /** Places bearing the name (words in normal form, joined by one space), by name or alias. */
  named(key: string): readonly { placeId: string; matched: 'name' | 'alias' }[] {
    return this.byKey.get(key) ?? [];
  }

  /** The place and its ancestors, the place first. */
  lineage(id: string): string[] {
    const chain: string[] = [];
    for (let at: string | null | undefined = id; at != null && !chain.includes(at); at = this.byId.get(at)?.parentId) chain.push(at);
    return chain;
  }

  countryOf(id: string): string | null {
    return this.lineage(id).find((at) => this.byId.get(at)?.kind === 'COUNTRY') ?? null;
  }

  /** The nearest place containing all of `ids` (one of them when it contains the others); null when they share none. */
  commonAncestor(ids: readonly string[]): string | null {
    if (ids.length === 0) return null;
    const others = ids.slice(1).map((id) => new Set(this.lineage(id)));
    return this.lineage(ids[0]).find((at) => others.every((lineage) => lineage.has(at))) ?? null;
  }
}

/** Reads the whole gazetteer from the store, once per article (one round-trip). */
export async function loadGazetteer(store: GazetteerReader): Promise<Gazetteer> {
  return new Gazetteer(await store.gazetteer());
}

interface Candidate { placeId: string; matched: 'name' | 'alias' }
interface RawMention { start: number; end: number; name: string; candidates: Candidate[] }

/** Only spaces between two words of one name: never a comma, a full stop or a line break. */
function joined(text: string, left: Token, right: Token): boolean {
  return /^[ \t\u00a0]+$/.test(text.slice(left.end, right.start));
}

/**
 * Every longest capitalised phrase the gazetteer knows, left to right, with the places it may be.
 * A kind word after the name ("Kech district") or before it ("the city of Gwadar") keeps only the
 * places of that kind when any is among them, and an ending kind word is part of the mention.
 */
function rawMentions(text: string, tokens: Token[], gazetteer: Gazetteer): RawMention[] {
  const found: RawMention[] = [];
  for (let i = 0; i < tokens.length; i += 1) {
    if (!/^\p{Lu}/u.test(tokens[i].text)) continue;
    for (let n = Math.min(gazetteer.maxWords, tokens.length - i); n >= 1; n -= 1) {
      const words = tokens.slice(i, i + n);
      if (words.some((word, k) => k > 0 && !joined(text, words[k - 1], word))) continue;
      let candidates: Candidate[] = [...gazetteer.named(words.map((word) => word.key).join(' '))];
      if (candidates.length === 0) continue;
      let end = words[n - 1].end;
      const after = tokens[i + n];
      const before = i >= 2 && tokens[i - 1].key === 'of' ? tokens[i - 2] : undefined;
      const suffix = after && joined(text, words[n - 1], after) && !/^\p{Lu}/u.test(after.text) ? KIND_WORDS[after.key] : undefined;
      const hint = suffix ?? (before ? KIND_WORDS[before.key] : undefined);
      if (suffix) end = after.end;
      if (hint) {
        const ofKind = candidates.filter((c) => gazetteer.place(c.placeId)?.kind === hint);
        if (ofKind.length > 0) candidates = ofKind;
      }
      found.push({ start: words[0].start, end, name: text.slice(words[0].start, end), candidates });
      i += n - 1 + (suffix ? 1 : 0);
      break;
    }
  }
  return found;
}

/** The country most mentions name unambiguously (directly or through a place below it); the first mentioned on a tie. */
function countryContext(mentions: RawMention[], gazetteer: Gazetteer): string | null {
  const votes = new Map<string, number>();
  for (const mention of mentions) {
    const countries = new Set(mention.candidates.map((c) => gazetteer.countryOf(c.placeId)));
    const [country] = countries;
    if (countries.size === 1 && country) votes.set(country, (votes.get(country) ?? 0) + 1);
  }
  let best: string | null = null;
  for (const [country, count] of votes) if (best === null || count > votes.get(best)!) best = country;
  return best;
}

/**
 * One place per mention. Among the places a name may be, in this order of preference: one below a
 * place the article names unambiguously (not counting countries); one in the article's country;
 * one that does not contain another of them (the town, not the district named after it); one
 * named by its own name rather than an alias; the first stored.
 */
function resolve(mentions: RawMention[], gazetteer: Gazetteer, countryId: string | null): string[] {
  const anchors = new Set(mentions.filter((m) => m.candidates.length === 1).map((m) => m.candidates[0].placeId)
    .filter((id) => gazetteer.place(id)?.kind !== 'COUNTRY'));
  return mentions.map(({ candidates }) => {
    const score = (c: Candidate) => {
      const lineage = gazetteer.lineage(c.placeId);
      return [
        lineage.slice(1).some((id) => anchors.has(id)) ? 1 : 0,
        countryId !== null && lineage.includes(countryId) ? 1 : 0,
        candidates.some((other) => other !== c && gazetteer.lineage(other.placeId).slice(1).includes(c.placeId)) ? 0 : 1,
        c.matched === 'name' ? 1 : 0,
      ];
    };
    const scored = candidates.map((c) => ({ c, s: score(c) }));
    scored.sort((a, b) => {
      for (let k = 0; k < a.s.length; k += 1) if (a.s[k] !== b.s[k]) return b.s[k] - a.s[k];
      return Number(a.c.placeId) - Number(b.c.placeId);
    });
    return scored[0].c.placeId;
  });
}

const ANAPHORA = /\bthe (city|town|village|district|province)\b/i;

/** What a proposal's words look like: "in the village of Kili Kamal", "near Tump town". */
const NAME = String.raw`(\p{Lu}[\p{L}\p{M}'’-]*(?:[ ]\p{Lu}[\p{L}\p{M}'’-]*){0,3})`;
const NEAR = String.raw`\b(?:[Ii]n|[Aa]t|[Nn]ear|[Oo]utside|[Aa]round)\s+`;
const PROPOSAL_PATTERNS = [
  new RegExp(String.raw`${NEAR}the\s+(district|tehsil|town|village|city)\s+of\s+${NAME}`, 'gud'),
  new RegExp(String.raw`${NEAR}(?:the\s+)?${NAME}\s+(district|tehsil|town|village)\b`, 'gud'),
];

function proposalsOf(text: string, mentions: PlaceMention[], gazetteer: Gazetteer, mainPlaceId: string | null,
  sentenceOf: (offset: number) => number): PlaceProposal[] {
  const proposals: PlaceProposal[] = [];
  for (const [index, pattern] of PROPOSAL_PATTERNS.entries()) {
    for (const match of text.matchAll(pattern)) {
      const [kindGroup, nameGroup] = index === 0 ? [1, 2] : [2, 1];
      const kindWord = match[kindGroup];
      const name = match[nameGroup];
      const [start, end] = match.indices![nameGroup]!;
      if (mentions.some((m) => m.start < end && start < m.end)) continue;
      const kind = KIND_WORDS[kindWord.toLowerCase()] === 'ADMIN2' ? 'ADMIN2' as const : 'LOCALITY' as const;
      // The parent: a known place named right after it ("... district of Balochistan", "..., Kech
      // district"), else the article's main place; never above a province, never below what it proposes.
      const next = mentions.find((m) => m.start >= match.index + match[0].length
        && /^\s*(?:,|of|in)\s*(?:the\s+)?$/i.test(text.slice(match.index + match[0].length, m.start)));
      const parentId = parentFor(next?.placeId ?? mainPlaceId, kind, gazetteer);
      if (!parentId) continue;
      const proposed = kind === 'ADMIN2' ? `${name} District` : name;
      if (proposals.some((p) => p.kind === kind && normalizePlaceName(p.name) === normalizePlaceName(proposed))) continue;
      proposals.push({ name: proposed, parentId, kind, start, end, sentenceIndex: sentenceOf(start) });
    }
  }
  return proposals.sort((a, b) => a.start - b.start);
}

/** The nearest of `near` and its ancestors that may hold a new place of `kind`, if it lies in a province. */
function parentFor(near: string | null, kind: 'ADMIN2' | 'LOCALITY', gazetteer: Gazetteer): string | null {
  if (near === null) return null;
  const lineage = gazetteer.lineage(near);
  if (!lineage.some((id) => gazetteer.place(id)?.kind === 'ADMIN1')) return null;
  const rank = (id: string) => LOCATION_KINDS.indexOf(gazetteer.place(id)!.kind);
  const allowed = kind === 'ADMIN2' ? ['ADMIN1'] : ['ADMIN1', 'ADMIN2'];
  return lineage.find((id) => allowed.includes(gazetteer.place(id)!.kind) && rank(id) < LOCATION_KINDS.indexOf(kind)) ?? null;
}

/**
 * The places in `text` (see `FoundPlaces`). Names are matched as whole words and phrases that begin
 * with a capital letter (proper nouns; "the city's government district" names no place), in their
 * normal form (case and accents aside), longest first ("Quetta District" before "Quetta"); a
 * possessive ("Pakistan’s") is read as the name. Unknown places are proposed, never created.
 */
export function findPlaces(text: string, gazetteer: Gazetteer): FoundPlaces {
  const sentences = sentenceSpans(text);
  const sentenceOf = (offset: number) => {
    const index = sentences.findIndex((s) => offset < s.end);
    return index < 0 ? sentences.length - 1 : index;
  };
  const raw = rawMentions(text, tokensOf(text), gazetteer);
  const countryId = countryContext(raw, gazetteer);
  const chosen = resolve(raw, gazetteer, countryId);
  const mentions: PlaceMention[] = raw.map((m, i) => ({
    placeId: chosen[i], name: m.name, start: m.start, end: m.end, sentenceIndex: sentenceOf(m.start),
    matched: m.candidates.find((c) => c.placeId === chosen[i])!.matched,
  }));

  const atHome = (id: string) => countryId !== null && gazetteer.lineage(id).includes(countryId);
  const home = [...new Set(mentions.map((m) => m.placeId))].filter(atHome);
  const below = home.filter((id) => id !== countryId);
  const reportsOn = below.length > 0 ? below : home;
  const reported = new Set(reportsOn);
  const mainPlaceId = gazetteer.commonAncestor(reportsOn);

  const sentencePlaces = sentences.map((sentence, index) => {
    const named = [...new Set(mentions.filter((m) => m.sentenceIndex === index && reported.has(m.placeId)).map((m) => m.placeId))];
    const specific = named.filter((id) => !named.some((other) => other !== id && gazetteer.lineage(other).includes(id)));
    if (specific.length > 0) return gazetteer.commonAncestor(specific);
    const referring = ANAPHORA.exec(text.slice(sentence.start, sentence.end));
    if (referring) {
      const kind = KIND_WORDS[referring[1].toLowerCase()];
      const earlier = mentions.filter((m) => m.end <= sentence.start && reported.has(m.placeId) && gazetteer.place(m.placeId)?.kind === kind);
      if (earlier.length > 0) return earlier[earlier.length - 1].placeId;
    }
    return mainPlaceId;
  });

  return {
    mentions, sentences, countryId, reportsOn, mainPlaceId, sentencePlaces,
    proposals: proposalsOf(text, mentions, gazetteer, mainPlaceId, sentenceOf),
  };
}
