/**
 * What every value a client sends must be before it reaches the store, whatever field it is for:
 * text PostgreSQL can hold, and instants both engines keep exactly. The GraphQL edge
 * (src/http/input-text.ts), the DateTime scalar, the editorial checks and the import CLI all apply
 * these rules, from here.
 */

/**
 * A NUL (PostgreSQL's text cannot hold U+0000) or a lone UTF-16 surrogate (not a character: the
 * driver would store it as U+FFFD). In unicode mode a surrogate pair is one code point, so only
 * lone surrogates match `\p{Cs}`.
 */
const UNSTORABLE = /[\0\p{Cs}]/u;

/** Why `text` cannot be stored or searched as it is, with what to do; undefined when it can. */
export function textProblem(text: string): string | undefined {
  const found = UNSTORABLE.exec(text);
  if (!found) return undefined;
  if (found[0] === '\0') return `contains a NUL character (U+0000) at position ${found.index}, which no text here can hold: remove it`;
  const code = found[0].charCodeAt(0).toString(16).toUpperCase();
  return `contains a lone UTF-16 surrogate (U+${code}) at position ${found.index}, which is not a character: send well-formed ` +
    'Unicode (an escape \\uD800-\\uDBFF must be followed by its pair \\uDC00-\\uDFFF)';
}

/** A string inside a value that `textProblem` refuses: its path below the value, and why. */
export interface TextProblem {
  path: (string | number)[];
  problem: string;
}

/** A step into a value, linked to its parent step: paths are built only for the strings refused. */
interface Step {
  value: unknown;
  key: string | number | null;
  parent: Step | null;
}

function pathOf(step: Step): (string | number)[] {
  const path: (string | number)[] = [];
  for (let at: Step | null = step; at && at.key !== null; at = at.parent) path.unshift(at.key);
  return path;
}

/**
 * The strings anywhere in `value` (a JSON value: strings, numbers, arrays, plain objects) that
 * `textProblem` refuses, in document order, at most `limit` of them. Object keys are not checked:
 * they name fields, and a field that does not exist is refused anyway. Walks without recursion, so
 * a value nested any depth cannot exhaust the stack.
 */
export function textProblems(value: unknown, limit = Infinity): TextProblem[] {
  const problems: TextProblem[] = [];
  const stack: Step[] = [{ value, key: null, parent: null }];
  while (stack.length > 0 && problems.length < limit) {
    const step = stack.pop()!;
    const node = step.value;
    if (typeof node === 'string') {
      const problem = textProblem(node);
      if (problem) problems.push({ path: pathOf(step), problem });
    } else if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i -= 1) stack.push({ value: node[i], key: i, parent: step });
    } else if (node !== null && typeof node === 'object' && !(node instanceof Date)) {
      const keys = Object.keys(node);
      for (let i = keys.length - 1; i >= 0; i -= 1) stack.push({ value: (node as Record<string, unknown>)[keys[i]], key: keys[i], parent: step });
    }
  }
  return problems;
}

/**
 * The instants the store keeps: four-digit years in UTC. PGlite reads years below 100 back as
 * 19xx or 20xx and cannot write years outside 0000-9999, and no article or figure needs more.
 */
export const EARLIEST_INSTANT = new Date('1000-01-01T00:00:00.000Z');
export const LATEST_INSTANT = new Date('9999-12-31T23:59:59.999Z');

/** What `isStorableInstant` asks, as a message. */
export const INSTANT_RULE = `must lie between ${EARLIEST_INSTANT.toISOString()} and ${LATEST_INSTANT.toISOString()} (UTC)`;

export function isStorableInstant(date: Date): boolean {
  const time = date.getTime();
  return time >= EARLIEST_INSTANT.getTime() && time <= LATEST_INSTANT.getTime();
}
