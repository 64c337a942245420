import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const ROOT = join(__dirname, '..');

describe('generated resolver types', () => {
  it('match what codegen makes from the SDL today (run `npm run codegen` after changing schema/)', async () => {
    // `--check` generates in memory and exits non-zero (rejecting here) when a file on disk differs.
    // Codegen prints nothing under NODE_ENV=test; without it, it names each file it checked.
    const { stdout } = await promisify(execFile)(join(ROOT, 'node_modules', '.bin', 'graphql-codegen'),
      ['--config', 'codegen.ts', '--check'], { cwd: ROOT, env: { ...process.env, NODE_ENV: undefined } });
    expect(stdout).toContain('✔ Generate to src/generated/graphql.ts');
  });
});
