import fc from 'fast-check';
import { decode, encode } from '../src/cache/codec';

describe('the remote cache codec', () => {
  it('gives back dates as dates, and strings that start with NUL or look like dates as strings', () => {
    const value = { at: new Date('2026-11-24T09:30:00Z'), nul: '\u0000D2026-11-24T09:30:00.000Z', iso: '2026-11-24T09:30:00.000Z', list: [1, null] };
    const back = decode(encode(value)) as typeof value;
    expect(back.at).toBeInstanceOf(Date);
    expect(back.at.toISOString()).toBe('2026-11-24T09:30:00.000Z');
    expect(back).toEqual(value);
  });

  it('round-trips any JSON value with or without dates, a whole cached answer included', () => {
    const withDates = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, fc.string({ unit: 'binary' }), fc.integer(), fc.boolean(), fc.constant(null),
        fc.date({ noInvalidDate: true }), fc.array(tie('value')), fc.dictionary(fc.string(), tie('value'))),
    })).value;
    fc.assert(fc.property(withDates, (value) => { expect(decode(encode(value))).toEqual(value); }));
    const answer = { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ data: { text: 'a "quoted" \\u0000 word' } }) };
    expect(decode(encode(answer))).toEqual(answer);
  });
});
