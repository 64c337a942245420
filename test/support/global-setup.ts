import { START_POSTGRES, TEST_DATABASE_URL, postgresProblem } from './services';

/**
 * Checks the services the suite talks to before any test runs. Under CI=true an unreachable service
 * fails the run; elsewhere the suite says so loudly, names the command that starts it, and skips
 * the tests that need it.
 */
export default async function globalSetup(): Promise<void> {
  const problem = await postgresProblem();
  if (!problem) {
    process.env.NEWSGATE_TEST_POSTGRES = 'available';
    return;
  }
  const message = `PostgreSQL is not reachable at ${TEST_DATABASE_URL}: ${problem}\n` +
    `Start it with:\n  ${START_POSTGRES}\n(or point TEST_DATABASE_URL at another server).`;
  if (process.env.CI === 'true') throw new Error(`${message}\nCI=true: a missing service fails the run.`);
  process.env.NEWSGATE_TEST_POSTGRES = 'missing';
  const banner = '!'.repeat(100);
  console.warn(`\n${banner}\n${message}\nTHE POSTGRESQL ADAPTER TESTS ARE SKIPPED IN THIS RUN.\n${banner}\n`);
}
