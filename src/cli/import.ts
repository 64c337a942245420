import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { Presets, SingleBar } from 'cli-progress';
import { ConfigError, loadConfig } from '../config';
import { importArticles, type ImportArticleFields } from '../editorial/editorial';
import { reviveDates } from '../store/records';
import { openCliStore } from './store';

const USAGE = `usage: npm run import -- FILE.json | FILE.ndjson

FILE holds articles in the shape of the graph's ImportArticleInput (see schema/mutation.graphql): a
JSON array, or one JSON object per line. Dates are ISO 8601 strings. The store comes from
DATABASE_URL (PostgreSQL) or PGLITE_DATA_DIR (embedded, on disk).`;

/**
 * Turns ISO date strings into Dates, as the GraphQL DateTime scalar does for the mutation. What is
 * not an object is left as it is, for the import to report.
 */
function withDates(record: Record<string, unknown>): ImportArticleFields {
  reviveDates(record);
  if (Array.isArray(record?.figures)) record.figures.forEach(reviveDates);
  return record as ImportArticleFields;
}

/** The records of a file: a JSON array, or NDJSON. A line that is not JSON becomes a problem of its own. */
function readRecords(file: string): { records: ImportArticleFields[]; unreadable: { line: number; message: string }[] } {
  const text = readFileSync(file, 'utf8');
  if (text.trimStart().startsWith('[')) {
    const parsed: unknown = JSON.parse(text);
    if (!Array.isArray(parsed)) throw new Error('a .json file must hold an array of articles');
    return { records: parsed.map(withDates), unreadable: [] };
  }
  const records: ImportArticleFields[] = [];
  const unreadable: { line: number; message: string }[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    try {
      records.push(withDates(JSON.parse(line)));
    } catch (error) {
      unreadable.push({ line: i + 1, message: (error as Error).message });
    }
  });
  return { records, unreadable };
}

/** `npm run import`: imports a file of articles with the rules of the importArticles mutation. */
async function main([file]: string[]): Promise<number> {
  if (!file) {
    console.error(USAGE);
    return 2;
  }
  const config = loadConfig();
  if (!config.store.databaseUrl && !config.store.pgliteDataDir) {
    console.error(`import: no store configured (an in-memory store would vanish at exit)\n\n${USAGE}`);
    return 2;
  }
  const { records, unreadable } = readRecords(file);
  for (const { line, message } of unreadable) console.error(`line ${line}: not JSON (${message}); skipped`);
  const { store, close } = await openCliStore(config);
  const bar = process.stdout.isTTY
    ? new SingleBar({ format: 'import {bar} {value}/{total} articles | {duration_formatted}' }, Presets.shades_classic) : null;
  bar?.start(records.length, 0);
  try {
    const report = await importArticles(store, `import CLI (${userInfo().username})`, records, (done) => bar?.update(done));
    bar?.stop();
    for (const record of report.records.filter((r) => r.outcome === 'REJECTED')) {
      console.error(`record ${record.index} (${record.slug ?? 'no slug'}) rejected:`);
      for (const problem of record.problems) console.error(`  ${problem.field || '(record)'}: ${problem.message}`);
    }
    console.log(`created ${report.created}, updated ${report.updated}, unchanged ${report.unchanged}, ` +
      `rejected ${report.rejected + unreadable.length} of ${records.length + unreadable.length} records`);
    return report.rejected + unreadable.length > 0 ? 1 : 0;
  } finally {
    bar?.stop();
    await close();
  }
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (error) => {
  console.error(error instanceof ConfigError ? error.message : `import failed: ${(error as Error).message}`);
  process.exitCode = error instanceof ConfigError ? 2 : 1;
});
