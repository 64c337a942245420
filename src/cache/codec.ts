/**
 * Values as bytes for a remote cache: JSON, with `Date`s kept as dates and `Buffer`s kept as bytes.
 *
 * - A date is written as a string that starts with NUL and `D`.
 * - A buffer is written as a string that starts with NUL and `B` and gives its offset and length in
 *   the bytes that follow the JSON, after one newline (JSON.stringify never writes a newline itself).
 *   Decoding gives views of the bytes it was given, never copies: a cached answer's body goes from
 *   the Redis reply to the socket as it is.
 * - A string that itself starts with NUL gets one more NUL, so no string can be read back as either.
 *
 * Text without a newline is plain JSON, so a value without buffers encodes as it always has.
 */

const NUL = '\u0000';
const DATE = `${NUL}D`;
const BYTES = `${NUL}B`;
const NEWLINE = 0x0a;

/** What `encode` collects: the buffers met so far, and where the next one starts. */
interface Collected {
  buffers: Buffer[];
  length: number;
}

/** Stands in for a buffer while its holder is written (a string there would be escaped as one). */
class BytesReference {
  constructor(readonly text: string) {}
}

/**
 * JSON.stringify calls `Buffer#toJSON` (a number per byte) before a replacer sees the buffer, so
 * buffers are swapped for their references one level up, in the object or array that holds them.
 */
function withReferences(value: object, collected: Collected): object {
  let copy: Record<string, unknown> | unknown[] | undefined;
  for (const key of Object.keys(value)) {
    const item = (value as Record<string, unknown>)[key];
    if (!Buffer.isBuffer(item)) continue;
    copy ??= Array.isArray(value) ? [...value] : { ...value };
    (copy as Record<string, unknown>)[key] = new BytesReference(`${BYTES}${collected.length},${item.length}`);
    collected.buffers.push(item);
    collected.length += item.length;
  }
  return copy ?? value;
}

function replacer(collected: Collected) {
  return function replace(this: Record<string, unknown>, key: string, value: unknown): unknown {
    // JSON.stringify has already called Date#toJSON on `value`; the holder still has the Date.
    const raw = this[key];
    if (raw instanceof Date) return Number.isNaN(raw.getTime()) ? null : DATE + raw.toISOString();
    if (raw instanceof BytesReference) return raw.text;
    if (typeof value === 'string') return value.startsWith(NUL) ? NUL + value : value;
    if (typeof value === 'object' && value !== null) return withReferences(value, collected);
    return value;
  };
}

function reviver(bytes: Buffer | undefined) {
  return function revive(_key: string, value: unknown): unknown {
    if (typeof value !== 'string' || !value.startsWith(NUL)) return value;
    if (value.startsWith(DATE)) return new Date(value.slice(DATE.length));
    if (value.startsWith(BYTES) && bytes) {
      const [offset, length] = value.slice(BYTES.length).split(',').map(Number);
      if (offset + length > bytes.length) throw new RangeError('cached bytes cut short');
      return bytes.subarray(offset, offset + length);
    }
    return value.slice(1);
  };
}

const plainReviver = reviver(undefined);

/** The bytes for `value` (see the file comment). Invalid dates become null, as in JSON. */
export function encode(value: unknown): Buffer {
  const collected: Collected = { buffers: [], length: 0 };
  const holder = withReferences({ '': value }, collected) as { '': unknown };
  const text = JSON.stringify(holder[''], replacer(collected));
  if (collected.buffers.length === 0) return Buffer.from(text);
  return Buffer.concat([Buffer.from(text), Buffer.of(NEWLINE), ...collected.buffers]);
}

/**
 * The value `encode` was given, with its dates as `Date`s and its buffers as views of `data`.
 * Throws on bytes it did not make.
 */
export function decode(data: Buffer): unknown {
  const end = data.indexOf(NEWLINE);
  const text = data.toString('utf8', 0, end < 0 ? data.length : end);
  return JSON.parse(text, end < 0 ? plainReviver : reviver(data.subarray(end + 1)));
}
