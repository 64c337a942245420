/**
 * When a count about another event happened, from the words of its sentence (DOMAIN.md, "Other
 * events"): "last year's attack killed 70", "a 2019 bombing killed 40", "34 have died since the
 * protests began in December". A count the text dates is coded with that period; one it does not
 * date stays `background`. Dates are read with chrono-node against the article's publication date;
 * without that date only a stated year can be read ("in 2023"), never one worked out from "last year".
 */
import * as chrono from 'chrono-node';

export interface Period {
  start: Date;
  end: Date;
}

/** A year said on its own: "in 2023", "a 2019 attack", "during 2024". */
const BARE_YEAR = /\b(?:in|during|of|since|a|an|the)\s+((?:19|20)\d{2})\b(?!\s*(?:people|civilians|soldiers|troops|police|militants|fighters|deaths?|dead))/i;
/** Words that make a date relative to when the text was written. */
const RELATIVE = /\b(?:last|this|next|past|previous|ago)\b/i;
/** A running total: the count runs from the date after "since" to the article's date. */
const SINCE = /\bsince\b/i;

/**
 * The period `sentence` gives for a count of another event, or null when it dates none. `reference`
 * is the article's publication date: relative dates ("last year", "in December") are read against
 * it, and a running total ("since …") ends on it. The period covers the whole unit the text names:
 * a year, a month or a day.
 */
export function periodOf(sentence: string, reference: Date | null): Period | null {
  const since = SINCE.exec(sentence);
  const dated = statedDate(since ? sentence.slice(since.index) : sentence, reference);
  if (!dated) return null;
  if (since) return reference && dated.start <= reference ? { start: dated.start, end: endOfDay(reference) } : null;
  return dated;
}

/** Date expressions that name a month, a year or "last year" / "last month"; weekdays and spans of days ("the past week") name no period of an event. */
const DATE_WORDS = /\b(?:year|month|jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|(?:19|20)\d{2})\b/i;

/**
 * The first date the text states to at least the month: with its year said, or read against
 * `reference` (without one, only dates that say their year).
 */
function statedDate(text: string, reference: Date | null): Period | null {
  const results = chrono.parse(text, { instant: reference ?? new Date(), timezone: 'UTC' });
  for (const result of results) {
    const { start } = result;
    if (!DATE_WORDS.test(result.text) || (!reference && (!start.isCertain('year') || RELATIVE.test(result.text)))) continue;
    if (!start.isCertain('month') && !(start.isCertain('year') && /\byear\b/i.test(result.text))) continue;
    let year = start.get('year')!;
    const month = start.isCertain('month') ? start.get('month')! : null;
    // A month without its year is the last such month before the article, never one to come.
    if (month !== null && !start.isCertain('year') && Date.UTC(year, month - 1, 1) > reference!.getTime()) year -= 1;
    if (month === null) return yearPeriod(year);
    if (!start.isCertain('day')) return { start: new Date(Date.UTC(year, month - 1, 1)), end: endOfDay(new Date(Date.UTC(year, month, 0))) };
    const day = new Date(Date.UTC(year, month - 1, start.get('day')!));
    return { start: day, end: endOfDay(day) };
  }
  const bare = BARE_YEAR.exec(text);
  return bare ? yearPeriod(Number(bare[1])) : null;
}

function yearPeriod(year: number): Period {
  return { start: new Date(Date.UTC(year, 0, 1)), end: endOfDay(new Date(Date.UTC(year, 11, 31))) };
}

function endOfDay(day: Date): Date {
  return new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), 23, 59, 59, 999));
}

/**
 * A figure with the period its sentence gives, when it is about another event (`background`) or a
 * running total ("since …"): then it is coded with that period and no longer `background`. Any
 * other figure, or one whose sentence dates nothing, is returned with no period.
 */
export function withPeriod<F extends { sentence: string; background?: boolean }>(figure: F, reference: Date | null):
  F & { periodStart: Date | null; periodEnd: Date | null } {
  const period = figure.background || SINCE.test(figure.sentence) ? periodOf(figure.sentence, reference) : null;
  return period
    ? { ...figure, background: false, periodStart: period.start, periodEnd: period.end }
    : { ...figure, periodStart: null, periodEnd: null };
}
