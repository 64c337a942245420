import './msgpackr-strings';
import { Packr, Unpackr } from 'msgpackr';

/**
 * Values as bytes for a remote cache: MessagePack (msgpackr), with `Date`s kept as dates and
 * `Buffer`s as bytes.
 *
 * - Objects go as msgpackr's records: each distinct set of keys is written once per value and its
 *   objects as rows of values, so a page's or a bundle's hundreds of records of the same shape take
 *   under half of JSON's bytes and decode three to four times faster than JSON whose dates a reviver
 *   reads back (docs/performance.md, "The cache's codec"; `npm run bench:codec`). Every value
 *   carries the record shapes it uses: no instance needs another's to read it.
 * - Decoding gives buffers as views of the bytes it was given, never copies: a cached answer's body
 *   goes from the Redis reply to the socket as it is.
 * - What the in-process cache would give back, this gives back too: `undefined` as undefined, an
 *   invalid date as an invalid date (JSON made them absent and null).
 * - Every value starts with `FORMAT`, so bytes written by anything else (an older version's JSON)
 *   are refused, and read as a miss, rather than misread.
 */

/** The first byte of every value: one MessagePack never uses and no JSON text starts with. */
const FORMAT = 0xc1;

const packer = new Packr({ useRecords: true });
/** Reads each value with the record shapes that value defines, and keeps none between values. */
const unpacker = new Unpackr({ useRecords: true });

/** The bytes for `value` (see the file comment), which no later call overwrites (msgpackr reuses its own buffer). */
export function encode(value: unknown): Buffer {
  const packed = packer.pack(value);
  const bytes = Buffer.allocUnsafe(packed.length + 1);
  bytes[0] = FORMAT;
  packed.copy(bytes, 1);
  return bytes;
}

/**
 * The value `encode` was given, with its dates as `Date`s and its buffers as views of `data`.
 * Throws on bytes it did not make, or cut short.
 */
export function decode(data: Buffer): unknown {
  if (data[0] !== FORMAT) throw new TypeError('not a value the cache codec wrote');
  return unpacker.unpack(data.subarray(1));
}
