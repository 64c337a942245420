import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanHtml, cleanText } from '../clean';
import { boundsFor, type ClaimantType, type Group, type Outcome, type Qualifier, type Verification } from '../../domain/casualty';
import { extractFigures, sentencesOf } from './index';
import type { CodedFigure, ExtractedFigure } from './types';

export type { CodedFigure } from './types';

/**
 * Measures extraction against hand codings in the worked example's format (NAME.txt, a scraped
 * page; NAME.coding.json, its figures). A coded figure is found when an extracted figure comes
 * from the same sentence with the same outcome or the same number; pairs are chosen greedily by
 * how much their wordings overlap. "Exactly right" asks for every field an editor would otherwise
 * fix: outcome, group, qualifier, low/best/high, claimant type, verification and relations
 * (partOf, restates, supersedes through the pairing, and background).
 */

export interface CodingFile {
  source: string;
  places?: { name: string; parent?: string }[];
  figures: CodedFigure[];
}

export const FIELDS = ['outcome', 'group', 'qualifier', 'bounds', 'claimantType', 'verification', 'relations', 'claimedBy', 'place'] as const;
export type Field = (typeof FIELDS)[number];
/** The fields "exactly right" asks for (claimedBy's spelling and place are reported, not required). */
export const EXACT_FIELDS: Field[] = ['outcome', 'group', 'qualifier', 'bounds', 'claimantType', 'verification', 'relations'];

export interface Pair { coded: CodedFigure; extracted: ExtractedFigure; fields: Record<Field, boolean>; exact: boolean }
export interface ArticleResult { name: string; coded: number; extracted: number; pairs: Pair[]; missed: CodedFigure[]; spurious: ExtractedFigure[] }
export interface Summary {
  articles: number; coded: number; extracted: number; found: number; exactlyRight: number;
  recall: number; precision: number; exactRate: number; fieldAccuracy: Record<Field, number>;
}

/** The body of a page as ingestion stores it: a text scrape (or, for a `.html` source, a page) cleaned of its furniture. */
export function bodyOfPage(text: string, source = 'page.txt'): string {
  return (/\.html?$/i.test(source) ? cleanHtml(text) : cleanText(text)).body;
}

/**
 * A placeOf from a coding's place list: the deepest listed place a sentence names (a name matches
 * as a whole word, with or without a trailing "District"/"Province").
 */
export function placeOfFromNames(places: { name: string; parent?: string }[]): (sentence: string) => string | null {
  const depth = (name: string): number => {
    const place = places.find((p) => p.name === name);
    return place?.parent ? 1 + depth(place.parent) : 0;
  };
  const patterns = places.map((place) => {
    const short = place.name.replace(/\s+(District|Province|Governorate|Region|State)$/, '');
    const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return { name: place.name, depth: depth(place.name), pattern: new RegExp(`\\b(${escape(place.name)}|${escape(short)})\\b`, 'i') };
  });
  return (sentence) => {
    const named = patterns.filter((p) => p.pattern.test(sentence)).sort((a, b) => b.depth - a.depth);
    return named[0]?.name ?? null;
  };
}

/** A placeWithin from a coding's place list: follows `parent` links upwards. */
export function placeWithinFromNames(places: { name: string; parent?: string }[]): (inner: string, outer: string) => boolean {
  return (inner, outer) => {
    for (let at = places.find((p) => p.name === inner)?.parent; at; at = places.find((p) => p.name === at)?.parent) {
      if (at === outer) return true;
    }
    return false;
  };
}

/** The sentence of `body` that holds a coded figure's wording (the coding's quote rule). */
function sentenceOf(body: string, wording: string): string | undefined {
  return body.split(/\n\s*\n/).flatMap((paragraph) => sentencesOf(paragraph.trim())).find((sentence) => sentence.includes(wording));
}

function overlap(a: string, b: string): number {
  const words = (text: string) => new Set(text.toLowerCase().match(/[a-z0-9]+/g) ?? []);
  const left = words(a);
  const right = words(b);
  const shared = [...left].filter((word) => right.has(word)).length;
  return shared / Math.max(1, Math.min(left.size, right.size));
}

const norm = (text: string | null | undefined) => (text ?? '').toLowerCase().replace(/^(the|a|an)\s+/, '').trim();

