import { type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { join } from 'node:path';
import { flagUrlFor } from '../tools/supergraph/media-subgraph';
import { FEDERATED_EXAMPLE } from '../tools/supergraph/playground';
import { type TestBrowser, describeWithChromium, launchChromium, runOpenTab, screenshotPath } from './support/browser';
import { freePort, isRunning, spawnOwned, until } from './support/processes';

/**
 * `npm run supergraph` as a user runs it: it builds and starts newsgate, the media subgraph and the
 * router, answers the federated query from both subgraphs (newsgate itself refusing `_service`
 * without its secret), serves a playground that runs that query offline in a real browser, and
 * Ctrl-C stops all three servers.
 */

interface FederatedAnswer {
  errors?: unknown[];
  data: { articles: { edges: { node: {
    headline: string;
    images: { url: string }[] | null;
    locations: { name: string; isoCode: string | null; flagUrl: string | null }[];
  } }[] } };
}

const HEADLINE = 'Pakistan Targets Balochistan Separatists After Widespread Attacks Kill Dozens';

async function post(url: string, query: string): Promise<any> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
  return response.json();
}

/** Whether anything accepts a connection at `url`'s port on 127.0.0.1. */
const listening = (url: string) => new Promise<boolean>((resolve) => {
  const socket = net.connect(Number(new URL(url).port), '127.0.0.1')
    .once('connect', () => { socket.destroy(); resolve(true); })
    .once('error', () => resolve(false));
});

/** Whether any process of process group `id` is left. */
function groupRuns(id: number): boolean {
  try {
    process.kill(-id, 0);
    return true;
  } catch {
    return false;
  }
}

/** Checks an answer to FEDERATED_EXAMPLE: newsgate's headline with the media subgraph's images and flags. */
function expectBothSubgraphs(answer: FederatedAnswer): void {
  expect(answer.errors).toBeUndefined();
  const [article] = answer.data.articles.edges.map((edge) => edge.node);
  expect(article!.headline).toBe(HEADLINE);
  expect(article!.images!.length).toBeGreaterThanOrEqual(2);
  for (const image of article!.images!) expect(image.url).toMatch(/^https:\/\/media\.example\/images\//);
  expect(article!.locations.filter((place) => place.flagUrl !== null).length).toBeGreaterThan(0);
  for (const place of article!.locations) expect(place.flagUrl).toBe(flagUrlFor(place.isoCode));
}

describe('npm run supergraph', () => {
  let child: ChildProcess;
  let output = '';
  let router: string;
  let newsgate: string;
  let media: string;

  beforeAll(async () => {
    const port = await freePort();
    // Its own process group, as a terminal gives a command, so that Ctrl-C can be sent to all of it.
    child = spawnOwned('npm', ['run', 'supergraph'], {
      cwd: join(__dirname, '..'), env: { ...process.env, SUPERGRAPH_PORT: String(port) }, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
    }, 'SIGKILL');
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => { output += chunk; });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => { output += chunk; });
    await until(() => {
      if (!isRunning(child)) throw new Error(`npm run supergraph exited at start:\n${output}`);
      return output.includes('Ctrl-C stops all three.');
    }, 'npm run supergraph to print its URLs', 150_000);
    router = output.match(/is at (http:\/\/127\.0\.0\.1:\d+\/graphql)\n/)![1]!;
    newsgate = output.match(/newsgate at (http:\/\/127\.0\.0\.1:\d+\/graphql)/)![1]!;
    media = output.match(/media at (http:\/\/127\.0\.0\.1:\d+\/)/)![1]!;
    expect(new URL(router).port).toBe(String(port));
  }, 180_000);

  afterAll(() => {
    if (child?.pid !== undefined && groupRuns(child.pid)) process.kill(-child.pid, 'SIGKILL');
  });

  it('answers the federated query from both subgraphs', async () => {
    expectBothSubgraphs(await post(router, FEDERATED_EXAMPLE));
  });

  it('starts newsgate refusing `_service` to anyone without the secret it gave the router', async () => {
    const answer = await post(newsgate, '{ _service { sdl } }');
    expect(answer.data).toBeUndefined();
    expect(answer.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'SUBGRAPH_SECRET_REQUIRED' }) })]);
  });

  describeWithChromium('its playground', () => {
    let browser: TestBrowser;
    beforeAll(async () => { browser = await launchChromium(); });
    afterAll(() => browser?.close());

    it('opens on the federated query and runs it, asking nothing of any other host', async () => {
      const page = await browser.context.newPage();
      const requests: { method: string; url: string }[] = [];
      const problems: string[] = [];
      page.on('request', (request) => requests.push({ method: request.method(), url: request.url() }));
      page.on('pageerror', (error) => problems.push(error.message));
      await page.setViewportSize({ width: 1600, height: 3000 });
      // The router bundles the playground at its first page view: seconds, more under load.
      await page.goto(router, { timeout: 90_000 });
      await page.waitForSelector('.graphiql-container .graphiql-execute-button', { timeout: 30_000 });
      expect(await page.locator('.graphiql-tab').first().getAttribute('class')).toMatch(/graphiql-tab-active/);
      expect(await page.locator('.graphiql-tab-active .graphiql-tab-button').textContent()).toBe('ArticlesWithMedia');

      expectBothSubgraphs(await runOpenTab<FederatedAnswer>(page, (answer) => 'data' in answer || 'errors' in answer));
      await page.screenshot({ path: screenshotPath('supergraph-playground.png'), clip: { x: 0, y: 0, width: 1600, height: 1200 } });

      const origin = new URL(router).origin;
      expect(requests.filter(({ url }) => new URL(url).origin !== origin)).toEqual([]);
      expect(requests).toContainEqual({ method: 'POST', url: router });
      expect(problems).toEqual([]);
      await page.close();
    }, 150_000);
  });

  // Last: it stops everything.
  it('stops all three servers on Ctrl-C, within seconds', async () => {
    process.kill(-child.pid!, 'SIGINT');
    await until(() => !groupRuns(child.pid!), 'every process of npm run supergraph to exit after Ctrl-C', 5_000);
    // npm ends itself with the signal its script got, as a shell expects of a Ctrl-C.
    expect(child.signalCode).toBe('SIGINT');
    expect(output).toContain('stopped: the router, the media subgraph and newsgate');
    for (const url of [router, newsgate, media]) expect(await listening(url)).toBe(false);
  });
});
