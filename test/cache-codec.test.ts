import fc from 'fast-check';
import { Packr } from 'msgpackr';
import { decode, encode } from '../src/cache/codec';

describe('the remote cache codec', () => {
  it('gives back dates as dates, and strings that start with NUL or look like dates or bytes as strings', () => {
    const value = {
      at: new Date('2026-11-24T09:30:00Z'), nul: '\u0000D2026-11-24T09:30:00.000Z', bytes: '\u0000B0,1',
      iso: '2026-11-24T09:30:00.000Z', list: [1, null],
    };
    const back = decode(encode(value)) as typeof value;
    expect(back.at).toBeInstanceOf(Date);
    expect(back.at.toISOString()).toBe('2026-11-24T09:30:00.000Z');
    expect(back).toEqual(value);
  });

  it('round-trips any JSON value with or without dates and buffers, a whole cached answer included', () => {
    const values = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, fc.string({ unit: 'binary' }), fc.integer(), fc.boolean(), fc.constant(null),
        fc.date({ noInvalidDate: true }), fc.uint8Array().map((bytes) => Buffer.from(bytes)),
        fc.array(tie('value')), fc.dictionary(fc.string(), tie('value'))),
    })).value;
    fc.assert(fc.property(values, (value) => { expect(decode(encode(value))).toEqual(value); }));
    const answer = { headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify({ data: { text: 'a "quoted" \\u0000 word\n' } })) };
    expect(decode(encode(answer))).toEqual(answer);
  });

  it('keeps a buffer as its bytes, and gives back a view of the bytes it decodes rather than a copy', () => {
    const body = Buffer.from('{"data":{"article":{"headline":"Ten \\"killed\\""}}}\n');
    const encoded = encode({ body, operation: 'Article' });
    expect(encoded.length).toBeLessThan(body.length + 60);
    expect(encoded.includes(body)).toBe(true);
    const back = decode(encoded) as { body: Buffer };
    expect(back.body.buffer).toBe(encoded.buffer);
    expect(back.body.toString()).toBe(body.toString());
  });

  it('gives back what the in-process cache would: undefined as undefined, an invalid date as one, records of one shape as plain objects', () => {
    const value = { missing: undefined, when: new Date(Number.NaN), rows: [{ id: '1', n: 1 }, { id: '2', n: 2 }] };
    const back = decode(encode(value)) as typeof value;
    expect(Object.keys(back)).toEqual(['missing', 'when', 'rows']);
    expect(back.missing).toBeUndefined();
    expect(back.when).toBeInstanceOf(Date);
    expect(Number.isNaN(back.when.getTime())).toBe(true);
    expect(back.rows).toEqual(value.rows);
    expect(Object.getPrototypeOf(back.rows[1])).toBe(Object.prototype);
  });

  it('writes each shape of record once, so a page of records takes far fewer bytes than JSON', () => {
    const rows = Array.from({ length: 200 }, (_, i) => ({ id: String(i), outcome: 'KILLED', group: 'CIVILIANS', low: i, best: null, high: i + 10, verification: 'REPORTED' }));
    expect(encode({ g: ['a.1'], v: rows }).length).toBeLessThan(JSON.stringify(rows).length / 2);
  });

  it('refuses bytes it did not write (an older version\'s JSON) and bytes cut short, instead of misreading them', () => {
    expect(() => decode(Buffer.from('{"g":["a.1"],"v":{"id":"7"}}'))).toThrow(TypeError);
    const encoded = encode({ body: Buffer.from('0123456789') });
    expect(() => decode(encoded.subarray(0, encoded.length - 1))).toThrow(/end of MessagePack data/);
  });

  it('reads each value with the record shapes it defines itself: another encoder\'s values, and never a shape left from an earlier value', () => {
    const elsewhere = new Packr({ useRecords: true }).pack({ id: '9', at: new Date('2026-11-24T09:30:00Z') });
    expect(decode(Buffer.concat([encode(null).subarray(0, 1), elsewhere]))).toEqual({ id: '9', at: new Date('2026-11-24T09:30:00Z') });
    const defined = encode({ a: 1, b: 2 });
    expect(decode(defined)).toEqual({ a: 1, b: 2 });
    // The same record's id again, without its definition: bytes no encoder writes.
    const undefinedShape = Buffer.from([defined[0], defined[3], 0x01, 0x02]);
    expect(defined[3] & 0xc0).toBe(0x40);
    expect(() => decode(undefinedShape)).toThrow();
  });

  it('gives each value bytes of its own, which later values do not overwrite', () => {
    const first = encode({ id: '1', text: 'first' });
    const copy = Buffer.from(first);
    for (let i = 0; i < 2000; i += 1) encode({ id: String(i), text: 'x'.repeat(i % 100) });
    expect(first).toEqual(copy);
    expect(decode(first)).toEqual({ id: '1', text: 'first' });
  });
});
