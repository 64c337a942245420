import { createHash } from 'node:crypto';

/**
 * The text of `value` with object properties in sorted order and null or absent properties left
 * out, so arguments that mean the same give the same text. Dates are written as ISO strings.
 * Array order is kept: sort set-like arrays before calling.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const fields = Object.entries(value as Record<string, unknown>)
      .filter(([, field]) => field !== null && field !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, field]) => `${JSON.stringify(name)}:${canonicalJson(field)}`);
    return `{${fields.join(',')}}`;
  }
  return JSON.stringify(value);
}

/** A short, stable cache key part for a set of arguments (a digest of `canonicalJson`). */
export function argumentsKey(value: unknown): string {
  return createHash('sha1').update(canonicalJson(value)).digest('base64url');
}

/** The set-like lists `fields` of `filter`, sorted (copies), so their order makes no other key. */
export function sortedLists<F extends object>(filter: F, fields: (keyof F)[]): Partial<F> {
  const sorted: Partial<F> = {};
  for (const field of fields) {
    const list = filter[field];
    if (Array.isArray(list)) sorted[field] = [...list].sort() as F[keyof F];
  }
  return sorted;
}
