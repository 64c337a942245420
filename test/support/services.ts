import { Client } from 'pg';

/** The machine's PostgreSQL, used by the suite unless TEST_DATABASE_URL names another. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export const START_POSTGRES = 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start';

/** Resolves to null when PostgreSQL answers, or to the reason it does not. */
export async function postgresProblem(url = TEST_DATABASE_URL): Promise<string | null> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  client.on('error', () => undefined); // a server starting or stopping may drop the connection: the reason is the rejection
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (error) {
    return (error as Error).message;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Set by the global setup: whether the PostgreSQL tests can run in this run. */
export function postgresAvailable(): boolean {
  return process.env.NEWSGATE_TEST_POSTGRES === 'available';
}
