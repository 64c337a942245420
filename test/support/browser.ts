import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

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
