import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const ROOT = join(__dirname, '..');

describe('generated resolver types', () => {
  it('match what codegen makes from the SDL today (run `npm run codegen` after changing schema/)', async () => {
    // `--check` generates in memory and exits non-zero when a file on disk differs.
    const run = promisify(execFile)(join(ROOT, 'node_modules', '.bin', 'graphql-codegen'),
      ['--config', 'codegen.ts', '--check'], { cwd: ROOT });
    await expect(run).resolves.toBeDefined();
  });
});
