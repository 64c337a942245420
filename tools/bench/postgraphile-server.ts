import './promise-with-resolvers';
import http from 'node:http';
import { Pool } from 'pg';
import { postgraphile } from 'postgraphile';
import { makePgService } from 'postgraphile/adaptors/pg';
import { grafserv } from 'postgraphile/grafserv/node';
import { PostGraphileAmberPreset } from 'postgraphile/presets/amber';
import { loadConfig } from '../../src/config';
import { createArticlesUnder, functionSchemaOf } from './postgraphile';

/**
 * PostGraphile 5 (the amber preset, production mode) for `npm run bench` (./postgraphile.ts), on the
 * store DATABASE_URL and DATABASE_SCHEMA name, with DATABASE_POOL_SIZE connections as the gateway.
 * Ordering and conditions are allowed on every column, not only indexed ones (the bench orders
 * bylines and figures by position). Usage: `tsx postgraphile-server.ts <port>`; listens on loopback.
 */
const [port] = process.argv.slice(2);
const { store } = loadConfig();
if (!store.databaseUrl || !store.databaseSchema) throw new Error('PostGraphile reads a PostgreSQL schema: set DATABASE_URL and DATABASE_SCHEMA.');

async function main(): Promise<void> {
  const setup = new Pool({ connectionString: store.databaseUrl, max: 1 });
  await createArticlesUnder(setup, store.databaseSchema!);
  await setup.end();
  const pgl = postgraphile({
    extends: [PostGraphileAmberPreset],
    disablePlugins: ['PgIndexBehaviorsPlugin'],
    pgServices: [makePgService({
      connectionString: store.databaseUrl, schemas: [store.databaseSchema!, functionSchemaOf(store.databaseSchema!)],
      poolConfig: { max: store.readConnections ?? 10 },
    })],
    grafserv: { graphqlPath: '/graphql', graphiql: false },
  });
  const server = http.createServer();
  await pgl.createServ(grafserv).addTo(server);
  server.listen(Number(port), '127.0.0.1', () => console.log('ready'));
  process.once('SIGTERM', () => server.close(() => void pgl.release()));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
