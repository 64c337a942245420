import fc from 'fast-check';
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
    expect(encoded.subarray(encoded.length - body.length)).toEqual(body);
    const back = decode(encoded) as { body: Buffer };
    expect(back.body.buffer).toBe(encoded.buffer);
    expect(back.body.toString()).toBe(body.toString());
  });

  it('writes a value without buffers as plain JSON, as entries stored before buffers were kept', () => {
    const value = { g: ['a.1'], v: { id: '7', at: new Date('2026-11-24T09:30:00Z') } };
    expect(encode(value).toString()).toBe('{"g":["a.1"],"v":{"id":"7","at":"\\u0000D2026-11-24T09:30:00.000Z"}}');
  });

  it('refuses bytes cut short instead of giving back part of a buffer', () => {
    const encoded = encode({ body: Buffer.from('0123456789') });
    expect(() => decode(encoded.subarray(0, encoded.length - 1))).toThrow(RangeError);
  });
});
