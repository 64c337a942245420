import { existsSync, statSync } from 'node:fs';
import { parse, validate } from 'graphql';
import { DEFAULT_LIMITS } from '../src/http/limits';
import { PLAYGROUND_EXAMPLES } from '../src/http/playground-examples';
import { operationCost } from '../src/http/query-cost';
import { buildSchema } from '../src/schema';
import { type TestBrowser, describeWithChromium, launchChromium, screenshotPath } from './support/browser';
import { type TestGateway, gatewaysOverWorkedExample } from './support/gateway';

const HEADLINE = 'Pakistan Targets Balochistan Separatists After Widespread Attacks Kill Dozens';

/** The text of an element with Monaco's wrapping and non-breaking spaces folded to single spaces. */
const flatText = (text: string | null | undefined) => (text ?? '').replace(/\s+/g, ' ');

describe('the playground', () => {
  const t = gatewaysOverWorkedExample();
  let dev: TestGateway;
  beforeAll(async () => {
    dev = await t.gateway();
  });

  describe('example operations', () => {
    const schema = buildSchema();
    const pagination = { defaultPageSize: 20, maxPageSize: 100 };

    it.each(PLAYGROUND_EXAMPLES.map((example) => [example.query.match(/(?:query|subscription) (\w+)/)![1], example] as const))(
      '%s is valid against the schema, within the default cost, and answers without errors', async (_, example) => {
        const document = parse(example.query);
        expect(validate(schema, document)).toEqual([]);
        const operation = document.definitions[0];
        if (operation.kind !== 'OperationDefinition') throw new Error('an example must be one operation');
        const cost = operationCost(schema, document, operation, example.variables, { ...pagination, assumedListSize: DEFAULT_LIMITS.assumedListSize });
        expect(cost).toBeLessThanOrEqual(DEFAULT_LIMITS.maxCost);
        // Subscriptions run over WebSocket (test/subscriptions.test.ts); the rest answer over HTTP.
        if (operation.operation === 'subscription') return;
        const response = await dev.gql(example.query, example.variables);
        expect(response.errors).toBeUndefined();
        expect(response.status).toBe(200);
      });
  });

  it('serves GraphiQL from the gateway itself, with no address outside it', async () => {
    const page = await fetch(dev.url, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const html = await page.text();
    const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]);
    expect(sources.length).toBeGreaterThanOrEqual(2);
    for (const source of sources) expect(source).toMatch(/^(\/playground\/|data:)/);
    const script = sources.find((source) => source.endsWith('.js'))!;
    const asset = await fetch(new URL(script, dev.url));
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toMatch(/immutable/);
    expect(await asset.text()).not.toMatch(/https:\/\/(esm\.sh|unpkg\.com|cdn\.jsdelivr\.net)\//);
    expect((await fetch(new URL('/playground/nothing-here.js', dev.url))).status).toBe(404);
  });

  it('is off in production unless asked for, and on when asked for', async () => {
    const production = await t.gateway({ production: true });
    const forced = await t.gateway({ production: true, http: { playground: { enabled: true } } });
    const off = await fetch(production.url, { headers: { accept: 'text/html' } });
    expect(off.headers.get('content-type')).not.toMatch(/text\/html/);
    expect((await fetch(new URL('/playground/x.js', production.url))).status).toBe(404);
    const on = await fetch(forced.url, { headers: { accept: 'text/html' } });
    expect(on.headers.get('content-type')).toMatch(/text\/html/);
  });

  describeWithChromium('in a browser', () => {
    let browser: TestBrowser;
    beforeAll(async () => {
      browser = await launchChromium();
    });
    afterAll(async () => {
      await browser?.close();
    });

    it('runs the first example and shows the worked example, with the docs and the history at hand', async () => {
      const page = await browser.context.newPage();
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(error.message));
      page.on('requestfailed', (request) => problems.push(`${request.url()}: ${request.failure()?.errorText}`));
      page.on('request', (request) => {
        if (!request.url().startsWith(new URL(dev.url).origin) && !request.url().startsWith('data:')) problems.push(`left the gateway: ${request.url()}`);
      });

      await page.goto(dev.url);
      await page.waitForSelector('.graphiql-container .graphiql-execute-button', { timeout: 30_000 });
      const tabs = await page.locator('.graphiql-tab-button').allTextContents();
      expect(tabs.map((tab) => tab.trim())).toEqual(['ArticlePage', 'RegionFigures', 'Dashboard', 'News', 'LiveRegion']);

      await page.click('.graphiql-execute-button');
      await page.waitForFunction((headline) => (document.querySelector('.graphiql-response')?.textContent ?? '')
        .replace(/\s+/g, ' ').includes(headline), HEADLINE, { timeout: 30_000 });
      expect(flatText(await page.locator('.graphiql-response').textContent())).toContain(HEADLINE);
      const shot = screenshotPath('playground.png');
      await page.screenshot({ path: shot });
      expect(existsSync(shot) && statSync(shot).size).toBeGreaterThan(10_000);

      await page.click('[aria-label="Show Documentation Explorer"]');
      await page.waitForSelector('.graphiql-doc-explorer', { timeout: 10_000 });
      expect(flatText(await page.locator('.graphiql-doc-explorer').textContent())).toMatch(/Root Types.*query: Query/);

      await page.click('[aria-label="Show History"]');
      await page.waitForSelector('.graphiql-history', { timeout: 10_000 });
      expect(flatText(await page.locator('.graphiql-history').textContent())).toContain('ArticlePage');
      await page.screenshot({ path: screenshotPath('playground-history.png') });

      expect(problems).toEqual([]);
      await page.close();
    });
  });
});
