import * as chrono from 'chrono-node';
import { parseHTML } from 'linkedom';
import { detect } from 'tinyld';
import { httpUrl } from '../sources/sanitize';

/**
 * Metadata of a news page: who wrote it, when it was published, in which language, under which
 * headline. Every reader here returns null (or []) when the page does not state the thing; nothing
 * is guessed, and a publication date is never "now".
 */

/** Words that name a role or a desk, not a person, in a byline ("Jane Doe, Staff Writer"). */
const ROLE = /(?:^|\s)(?:writers?|reporters?|correspondents?|editors?|contributors?|journalists?|staff|desk|bureau|bureau chief|newsroom|team|agencies|wire services?|rédaction|redacción)$/i;

/** Single words that begin a "By ..." sentence but are not names. */
const NOT_A_NAME = /^(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april|may|june|july|august|september|october|november|december|then|now|contrast|comparison|law|night|noon|dawn|midnight|morning|evening|afternoon|the|a|an|this|that|late|early|some|most|all|his|her|their|its)$/i;

/** A person's name as bylines print it: two to five words, each capitalised (particles allowed). */
const PERSON = /^(?:[\p{Lu}][\p{L}'’.-]*|(?:de|da|del|della|di|du|van|von|der|den|al|el|bin|ibn|la|le|ul|ur)|[\p{Lu}]\.)(?:\s+(?:[\p{Lu}][\p{L}'’.-]*|de|da|del|della|di|du|van|von|der|den|al|el|bin|ibn|la|le|ul|ur|[\p{Lu}]\.)){0,4}$/u;

/**
 * The people a byline names, in order, without "By", "Written by", "Reporting by", roles ("Staff
 * writer"), desks and places ("in Quetta"). "By Jane Doe and John Roe, Staff Writers" gives both
 * names; "Reporting by X; Writing by Y; Editing by Z" gives X and Y. A byline with a part that is
 * neither a name nor a role ("By nightfall, calm returned") is not a byline and gives [], as does
 * one that names only a desk or a role.
 */
export function authorsOfByline(byline: string): string[] {
  const names: string[] = [];
  for (const segment of byline.split(/\s*[;|]\s*/)) {
    if (/^(?:additional reporting|editing|edited|compiled|graphics|photos?|images?|translated|translation)\b/i.test(segment)) continue;
    const text = segment
      .replace(/^\s*(?:posted\s+by|written\s+by|words\s+by|reporting\s+by|reported\s+by|writing\s+by|story\s+by|by|par|por|von|author|authors|auteur|autor)\s*[:\s]\s*/i, '')
      .replace(/\b(?:updated|published|posted|publié|publicado)\b.*$/i, '');
    for (const part of text.split(/\s*(?:,|&|\band\b|\bet\b|\by\b|\bund\b|—|–|·|\s-\s)\s*/i)) {
      const placed = part.replace(/\s+(?:in|from|at|à|en)\s+[\p{Lu}].*$/u, '').trim();
      const name = /\s[\p{Lu}]\.$/u.test(placed) ? placed : placed.replace(/\.+$/, '');
      if (!name || ROLE.test(name) || isDate(name)) continue;
      if (!PERSON.test(name) || /\d|@|https?:|www\./i.test(name) || NOT_A_NAME.test(name.split(/\s+/)[0])) return [];
      names.push(name);
    }
  }
  return uniqueNames(names);
}

/** A date a byline carries along ("August 14, 2026"), which is not a name. */
function isDate(text: string): boolean {
  return /\d/.test(text) && statedDate(text) !== null;
}

/** Names without repeats (compared case-insensitively), in first-seen order. */
export function uniqueNames(names: Iterable<string>): string[] {
  const seen = new Map<string, string>();
  for (const name of names) {
    const key = name.toLowerCase().replace(/\s+/g, ' ');
    if (!seen.has(key)) seen.set(key, name.replace(/\s+/g, ' '));
  }
  return [...seen.values()];
}

/**
 * A timestamp as pages write it in metadata (ISO 8601, RFC 2822, "2026-11-29"), as a Date; null if
 * it is not one. A bare date is midnight UTC of that day.
 */
export function parseMetaDate(value: string | null | undefined): Date | null {
  const text = value?.trim();
  if (!text) return null;
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return new Date(`${text}T00:00:00Z`);
  if (!/\d{4}/.test(text)) return null;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? null : date;
}

/**
 * The first date in `text` that states its day, month and year ("Nov. 29, 2026", "12 March 2025
 * 14:30 GMT", "4 de marzo de 2026"; English, then French, Spanish, German, Portuguese and Italian
 * wording), as a Date; null if none does. Weekdays and relative words ("Sunday", "yesterday")
 * are not dates: resolving them would need a guess at when the page was written. A date without a
 * time is midnight UTC; a time without a zone is read as UTC.
 */
