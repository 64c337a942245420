import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { Presets, SingleBar } from 'cli-progress';
import { ConfigError, loadConfig } from '../config';
import { ingestPage, type IngestOutcome, type IngestResult } from '../ingest/ingest';
import { readInputs } from '../ingest/inputs';
import { openCliStore } from './store';

const USAGE = `usage: npm run ingest -- PATH [PATH...] [--source ID] [--base-url URL]

Each PATH is a page (.html, .htm: HTML; .txt: a plain-text scrape), an RSS 2.0 or Atom feed (any
extension; one page per entry), or a directory of them (read recursively; hidden files skipped).
Every page becomes a DRAFT article with its casualty figures proposed for review; a page ingested
again (same sourceUrl: its canonical URL, the feed entry's link, else the file's URL) is updated, or
left UNCHANGED. --source records which source the pages came from. --base-url gives page files that
state no canonical URL a public address: their path below the directory named, under URL (without
it they are known by their file: URL, which names a path on this machine). The store comes from
DATABASE_URL (PostgreSQL) or PGLITE_DATA_DIR (embedded, on disk).`;

class UsageError extends Error {}

/** What a run did, by outcome. */
type Tally = Record<IngestOutcome | 'FAILED', number>;

/** The report line of an ingested page: outcome, sourceUrl, headline, figures and places proposed. */
function reportLine({ outcome, article, proposed, withdrawn, placeProposals }: IngestResult): string {
  const places = placeProposals.length
    ? `; places proposed: ${placeProposals.map((place) => `${place.name} (${place.kind})`).join(', ')}` : '';
  return `${outcome.padEnd(9)}  ${article.sourceUrl}  ${JSON.stringify(article.headline)}: ` +
    `figures proposed ${proposed.length}, withdrawn ${withdrawn.length}${places}`;
}

/** The report line of an item that failed: where it came from, the error's message and its code when it has one. */
function failureLine(origin: string, error: Error): string {
  const code = (error as { extensions?: { code?: unknown } }).extensions?.code ?? (error as NodeJS.ErrnoException).code;
  return `${'FAILED'.padEnd(9)}  ${origin}: ${error.message}${typeof code === 'string' ? ` (${code})` : ''}`;
}

/** The --base-url, as a directory's address (ending in "/"); a UsageError unless it is an http(s) URL. */
function baseUrlOf(given: string): string {
  const url = URL.canParse(given) ? new URL(given) : null;
  if (!url || !/^https?:$/.test(url.protocol)) throw new UsageError(`--base-url must be an http or https URL, not "${given}"`);
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url.href;
}

/** `npm run ingest`: ingests pages, feeds and directories of them into the configured store as drafts. */
async function main(argv: string[]): Promise<number> {
  const { positionals: paths, values } = parseArgs({ args: argv, allowPositionals: true, options: { source: { type: 'string' }, 'base-url': { type: 'string' } } });
  if (paths.length === 0) throw new UsageError('name at least one file, feed or directory');
  if (values.source !== undefined && !values.source.trim()) throw new UsageError('--source needs an id');
  const config = loadConfig();
  if (!config.store.databaseUrl && !config.store.pgliteDataDir) {
    throw new UsageError('no store configured: set DATABASE_URL or PGLITE_DATA_DIR (drafts in an in-memory store would vanish at exit)');
  }
  const baseUrl = values['base-url'] === undefined ? null : baseUrlOf(values['base-url']);
  const items = readInputs(paths, { sourceId: values.source ?? null, baseUrl });
  const { store, close } = await openCliStore(config);
  const actor = `ingest CLI (${userInfo().username})`;
  const tally: Tally = { CREATED: 0, UPDATED: 0, UNCHANGED: 0, FAILED: 0 };
  // On a terminal the bar holds the last line, so the report waits until it is done.
  const bar = process.stdout.isTTY
    ? new SingleBar({ format: 'ingest {bar} {value}/{total} items | {duration_formatted}' }, Presets.shades_classic) : null;
  const lines: string[] = [];
  const report = (line: string) => (bar ? lines.push(line) : console.log(line));
  bar?.start(items.length, 0);
  try {
    for (const [done, item] of items.entries()) {
      try {
        if (item.error) throw item.error;
        const result = await ingestPage(store, actor, item.input, { fileUrls: baseUrl === null });
        tally[result.outcome] += 1;
        report(reportLine(result));
      } catch (error) {
        tally.FAILED += 1;
        report(failureLine(item.origin, error as Error));
      }
      bar?.update(done + 1);
    }
  } finally {
    bar?.stop();
    await close();
  }
  for (const line of lines) console.log(line);
  console.log(`created ${tally.CREATED}, updated ${tally.UPDATED}, unchanged ${tally.UNCHANGED}, ` +
    `failed ${tally.FAILED} of ${items.length} items`);
  return tally.FAILED > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (error) => {
  if (error instanceof UsageError || error instanceof ConfigError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    console.error(`ingest: ${error.message}\n\n${USAGE}`);
    process.exitCode = 2;
  } else {
    console.error(`ingest failed: ${(error as Error).message}`);
    process.exitCode = 1;
  }
});
