import { SHARED_REDIS_URL, START_REDIS, redisProblem } from './redis';
import { START_POSTGRES, TEST_DATABASE_URL, postgresProblem } from './services';

/**
 * Checks the services the suite talks to before any test runs. Under CI=true an unreachable service
 * fails the run; elsewhere the suite says so loudly, names the command that starts it, and skips
 * the tests that need it.
 */
export default async function globalSetup(): Promise<void> {
  await checkService('PostgreSQL', 'NEWSGATE_TEST_POSTGRES', TEST_DATABASE_URL, START_POSTGRES, 'TEST_DATABASE_URL', postgresProblem);
  await checkService('Redis', 'NEWSGATE_TEST_REDIS', SHARED_REDIS_URL, START_REDIS, 'TEST_REDIS_URL', redisProblem);
}

/** Records in `flag` whether a service answers; under CI=true a silent service fails the run. */
async function checkService(name: string, flag: string, url: string, start: string, variable: string,
  problemOf: () => Promise<string | null>): Promise<void> {
  const problem = await problemOf();
  if (!problem) {
    process.env[flag] = 'available';
    return;
  }
  const message = `${name} is not reachable at ${url}: ${problem}\n` +
    `Start it with:\n  ${start}\n(or point ${variable} at another server).`;
  if (process.env.CI === 'true') throw new Error(`${message}\nCI=true: a missing service fails the run.`);
  process.env[flag] = 'missing';
  const banner = '!'.repeat(100);
  console.warn(`\n${banner}\n${message}\nTHE ${name.toUpperCase()} TESTS ARE SKIPPED IN THIS RUN.\n${banner}\n`);
}
