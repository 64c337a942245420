import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, type Page, chromium } from 'playwright-core';

/** Debian's Chromium; `CHROMIUM_PATH` names another. Never a browser downloaded by a test tool. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const INSTALL_CHROMIUM = 'apt-get update && apt-get install -y chromium';

/** Where browser tests leave screenshots (git-ignored). */
export const TEST_OUTPUT = join(__dirname, '..', '..', 'test-output');

/**
 * Flags for a closed network: without the background-networking ones Chromium keeps trying to reach
 * Google's hosts. `--headless` and `--no-sandbox` (we run as root) are added by Playwright.
 */
const CHROMIUM_FLAGS = [
  '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
];

/**
 * Declares a browser suite. With Chromium installed it runs; without it, under CI=true, the suite
 * is one failing test that says how to install it; elsewhere it is skipped after a loud banner.
 */
export function describeWithChromium(title: string, suite: () => void): void {
  if (existsSync(CHROMIUM_PATH)) {
    describe(title, suite);
    return;
  }
  const message = `Chromium is not installed at ${CHROMIUM_PATH}. Install Debian's package with:\n  ${INSTALL_CHROMIUM}\n` +
    '(or point CHROMIUM_PATH at a Chromium binary; never let a test tool download a browser).';
  if (process.env.CI === 'true') {
    describe(title, () => {
      it('needs Chromium', () => {
        throw new Error(`${message}\nCI=true: a missing browser fails the run.`);
      });
    });
    return;
  }
  const banner = '!'.repeat(100);
  console.warn(`\n${banner}\n${message}\nTHE BROWSER TESTS ("${title}") ARE SKIPPED IN THIS RUN.\n${banner}\n`);
  describe.skip(title, suite);
}

/** A headless Chromium with a fresh, empty profile, removed on `close`. */
export interface TestBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launchChromium(): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'newsgate-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width: 1400, height: 900 },
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** The path of a screenshot named `name` under test-output/, creating the folder. */
export function screenshotPath(name: string): string {
  mkdirSync(TEST_OUTPUT, { recursive: true });
  return join(TEST_OUTPUT, name);
}

/**
 * The JSON GraphiQL's result pane shows, read from Monaco's rendered lines in the order they stand on
 * the screen (Monaco reuses line elements, so DOM order is not screen order), runs of white space
 * folded to one (a wrapped line's continuation is indented); null until it parses, which needs every
 * line rendered: make the page tall and wide enough for the whole answer.
 */
export async function shownAnswer<Answer>(page: Page): Promise<Answer | null> {
  const text = await page.evaluate(() => [...document.querySelectorAll<HTMLElement>('.graphiql-response .view-line')]
    .sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top))
    .map((line) => line.textContent ?? '').join('').replace(/\s+/g, ' '));
  try {
    return JSON.parse(text) as Answer;
  } catch {
    return null;
  }
}

/** Runs GraphiQL's open tab and resolves with the answer the pane shows once `done` holds for it (30 s at most). */
export async function runOpenTab<Answer>(page: Page, done: (answer: Answer) => boolean): Promise<Answer> {
  await page.click('.graphiql-execute-button');
  const deadline = Date.now() + 30_000;
  for (;;) {
    const answer = await shownAnswer<Answer>(page);
    if (answer && done(answer)) return answer;
    if (Date.now() > deadline) throw new Error(`the result pane never showed the expected answer; it shows: ${JSON.stringify(answer)}`);
    await page.waitForTimeout(100);
  }
}
