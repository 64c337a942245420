import { loadConfig } from '../../src/config';
import { createPeerServer, openPeerPool } from './peer';

/**
 * The one-statement peer for `npm run bench` (./peer.ts), on the store newsgate's own settings name:
 * DATABASE_URL, DATABASE_SCHEMA and DATABASE_POOL_SIZE (the gateway's read pool, so both servers
 * hold the same number of connections). Usage: `tsx peer-server.ts <port>`; listens on loopback.
 */
const [port] = process.argv.slice(2);
const { store } = loadConfig();
if (!store.databaseUrl) throw new Error('The peer reads PostgreSQL only: set DATABASE_URL (and DATABASE_SCHEMA).');
const pool = openPeerPool({ ...store, databaseUrl: store.databaseUrl });
const server = createPeerServer(pool).listen(Number(port), '127.0.0.1', () => console.log('ready'));
process.once('SIGTERM', () => server.close(() => void pool.end()));
