import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/**
 * The rows of the first table under the heading `heading` (its exact text, at any level) in the
 * Markdown file `file` (from the repository's root), each a list of cells with the outer spaces
 * trimmed; the header and its rule are left out. Throws, naming the file, when there is no such
 * heading or no table under it, so a test that reads a table cannot pass by reading nothing.
 */
export function tableUnder(file: string, heading: string): string[][] {
  const lines = readFileSync(join(ROOT, file), 'utf8').split('\n');
  const start = lines.findIndex((line) => /^#+ /.test(line) && line.replace(/^#+ /, '').trim() === heading);
  if (start < 0) throw new Error(`${file} has no heading "${heading}"`);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 1)) {
    if (/^#+ /.test(line)) break;
    if (line.startsWith('|')) rows.push(line.replace(/^\|\s*|\s*\|$/g, '').split(/\s*\|\s*/));
    else if (rows.length > 0) break;
  }
  if (rows.length < 3) throw new Error(`${file}: no table with rows under "${heading}"`);
  return rows.slice(2);
}
