/**
 * Values as text for a remote cache: JSON, with `Date`s kept as dates. A date is written as a string
 * that starts with NUL and `D`; a string that itself starts with NUL gets one more NUL, so no string
 * can be read back as a date.
 */

const NUL = '\u0000';
const DATE = `${NUL}D`;

function replace(this: Record<string, unknown>, key: string, value: unknown): unknown {
  // JSON.stringify has already called Date#toJSON on `value`; the holder still has the Date.
  const raw = this[key];
  if (raw instanceof Date) return Number.isNaN(raw.getTime()) ? null : DATE + raw.toISOString();
  if (typeof value === 'string' && value.startsWith(NUL)) return NUL + value;
  return value;
}

function revive(_key: string, value: unknown): unknown {
  if (typeof value !== 'string' || !value.startsWith(NUL)) return value;
  if (value.startsWith(DATE)) return new Date(value.slice(DATE.length));
  return value.slice(1);
}

/** The text for `value` (see the file comment). Invalid dates become null, as in JSON. */
export function encode(value: unknown): string {
  return JSON.stringify(value, replace);
}

/** The value `encode` was given, with its dates as `Date`s. Throws on text it did not make. */
export function decode(text: string): unknown {
  return JSON.parse(text, revive);
}
