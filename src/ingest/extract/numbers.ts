import type { Qualifier } from '../../domain/casualty';

/**
 * Numbers and qualifiers: finds the counts a sentence says ("at least 31", "between 40 and 60",
 * "nine", "dozens of", "a dozen") and codes their qualifier by DOMAIN.md's wording rules.
 */

const UNITS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve',
  'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];

const WORD = `(?:(?:${TENS.slice(2).join('|')})(?:-(?:${UNITS.slice(1, 10).join('|')}))?|${UNITS.slice(1).reverse().join('|')}|(?:a|one) hundred)`;
const DIGITS = String.raw`\d{1,3}(?:,\d{3})+|\d+`;
const NUMBER = `(?:${DIGITS}|${WORD})`;

/** Wording before a number and the qualifier it gives (longest phrases first). */
const QUALIFIER_WORDS: [string, Qualifier][] = [
  ['no fewer than', 'AT_LEAST'], ['not less than', 'AT_LEAST'], ['a minimum of', 'AT_LEAST'], ['at least', 'AT_LEAST'],
  ['more than', 'MORE_THAN'], ['in excess of', 'MORE_THAN'], ['upwards of', 'MORE_THAN'], ['over', 'MORE_THAN'],
  ['nearly', 'NEARLY'], ['almost', 'NEARLY'], ['close to', 'NEARLY'], ['just under', 'NEARLY'],
  ['approximately', 'ABOUT'], ['an estimated', 'ABOUT'], ['roughly', 'ABOUT'], ['around', 'ABOUT'], ['about', 'ABOUT'], ['some', 'ABOUT'],
  ['as many as', 'UP_TO'], ['up to', 'UP_TO'],
];

const VAGUE: Record<string, Qualifier> = { several: 'SEVERAL', dozens: 'DOZENS', scores: 'SCORES', hundreds: 'HUNDREDS', thousands: 'THOUSANDS' };

const COUNT = new RegExp(
  String.raw`(?<![\d][.,]?)\b(?:(?<qual>${QUALIFIER_WORDS.map(([w]) => w).join('|')})\s+)?` +
  String.raw`(?:between\s+(?<from>${NUMBER})\s+and\s+(?<to>${NUMBER})|(?<from2>${NUMBER})\s+to\s+(?<to2>${NUMBER})` +
  String.raw`|(?<vague>several|dozens|scores|hundreds|thousands)|(?<dozen>a dozen|two dozen)|(?<n>${NUMBER})|(?<article>an?|their|his|her|its|the))` +
  String.raw`(?![\w-]|[.,]\d|\s*%)`,
  'gi',
);

/** A count said in a sentence, before it is tied to people and an outcome. */
export interface CountMention {
  start: number;
  end: number;
  text: string;
  qualifier: Qualifier;
  /** True when the qualifier was said ("at least"), false when implied by a bare number (EXACT). */
  qualified: boolean;
  number?: number;
  numberHigh?: number;
  /** "a"/"an", "the" or "their"/"his"/"her"/"its" ("and their driver"): one person, only when a singular noun for a person follows. */
  singular: boolean;
}

/** The value of a number in digits or words ("twenty-five", "1,200"); null when it is neither. */
export function numberValue(text: string): number | null {
  const word = text.toLowerCase().trim();
  if (/^[\d,]+$/.test(word)) return Number(word.replace(/,/g, ''));
  if (/^(a|one) hundred$/.test(word)) return 100;
  const unit = UNITS.indexOf(word);
  if (unit >= 0) return unit;
  const [tens, ones] = word.split('-');
  const ten = TENS.indexOf(tens);
  if (ten < 2) return null;
  return ten * 10 + (ones ? UNITS.indexOf(ones) : 0);
}

/** Every count a sentence says, in order of position. */
export function findCounts(sentence: string): CountMention[] {
  const counts: CountMention[] = [];
  for (const match of sentence.matchAll(COUNT)) {
    const g = match.groups!;
    const said = g.qual ? QUALIFIER_WORDS.find(([w]) => w === g.qual.toLowerCase())![1] : undefined;
    const base = { start: match.index!, end: match.index! + match[0].length, text: match[0], singular: false };
    const from = g.from ?? g.from2;
    const to = g.to ?? g.to2;
    if (from !== undefined) {
      const low = numberValue(from)!;
      const high = numberValue(to)!;
      if (high < low) continue;
      counts.push({ ...base, qualifier: 'BETWEEN', qualified: true, number: low, numberHigh: high });
    } else if (g.vague) {
      counts.push({ ...base, qualifier: VAGUE[g.vague.toLowerCase()], qualified: true });
    } else if (g.dozen) {
      const twelve = g.dozen.toLowerCase() === 'a dozen' ? 12 : 24;
      counts.push({ ...base, qualifier: said ?? 'ABOUT', qualified: true, number: twelve });
    } else if (g.n) {
      const value = numberValue(g.n)!;
      if (/^\d{4}$/.test(g.n) && value >= 1900 && value <= 2100) continue; // a year
      counts.push({ ...base, qualifier: said ?? 'EXACT', qualified: said !== undefined, number: value });
    } else if (g.article && !said) {
      counts.push({ ...base, qualifier: 'EXACT', qualified: false, number: 1, singular: true });
    }
  }
  return counts;
}
