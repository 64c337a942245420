import { PassThrough } from 'node:stream';
import { createLogger, type LogFormat } from '../src/logger';

/** Logs one record through a logger of `format` writing to a stream that is (or is not) a terminal; returns what it wrote. */
function written(format: LogFormat, terminal: boolean): string {
  const stream = Object.assign(new PassThrough(), { isTTY: terminal });
  const chunks: string[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
  createLogger('info', format, stream).info({ articleId: '7' }, 'loaded the worked example');
  return chunks.join('');
}

describe('logger', () => {
  it('writes one JSON object a line, naming the service, when not on a terminal', () => {
    const record = JSON.parse(written('auto', false));
    expect(record).toMatchObject({ level: 30, service: 'newsgate', articleId: '7', msg: 'loaded the worked example' });
  });

  it('writes one readable line a record on a terminal: time, level, message, then the fields', () => {
    const text = written('auto', true).replace(/\u001b\[[\d;]*m/g, '');
    expect(text).toBe(`[${text.slice(1, 13)}] INFO: loaded the worked example {"articleId":"7"}\n`);
    expect(text.slice(1, 13)).toMatch(/^\d\d:\d\d:\d\d\.\d{3}$/);
  });

  it('follows LOG_FORMAT over the terminal check', () => {
    expect(() => JSON.parse(written('json', true))).not.toThrow();
    expect(written('pretty', false)).toMatch(/^\[[\d:.]+\] INFO: loaded the worked example {"articleId":"7"}\n$/);
  });
});