/** Pairs coded with extracted figures and scores every pair's fields. */
export function evaluateArticle(name: string, body: string, coding: CodingFile, extracted: ExtractedFigure[]): ArticleResult {
  const candidates: { coded: CodedFigure; extracted: ExtractedFigure; score: number }[] = [];
  for (const coded of coding.figures) {
    const sentence = sentenceOf(body, coded.wording);
    if (!sentence) throw new Error(`${name}: figure ${coded.key}'s wording "${coded.wording}" is not in the body`);
    for (const figure of extracted) {
      if (figure.sentence !== sentence) continue;
      const sameOutcome = figure.outcome === coded.outcome;
      const sameNumber = figure.number !== undefined && figure.number === coded.number;
      const words = overlap(figure.wording, coded.wording);
      if (!sameOutcome && !sameNumber && words < 0.5) continue;
      candidates.push({ coded, extracted: figure, score: (sameOutcome ? 2 : 0) + (sameNumber ? 2 : 0) + words });
    }
  }
  candidates.sort((a, b) => b.score - a.score);
  const matched = new Map<CodedFigure, ExtractedFigure>();
  const used = new Set<ExtractedFigure>();
  for (const candidate of candidates) {
    if (matched.has(candidate.coded) || used.has(candidate.extracted)) continue;
    matched.set(candidate.coded, candidate.extracted);
    used.add(candidate.extracted);
  }
  const keyOf = new Map<string, string>();
  for (const [coded, figure] of matched) keyOf.set(coded.key, figure.key);
  const link = (key: string | undefined) => (key === undefined ? undefined : keyOf.get(key) ?? `unmatched ${key}`);

  const pairs: Pair[] = coding.figures.filter((coded) => matched.has(coded)).map((coded) => {
    const figure = matched.get(coded)!;
    const codedBounds = boundsFor(coded.qualifier, coded.number, coded.numberHigh);
    let extractedBounds: ReturnType<typeof boundsFor> | null = null;
    try { extractedBounds = boundsFor(figure.qualifier, figure.number, figure.numberHigh); } catch { extractedBounds = null; }
    const fields: Record<Field, boolean> = {
      outcome: figure.outcome === coded.outcome,
      group: figure.group === coded.group,
      qualifier: figure.qualifier === coded.qualifier,
      bounds: JSON.stringify(extractedBounds) === JSON.stringify(codedBounds),
      claimantType: figure.claimantType === coded.claimantType,
      verification: figure.verification === coded.verification,
      relations: figure.partOf === link(coded.partOf) && figure.restates === link(coded.restates)
        && figure.supersedes === link(coded.supersedes) && Boolean(figure.background) === Boolean(coded.background),
      claimedBy: norm(figure.claimedBy) === norm(coded.claimedBy),
      place: coded.place === undefined || figure.place === coded.place,
    };
    return { coded, extracted: figure, fields, exact: EXACT_FIELDS.every((field) => fields[field]) };
  });
  return {
    name, coded: coding.figures.length, extracted: extracted.length, pairs,
    missed: coding.figures.filter((coded) => !matched.has(coded)),
    spurious: extracted.filter((figure) => !used.has(figure)),
  };
}

/** Totals over articles: recall, precision, exactly right (over coded figures) and each field's accuracy over pairs. */
export function summarise(results: ArticleResult[]): Summary {
  const coded = results.reduce((sum, r) => sum + r.coded, 0);
  const extracted = results.reduce((sum, r) => sum + r.extracted, 0);
  const pairs = results.flatMap((r) => r.pairs);
  const exactlyRight = pairs.filter((pair) => pair.exact).length;
  const ratio = (part: number, whole: number) => (whole === 0 ? 1 : Math.round((part / whole) * 1000) / 1000);
  const fieldAccuracy = Object.fromEntries(FIELDS.map((field) => [field, ratio(pairs.filter((p) => p.fields[field]).length, pairs.length)])) as Record<Field, number>;
  return {
    articles: results.length, coded, extracted, found: pairs.length, exactlyRight,
    recall: ratio(pairs.length, coded), precision: ratio(pairs.length, extracted), exactRate: ratio(exactlyRight, coded), fieldAccuracy,
  };
}

/**
 * Evaluates every NAME.coding.json of a directory against extraction from its page. Throws an Error
 * naming the directory when it holds no codings.
 */
export function evaluateDirectory(dir: string): { results: ArticleResult[]; summary: Summary } {
  if (!existsSync(dir)) throw new Error(`no such directory: ${dir}`);
  const codings = readdirSync(dir).filter((file) => file.endsWith('.coding.json')).sort();
  if (!codings.length) throw new Error(`no *.coding.json files in ${dir}: expected NAME.txt with NAME.coding.json beside it`);
  const results = codings.map((file) => {
    const coding = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CodingFile;
    const body = bodyOfPage(readFileSync(join(dir, coding.source), 'utf8'), coding.source);
    const extracted = extractFigures(body, coding.places
      ? { placeOf: placeOfFromNames(coding.places), placeWithin: placeWithinFromNames(coding.places) } : {});
    return evaluateArticle(file.replace(/\.coding\.json$/, ''), body, coding, extracted);
  });
  return { results, summary: summarise(results) };
}
