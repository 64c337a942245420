/**
 * How many bytes of memory a value holds, estimated from how V8 (64-bit, without pointer
 * compression, as Node 20 ships) lays it out: what every in-process cache counts against its byte
 * budget. No library does this: the popular ones measure a value's JSON, which leaves out object
 * headers, dates, a parsed document's token list, and counts every string at two bytes a character.
 *
 * - A string: a 16-byte header, then one byte a character when every character is Latin-1 (V8
 *   stores those strings so), else two; rounded up to 8.
 * - An object: a 24-byte header and an 8-byte slot a property, plus what each value holds; its
 *   keys are not counted (V8 keeps them once, in the object's shape, shared by every object of
 *   that shape).
 * - An array: 32 bytes, and a 16-byte backing store with an 8-byte slot an item.
 * - A number that is not a small integer: a 16-byte box.
 * - A `Date`: 104 bytes (its cached fields and boxed time).
 * - A buffer or other typed array: 240 bytes of objects and bookkeeping, and its bytes (outside
 *   V8's heap, but in the process's memory all the same).
 *
 * Something reachable twice within the value is counted once; the walk is iterative, so a long
 * chain (a parsed document's list of tokens) cannot overflow the stack. Functions, symbols and
 * prototypes are not counted. `test/memory-bounds.test.ts` checks the estimate against the heap.
 */
export function heapSizeOf(value: unknown): number {
  if (typeof value !== 'object' || value === null) return primitiveSize(value);
  let bytes = 0;
  const seen = new Set<object>();
  const stack: object[] = [value];
  seen.add(value);
  const visit = (item: unknown) => {
    if (typeof item !== 'object' || item === null) {
      bytes += primitiveSize(item);
    } else if (!seen.has(item)) {
      seen.add(item);
      stack.push(item);
    }
  };
  while (stack.length > 0) {
    const object = stack.pop()!;
    if (ArrayBuffer.isView(object)) {
      bytes += TYPED_ARRAY_BYTES + object.byteLength;
    } else if (object instanceof Date) {
      bytes += DATE_BYTES;
    } else if (Array.isArray(object)) {
      bytes += ARRAY_BYTES + SLOT_BYTES * object.length;
      for (const item of object) visit(item);
    } else {
      bytes += OBJECT_BYTES;
      for (const key in object) {
        if (!Object.hasOwn(object, key)) continue;
        bytes += SLOT_BYTES;
        visit((object as Record<string, unknown>)[key]);
      }
    }
  }
  return bytes;
}

/** A pointer, or a small integer in place. */
const SLOT_BYTES = 8;
/** Map, properties and elements pointers. */
const OBJECT_BYTES = 24;
/** The array object (map, properties, elements, length) and its backing store's header. */
const ARRAY_BYTES = 32 + 16;
const DATE_BYTES = 104;
/** The view and its ArrayBuffer objects, and the backing store's bookkeeping outside the heap. */
const TYPED_ARRAY_BYTES = 240;
const STRING_HEADER_BYTES = 16;
const HEAP_NUMBER_BYTES = 16;
/** Any character outside Latin-1: the string is stored two bytes a character. */
const TWO_BYTE = /[^\u0000-\u00ff]/;

function primitiveSize(value: unknown): number {
  if (typeof value === 'string') {
    const characters = TWO_BYTE.test(value) ? value.length * 2 : value.length;
    return STRING_HEADER_BYTES + Math.ceil(characters / 8) * 8;
  }
  if (typeof value === 'number') return isSmallInteger(value) ? 0 : HEAP_NUMBER_BYTES;
  return 0;
}

/** V8 keeps 32-bit integers in the slot itself (a "Smi") on 64-bit builds without pointer compression. */
function isSmallInteger(value: number): boolean {
  return (value | 0) === value && !Object.is(value, -0);
}

/**
 * What lru-cache keeps for each entry besides its key and value (a map slot, its places in the
 * recency lists, its size and TTL): measured at 77–97 bytes, rounded up.
 */
export const LRU_ENTRY_BYTES = 128;

/**
 * A copy of `bytes` in memory of its own, exactly its size, for a buffer kept long: a small buffer
 * made by `Buffer.from` is a slice of an 8 KiB pool that stays alive while any slice of it does, and
 * a buffer decoded from Redis is a view of the whole reply (../cache/codec); either would hold more
 * than `heapSizeOf` counts.
 */
export function ownedCopy(bytes: Uint8Array): Buffer {
  const copy = Buffer.allocUnsafeSlow(bytes.length);
  copy.set(bytes);
  return copy;
}
