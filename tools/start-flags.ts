import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The flags `npm start` gives Node (package.json's `start`, between `node` and the entry point), for
 * the benches and tests that run the built gateway as `npm start` runs it.
 */
export function startFlags(): string[] {
  const { scripts } = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { scripts: { start: string } };
  const words = scripts.start.trim().split(/\s+/);
  return words.slice(words.indexOf('node') + 1, -1);
}
