import { textProblem } from '../input-rules';
import type { SortKey } from './records';
import { isStoredId } from './sql-common';

/**
 * What the sort keys of each of the store's lists hold, as `Page.keys` gives them and
 * `PageRequest.after` takes them back (the id is always the second part):
 *
 * - `instant` (articles, in every ordering): the ordering's timestamp as PostgreSQL writes it in
 *   JSON (`2026-11-24T09:30:00.123+00:00`, whatever the server's DateStyle; `infinity` or
 *   `-infinity` for undated articles);
 * - `name` (authors, places): the name;
 * - `id` (figures in the order they were coded): nothing (null);
 * - `rank` (articles by relevance): the search rank, a `real` as PostgreSQL writes it (`0.0607927`,
 *   `6.079271e-05`), which it reads back as the same `real`.
 *
 * Figures by date are keyed like articles (`instant`, the figure's date), in a list of their own.
 */
export type SortKeyShape = 'instant' | 'name' | 'id' | 'rank';

/**
 * The shape of the keys of each list: `listArticles` (`articleSearch` when ordered by relevance),
 * `listAuthors`, `listLocations`, `listFigures` (`figuresByDate` when ordered by date).
 */
export const SORT_KEY_SHAPES = {
  articles: 'instant', authors: 'name', locations: 'name', figures: 'id', articleSearch: 'rank', figuresByDate: 'instant',
} as const satisfies Record<string, SortKeyShape>;

export type ListName = keyof typeof SORT_KEY_SHAPES;

/**
 * Whether `key`, from outside (a client's cursor), has the shape of `shape`'s keys, so that the
 * list's SQL takes it without error: an id that fits the id columns, and a value PostgreSQL reads
 * as its list's type.
 */
export function isSortKey(shape: SortKeyShape, key: unknown): key is SortKey {
  if (!Array.isArray(key) || key.length !== 2 || typeof key[1] !== 'string' || !isStoredId(key[1])) return false;
  const value: unknown = key[0];
  switch (shape) {
    case 'instant': return typeof value === 'string' && isTimestamp(value);
    case 'name': return typeof value === 'string' && textProblem(value) === undefined;
    case 'id': return value === null;
    case 'rank': return typeof value === 'string' && RANK.test(value);
  }
}

/** PostgreSQL's text form of a finite, non-negative `real` (ranks are never negative). */
const RANK = /^\d{1,40}(?:\.\d{1,40})?(?:e[+-]\d{1,2})?$/;

/** PostgreSQL's JSON form of a timestamptz: ISO 8601 with the offset in hours and minutes (and seconds, for old local times). */
const TIMESTAMP = /^(\d{4,6})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.\d{1,6})?[+-](\d\d):(\d\d)(?::(\d\d))?( BC)?$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Whether PostgreSQL reads `text` as a timestamptz: the form above with every field in range. */
function isTimestamp(text: string): boolean {
  if (text === 'infinity' || text === '-infinity') return true;
  const parts = TIMESTAMP.exec(text);
  if (!parts) return false;
  const [year, month, day, hour, minute, second, offsetHours, offsetMinutes, offsetSeconds] = parts.slice(1, 10).map((part) => Number(part ?? 0));
  const bc = parts[10] !== undefined;
  // PostgreSQL keeps 4714 BC to 294276 AD; a year short of either end is plenty.
  if (year < 1 || year > (bc ? 4713 : 294275) || month < 1 || month > 12) return false;
  const leapYear = bc ? 1 - year : year;
  const leap = month === 2 && leapYear % 4 === 0 && (leapYear % 100 !== 0 || leapYear % 400 === 0);
  return day >= 1 && day <= DAYS_IN_MONTH[month - 1] + (leap ? 1 : 0) && hour <= 23 && minute <= 59 && second <= 59 &&
    offsetHours <= 15 && offsetMinutes <= 59 && offsetSeconds <= 59;
}
