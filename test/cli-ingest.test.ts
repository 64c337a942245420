import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { createLocation } from '../src/editorial/editorial';
import { openStore } from '../src/store/open';
import type { ArticleSummary, CasualtyFigureRecord } from '../src/store/records';
import type { SqlStore } from '../src/store/sql-store';

/**
 * `npm run ingest` (src/cli/ingest.ts) run as a child process against a PGlite data directory, with
 * the fixtures of test/fixtures/ingest (invented reports about the invented places seeded below).
 */
const ROOT = join(__dirname, '..');
const FIXTURES = join(__dirname, 'fixtures/ingest');
const run = promisify(execFile);

/** Runs the command directly (tsx) with `env` for the store; never throws on exit codes. */
async function ingest(args: string[], env: Record<string, string>) {
  try {
    const { stdout, stderr } = await run(process.execPath, [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'src/cli/ingest.ts', ...args],
      { cwd: ROOT, env: { ...process.env, DATABASE_URL: '', PGLITE_DATA_DIR: '', REDIS_URL: '', ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** The report line of `sourceUrl` (or of a failed item's origin), from the start of a line. */
function lineOf(stdout: string, where: string): string | undefined {
  return stdout.split('\n').find((line) => line.split(/\s{2,}/)[1]?.startsWith(where));
}

/** Figures proposed and withdrawn, as a report line states them. */
function countsIn(line: string): { proposed: number; withdrawn: number } {
  const [, proposed, withdrawn] = /figures proposed (\d+), withdrawn (\d+)/.exec(line)!;
  return { proposed: Number(proposed), withdrawn: Number(withdrawn) };
}

/** Every article in the store (drafts included) with its figures (retracted ones too), by sourceUrl. */
async function storedArticles(dir: string): Promise<Map<string, { article: ArticleSummary; figures: CasualtyFigureRecord[] }>> {
  const store = await openStore({ pgliteDataDir: dir });
  try {
    const editor = store.scoped({ unpublished: true });
    const { rows } = await editor.listArticles({}, 'UPDATED_AT_DESC', { first: 100 });
    const figures = await editor.figuresOfArticles(rows.map((article) => article.id), { includeRetracted: true });
    return new Map(rows.map((article, i) => [article.sourceUrl!, { article, figures: figures[i] }]));
  } finally {
    await store.close();
  }
}

/** The invented country the fixtures report from: two provinces, a town in each. */
async function seedGazetteer(store: SqlStore): Promise<void> {
  const actor = 'cli-ingest test';
  const varnia = await createLocation(store, actor, { name: 'Varnia', kind: 'COUNTRY' });
  const kessel = await createLocation(store, actor, { name: 'Kessel', kind: 'ADMIN1', parentId: varnia.id });
  const lira = await createLocation(store, actor, { name: 'Lira', kind: 'ADMIN1', parentId: varnia.id });
  await createLocation(store, actor, { name: 'Dorvan', kind: 'LOCALITY', parentId: kessel.id });
  await createLocation(store, actor, { name: 'Tesk', kind: 'LOCALITY', parentId: lira.id });
}

describe('npm run ingest', () => {
  const dir = mkdtempSync(join(tmpdir(), 'newsgate-cli-ingest-'));
  const pglite = { PGLITE_DATA_DIR: join(dir, 'store') };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  beforeAll(async () => {
    const store = await openStore({ pgliteDataDir: pglite.PGLITE_DATA_DIR });
    try {
      await seedGazetteer(store);
    } finally {
      await store.close();
    }
  });

  const pages = {
    wire: 'https://meridianwire.example/world/2026/11/28/dorvan-bus-bomb',
    blog: 'https://liracourier.example/2026/11/27/flash-floods-tesk/',
    fire: 'https://vpa.example/news/2026/11/30/dorvan-factory-fire',
    storm: 'https://vpa.example/news/2026/11/30/lira-storm',
  };
  const args = [join(FIXTURES, 'pages'), join(FIXTURES, 'feeds/agency.xml'), '--source', 'fixtures'];

  it('ingests a directory and a feed: a draft per page, its figures pending review, one report line each', async () => {
    const first = await ingest(args, pglite);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('created 5, updated 0, unchanged 0, failed 0 of 5 items');

    const stored = await storedArticles(pglite.PGLITE_DATA_DIR);
    const text = [...stored.keys()].find((url) => url.startsWith('file://'))!;
    expect(text).toMatch(/\/test\/fixtures\/ingest\/pages\/ostrel-landslide\.txt$/);
    expect([...stored.keys()].sort()).toEqual([...Object.values(pages), text].sort());
    for (const [url, { article, figures }] of stored) {
      const line = lineOf(first.stdout, url)!;
      expect(line).toMatch(/^CREATED {4}/);
      expect(line).toContain(JSON.stringify(article.headline));
      expect(article.status).toBe('DRAFT');
      // The line counts what was stored: every figure proposed, pending, none withdrawn.
      expect(figures.length).toBeGreaterThan(0);
      expect(countsIn(line)).toEqual({ proposed: figures.length, withdrawn: 0 });
      for (const figure of figures) expect(figure).toMatchObject({ origin: 'EXTRACTED', reviewStatus: 'PENDING' });
    }
    expect(lineOf(first.stdout, pages.wire)).toContain('"Bomb on crowded bus kills at least 14 in Dorvan"');
    // The feed's title is the headline of an entry whose summary is all the page there is.
    expect(lineOf(first.stdout, pages.storm)).toContain('"Storm kills two in Lira, cuts power to thousands"');
    // A village the gazetteer lacks, below a province it knows, is proposed; never created.
    expect(lineOf(first.stdout, text)).toMatch(/places proposed: Ostrel \(LOCALITY\)$/);
  });

  it('reports every page UNCHANGED when run again, and stores nothing new', async () => {
    const before = await storedArticles(pglite.PGLITE_DATA_DIR);
    const again = await ingest(args, pglite);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('created 0, updated 0, unchanged 5, failed 0 of 5 items');
    for (const url of before.keys()) expect(lineOf(again.stdout, url)).toMatch(/^UNCHANGED {2}.*figures proposed 0, withdrawn 0/);
    const after = await storedArticles(pglite.PGLITE_DATA_DIR);
    for (const [url, { article, figures }] of after) {
      expect(article.version).toBe(before.get(url)!.article.version);
      expect(figures.map((figure) => figure.id)).toEqual(before.get(url)!.figures.map((figure) => figure.id));
    }
  });

  it('reports a changed page UPDATED, with the figures it now states proposed and those it no longer states withdrawn', async () => {
    const page = join(dir, 'changing', 'landslide.txt');
    mkdirSync(join(dir, 'changing'));
    const original = readFileSync(join(FIXTURES, 'pages/ostrel-landslide.txt'), 'utf8');
    writeFileSync(page, original);
    const first = await ingest([page], pglite);
    expect(first.code).toBe(0);
    const url = pathToFileURL(page).href;
    const before = (await storedArticles(pglite.PGLITE_DATA_DIR)).get(url)!;

    // The last paragraph gives way to a new one; every other sentence stays as it was.
    writeFileSync(page, original.replace('A landslide in the same valley killed 19 people in 2019.',
      'The death toll rose to six on Friday, when rescuers found two more bodies, officials said.'));
    const second = await ingest([page], pglite);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('created 0, updated 1, unchanged 0, failed 0 of 1 items');
    const line = lineOf(second.stdout, url)!;
    expect(line).toMatch(/^UPDATED {4}/);

    const after = (await storedArticles(pglite.PGLITE_DATA_DIR)).get(url)!;
    expect(after.article.id).toBe(before.article.id);
    const fresh = after.figures.filter((figure) => !before.figures.some((old) => old.id === figure.id));
    const withdrawn = after.figures.filter((figure) => figure.retractedAt !== null);
    expect(fresh.some((figure) => figure.quote.includes('rose to six'))).toBe(true);
    expect(withdrawn.map((figure) => figure.quote)).toEqual(['A landslide in the same valley killed 19 people in 2019.']);
    expect(countsIn(line)).toEqual({ proposed: fresh.length, withdrawn: withdrawn.length });
    for (const figure of after.figures.filter((f) => f.retractedAt === null)) expect(figure.reviewStatus).toBe('PENDING');
  });

  it('fails an item it cannot ingest with exit 1, names it with the error\'s message and code, and stores the others', async () => {
    const mixed = join(dir, 'mixed');
    mkdirSync(mixed);
    writeFileSync(join(mixed, 'a-broken.rss'), '<rss version="2.0"><channel><item><title>Cut off mid-');
    writeFileSync(join(mixed, 'b-empty.html'), '   \n');
    copyFileSync(join(FIXTURES, 'feeds/wire.rss'), join(mixed, 'c-wire.rss'));
    const run = await ingest([mixed, join(dir, 'no-such-dir')], pglite);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('created 2, updated 0, unchanged 0, failed 4 of 6 items');
    expect(lineOf(run.stdout, `${join(mixed, 'a-broken.rss')}:`)).toMatch(/^FAILED {5}.*: is not a readable feed: /);
    expect(lineOf(run.stdout, `${join(mixed, 'b-empty.html')}:`)).toMatch(/^FAILED .*\(BAD_USER_INPUT\)$/);
    expect(lineOf(run.stdout, `${join(mixed, 'c-wire.rss')} (item 3):`)).toMatch(/has no http\(s\) link/);
    expect(lineOf(run.stdout, `${join(dir, 'no-such-dir')}:`)).toMatch(/no such file or directory.*\(ENOENT\)$/);

    const stored = await storedArticles(pglite.PGLITE_DATA_DIR);
    for (const url of ['https://meridianwire.example/world/2026/11/29/varnia-ferry', 'https://meridianwire.example/world/2026/11/29/lira-checkpoint']) {
      expect(lineOf(run.stdout, url)).toMatch(/^CREATED /);
      expect(stored.get(url)?.figures.length).toBeGreaterThan(0);
    }
    expect(stored.size).toBe(8);
  });

  it('explains its usage and exits 2 without paths, without a store, with a blank source, a base URL not on the web or an unknown option', async () => {
    const none = await ingest([], pglite);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/name at least one file, feed or directory[\s\S]*usage: npm run ingest/);
    const storeless = await ingest([join(FIXTURES, 'pages')], {});
    expect(storeless.code).toBe(2);
    expect(storeless.stderr).toMatch(/no store configured[\s\S]*usage: npm run ingest/);
    const blank = await ingest([join(FIXTURES, 'pages'), '--source', ' '], pglite);
    expect(blank.code).toBe(2);
    expect(blank.stderr).toMatch(/--source needs an id[\s\S]*usage: npm run ingest/);
    const unknown = await ingest([join(FIXTURES, 'pages'), '--sauce', 'x'], pglite);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/--sauce[\s\S]*usage: npm run ingest/);
    const local = await ingest([join(FIXTURES, 'pages'), '--base-url', 'file:///srv/pages/'], pglite);
    expect(local.code).toBe(2);
    expect(local.stderr).toMatch(/--base-url must be an http or https URL[\s\S]*usage: npm run ingest/);
    expect((await storedArticles(pglite.PGLITE_DATA_DIR)).size).toBe(8);
  });
});
