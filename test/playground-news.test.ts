import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { openRemoteSources } from '../src/sources';
import { loadSourceDefinitions } from '../src/sources/definitions';
import type { RemoteSources } from '../src/sources/source';
import { type TestBrowser, describeWithChromium, launchChromium, runOpenTab, screenshotPath } from './support/browser';
import { type TestGateway, gatewaysOverWorkedExample } from './support/gateway';
import { STORIES, type StoryUpstream, startGraphqlUpstream, startRestUpstream } from './support/upstreams';
import { graphqlEntry, restEntry, sourcesFile } from './support/sources-file';

/**
 * The playground's `News` tab in a real browser, over a gateway whose sources file names a GraphQL
 * API that answers and a REST API that is down: the result pane shows the store's article and the
 * GraphQL source's items, one SOURCE_UNAVAILABLE error naming the REST source, and (on the next run)
 * that source's health with its last error.
 */

const STORE_HEADLINE = 'Pakistan Targets Balochistan Separatists After Widespread Attacks Kill Dozens';
const REMOTE_HEADLINE = 'Harbour board approves new ferry pier';

type Health = { state: string; lastSuccessAt: string | null; lastError: { message: string } | null };
interface NewsAnswer {
  errors?: { message: string; path?: string[]; extensions?: Record<string, unknown> }[];
  data: {
    news: { totalCountIsLowerBound: boolean; edges: { node: { headline: string; source: { id: string } } }[] };
    sources: { id: string; health: Health | null }[];
  };
}

describeWithChromium('the playground\'s News tab with a source down', () => {
  const example = gatewaysOverWorkedExample();
  let graphql: StoryUpstream;
  let rest: StoryUpstream;
  let sources: RemoteSources;
  let api: TestGateway;
  let browser: TestBrowser;
  let dir: string;

  beforeAll(async () => {
    [graphql, rest] = await Promise.all([startGraphqlUpstream(STORIES), startRestUpstream(STORIES)]);
    rest.fail(500);
    dir = mkdtempSync(join(tmpdir(), 'newsgate-playground-sources-'));
    writeFileSync(join(dir, 'sources.yaml'), sourcesFile(graphqlEntry(graphql.url), restEntry(rest.url, { timeoutMs: 500, staleSeconds: 0 })));
    // As src/main.ts opens them: the file read and checked, each source checked against its remote.
    sources = (await openRemoteSources(loadSourceDefinitions(join(dir, 'sources.yaml'), process.env), { log: pino({ level: 'silent' }) }))!;
    api = await example.gateway({ sources });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await example.stopGateways();
    await sources?.close();
    await Promise.all([graphql?.close(), rest?.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows the other sources\' items, one SOURCE_UNAVAILABLE error naming the down source, and its health', async () => {
    const page = await browser.context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    await page.setViewportSize({ width: 2400, height: 4000 });
    await page.goto(api.url);
    await page.waitForSelector('.graphiql-container .graphiql-execute-button', { timeout: 30_000 });
    await page.locator('.graphiql-tab-button', { hasText: 'News' }).click();
    // GraphiQL takes the operation's name from the editor 100 ms after a change (a tab switch included);
    // run before that, it sends the previous tab's name. It stores the query at the same moment.
    await page.waitForFunction(() => window.localStorage.getItem('graphiql:query')?.includes('query News'), undefined, { timeout: 10_000 });

    const first = await runOpenTab<NewsAnswer>(page, (answer) => answer.errors !== undefined);
    expect(first.errors).toEqual([expect.objectContaining({
      message: expect.stringContaining('"broadsheet"'),
      path: ['news'],
      extensions: { code: 'SOURCE_UNAVAILABLE', source: 'broadsheet', retryable: true },
    })]);
    const headlines = first.data.news.edges.map((edge) => edge.node.headline);
    expect(headlines).toEqual(expect.arrayContaining([REMOTE_HEADLINE, STORE_HEADLINE]));
    expect(new Set(first.data.news.edges.map((edge) => edge.node.source.id))).toEqual(new Set(['meridian', 'newsgate']));
    expect(first.data.news.totalCountIsLowerBound).toBe(true);

    // `sources` is read when the request begins, so the failure met by the first run shows on the next.
    const second = await runOpenTab<NewsAnswer>(page, (answer) => JSON.stringify(answer) !== JSON.stringify(first));
    expect(second.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ source: 'broadsheet' }) })]);
    const health = Object.fromEntries(second.data.sources.map((source) => [source.id, source.health]));
    expect(health.meridian).toMatchObject({ state: 'UP', lastError: null });
    expect(health.broadsheet!.state).toMatch(/^(DEGRADED|DOWN)$/);
    expect(health.broadsheet).toMatchObject({ lastSuccessAt: null, lastError: { message: expect.stringContaining('HTTP 500') } });
    await page.screenshot({ path: screenshotPath('playground-news-source-down.png'), clip: { x: 0, y: 0, width: 2400, height: 1500 } });

    expect(problems).toEqual([]);
    await page.close();
  });
});
