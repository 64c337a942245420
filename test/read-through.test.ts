import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

describe('reading through the cache', () => {
  it('survives a shared load failing while a caller that joined it is still on its own lookup, and tells both callers', async () => {
    // In a process of its own: Jest's sandbox does not see unhandled rejections, Node's default ends the process on one.
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'test/fixtures/scripts/read-through-shared-failure.ts'],
      { timeout: 30_000 });
    expect(JSON.parse(stdout)).toEqual(['store timed out', 'store timed out']);
  });
});
