/**
 * Nothing a source sends is trusted: every value an adapter maps goes through one of these, which
 * return null (or drop the entry) for what is missing, of the wrong type, or unsafe, and never throw.
 */
import { convert } from 'html-to-text';

/** The caps on what one item may carry, in characters (text) and entries (lists). */
export const ITEM_LIMITS = {
  headline: 500,
  standfirst: 2_000,
  url: 2_048,
  name: 200,
  tag: 100,
  language: 35,
  listEntries: 50,
} as const;

/**
 * `value` as plain text: HTML tags removed and entities decoded, white space folded, cut to `max`
 * characters (at a word where one is near, with an ellipsis); null when not a string or empty.
 */
export function plainText(value: unknown, max: number): string | null {
  if (typeof value !== 'string') return null;
  const text = (/[<&]/.test(value) ? convert(value, { wordwrap: false, selectors: [
    { selector: 'a', options: { ignoreHref: true } },
    { selector: 'img', format: 'skip' },
  ] }) : value).replace(/\s+/g, ' ').trim();
  if (text === '') return null;
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${space > max * 0.8 ? cut.slice(0, space) : cut}…`;
}

/** `value` as an absolute http(s) URL (resolved against `base` when relative), at most ITEM_LIMITS.url long; else null. */
export function httpUrl(value: unknown, base?: string): string | null {
  if (typeof value !== 'string' || value.length > ITEM_LIMITS.url) return null;
  try {
    const url = new URL(value.trim(), base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

/** `value` (ISO 8601 or RFC 2822 text, epoch milliseconds, or a Date) as a Date within years 1000–9999; else null. */
export function dateOf(value: unknown): Date | null {
  const date = value instanceof Date ? value
    : typeof value === 'string' || typeof value === 'number' ? new Date(value) : null;
  if (date === null || Number.isNaN(date.getTime())) return null;
  const year = date.getUTCFullYear();
  return year >= 1000 && year <= 9999 ? date : null;
}

/** Each entry of `value` (one value or a list) as plain text of at most `max` characters, empty ones and duplicates dropped, at most ITEM_LIMITS.listEntries. */
export function textList(value: unknown, max: number): string[] {
  const entries = Array.isArray(value) ? value : value == null ? [] : [value];
  const texts = new Set<string>();
  for (const entry of entries) {
    const text = plainText(entry, max);
    if (text !== null) texts.add(text);
    if (texts.size === ITEM_LIMITS.listEntries) break;
  }
  return [...texts];
}

/** A BCP 47-looking language tag (`en`, `pt-BR`), lower-cased primary subtag; else null. */
export function languageTag(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const tag = value.trim();
  if (tag.length > ITEM_LIMITS.language || !/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(tag)) return null;
  const [primary, ...rest] = tag.split('-');
  return [primary.toLowerCase(), ...rest].join('-');
}