export function statedDate(text: string): Date | null {
  const results = [chrono, chrono.fr, chrono.es, chrono.de, chrono.pt, chrono.it]
    .map((parser) => parser.parse(text))
    .find((found) => found.some((result) => result.start.isCertain('year')));
  for (const result of results ?? []) {
    const start = result.start;
    // chrono marks "yesterday" certain, from the clock; a stated date writes its year out.
    if (!/\d{4}/.test(result.text)) continue;
    if (!start.isCertain('year') || !start.isCertain('month') || !start.isCertain('day')) continue;
    const [year, month, day] = [start.get('year')!, start.get('month')!, start.get('day')!];
    if (!start.isCertain('hour')) return new Date(Date.UTC(year, month - 1, day));
    const offsetMinutes = start.isCertain('timezoneOffset') ? start.get('timezoneOffset') ?? 0 : 0;
    return new Date(Date.UTC(year, month - 1, day, start.get('hour')!, start.get('minute') ?? 0) - offsetMinutes * 60_000);
  }
  return null;
}

/**
 * The publication date of a dateline opening a story ("QUETTA, Pakistan, Nov. 29, 2026 (Wire) —",
 * "PARIS, 3 mars 2026 (AFP) -") or of a "Published / Updated / Posted" line; null otherwise. Dates
 * later in a sentence are events, not the publication, and are not taken.
 */
export function datelineDate(line: string): Date | null {
  const stamp = /^\s*(?:published|posted|first published|updated|last updated|date|publié le|publié|mis à jour le|publicado|actualizado)\b[\s:,-]*(.{6,80})$/i.exec(line);
  if (stamp) return statedDate(stamp[1]);
  const dateline = /^\s*([\p{Lu}][\p{Lu}\p{L}\d .,'’-]{1,80}?)\s*(?:\([^)]{1,40}\)\s*)?[—–-]{1,2}\s/u.exec(line);
  if (dateline && /^[\p{Lu}]{2,}/u.test(dateline[1])) return statedDate(dateline[1]);
  return null;
}

/**
 * The language of a page, as a lower-case ISO 639-1 code: `declared` (an html lang attribute such
 * as "fr-FR") when it names one, else what tinyld detects in `text`; null when the text is too
 * short to tell (under eight words) or the detector cannot decide.
 */
export function languageOf(declared: string | null | undefined, text: string): string | null {
  const code = declared?.trim().toLowerCase().split(/[-_]/)[0];
  if (code && /^[a-z]{2,3}$/.test(code)) return code;
  if (text.split(/\s+/).filter(Boolean).length < 8) return null;
  return detect(text) || null;
}

/** Separators a page title puts between the headline and the site's name. */
const TITLE_SEPARATOR = /\s+(?:[|·•»:]|[-–—]|::)\s+/;

/**
 * A headline without the site's name a page title appends or prepends ("Attacks kill 48 | Daily
 * Wire" → "Attacks kill 48"). `siteName` (og:site_name) is removed wherever it stands; without
 * it, and unless `guess` is false, a short last part (up to four words) after a separator is taken
 * for the site's name when the rest is longer.
 */
export function withoutSiteName(title: string, siteName?: string | null, guess = true): string {
  const text = title.replace(/\s+/g, ' ').trim();
  const parts = text.split(TITLE_SEPARATOR);
  if (parts.length < 2) return text;
  if (siteName) {
    const site = siteName.trim().toLowerCase();
    const kept = parts.filter((part) => part.trim().toLowerCase() !== site);
    if (kept.length < parts.length) return joinTitle(text, kept);
  }
  if (!guess) return text;
  const last = parts[parts.length - 1];
  const rest = parts.slice(0, -1);
  const words = (s: string) => s.split(' ').length;
  if (words(last) <= 4 && words(rest.join(' ')) > words(last)) return joinTitle(text, rest);
  return text;
}

/** The parts of `title` that are kept, with the separators that stood between them. */
function joinTitle(title: string, kept: string[]): string {
  const first = title.indexOf(kept[0]);
  const last = kept[kept.length - 1];
  return title.slice(first, title.lastIndexOf(last) + last.length).trim();
}

/**
 * The URL a page says it lives at: `<link rel="canonical">`, else `og:url`, as an absolute http(s)
 * URL (a relative canonical is resolved against og:url); null when the page states neither, or
 * states something that is not an http(s) URL. Ingestion keys a page by it, so a page saved to disk
 * is the same article as the page fetched from the web.
 */
export function canonicalUrlOf(html: string): string | null {
  const { document } = parseHTML(html);
  const stated = (selector: string, attribute: string) => document.querySelector(selector)?.getAttribute(attribute)?.trim() || null;
  const ogUrl = httpUrl(stated('meta[property="og:url"]', 'content'));
  return httpUrl(stated('link[rel~="canonical" i]', 'href'), ogUrl ?? undefined) ?? ogUrl;
}
