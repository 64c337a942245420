import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/**
 * The rows of the first table under the heading `heading` (its exact text, at any level) in the
 * Markdown file `file` (from the repository's root), each a list of cells with the outer spaces
 * trimmed; the header and its rule are left out. Throws, naming the file, when there is no such
 * heading or no table under it, so a test that reads a table cannot pass by reading nothing.
 */
export function tableUnder(file: string, heading: string): string[][] {
  const lines = readFileSync(join(ROOT, file), 'utf8').split('\n');
  const start = headingLine(lines, heading);
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

function headingLine(lines: string[], heading: string): number {
  return lines.findIndex((line) => /^#+ /.test(line) && line.replace(/^#+ /, '').trim() === heading);
}

/**
 * The one Markdown file of the documentation (README.md, docs/**) with the heading `heading`, from
 * the repository's root, wherever the text has been moved; throws when none has it, or several.
 */
export function documentWithHeading(heading: string): string {
  const files = ['README.md', ...markdownUnder(join(ROOT, 'docs'))];
  const found = files.filter((file) => headingLine(readFileSync(join(ROOT, file), 'utf8').split('\n'), heading) >= 0);
  if (found.length !== 1) throw new Error(`expected one document with the heading "${heading}", found ${found.length}: ${found.join(', ')}`);
  return found[0];
}

function markdownUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return markdownUnder(path);
    return entry.name.endsWith('.md') ? [relative(ROOT, path)] : [];
  });
}
