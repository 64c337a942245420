import { parseArgs } from 'node:util';
import { createApiKey } from '../auth/api-keys';
import { ConfigError, loadConfig } from '../config';
import { openStore } from '../store/open';
import type { ApiKeyStore, Housekeeping } from '../store/store';

const USAGE = `usage:
  npm run keys -- create --role editor|admin [--name "Night desk"]   prints the new key once
  npm run keys -- revoke <key id>
  npm run keys -- list

The store comes from DATABASE_URL (PostgreSQL) or PGLITE_DATA_DIR (embedded, on disk).`;

class UsageError extends Error {}

/** `npm run keys`: creates, revokes and lists API keys in the configured store. */
async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv, allowPositionals: true,
    options: { role: { type: 'string' }, name: { type: 'string' } },
  });
  const [command, id] = positionals;
  if (!['create', 'revoke', 'list'].includes(command)) throw new UsageError(`unknown command "${command ?? ''}"`);
  if (command === 'create' && values.role !== 'editor' && values.role !== 'admin') throw new UsageError('--role must be editor or admin');
  if (command === 'revoke' && !id) throw new UsageError('revoke needs the key id (see `list`)');

  const { store: options } = loadConfig();
  if (!options.databaseUrl && !options.pgliteDataDir) {
    throw new UsageError('no store configured: set DATABASE_URL or PGLITE_DATA_DIR (a key in an in-memory store would vanish at exit)');
  }
  const store: ApiKeyStore & Housekeeping = await openStore(options);
  try {
    if (command === 'create') {
      const { record, key } = await createApiKey(store, values.name ?? `${values.role} key`, values.role as 'editor' | 'admin');
      console.log(`created ${record.role} key ${record.id} ("${record.name}"). Send it as "Authorization: Bearer <key>".`);
      console.log('It is shown only now; the store keeps only its hash:');
      console.log(key);
    } else if (command === 'revoke') {
      if (!(await store.revokeApiKey(id))) {
        console.error(`no live key with id ${id}`);
        return 1;
      }
      console.log(`revoked key ${id}`);
    } else {
      for (const key of await store.listApiKeys()) {
        console.log([key.id, key.role.padEnd(6), key.revokedAt ? `revoked ${key.revokedAt.toISOString()}` : 'live',
          `created ${key.createdAt.toISOString()}`, key.name].join('  '));
      }
    }
    return 0;
  } finally {
    await store.close();
  }
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (error) => {
  if (error instanceof UsageError || error instanceof ConfigError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    console.error(`keys: ${error.message}\n\n${USAGE}`);
    process.exitCode = 2;
  } else {
    console.error('keys failed:', error);
    process.exitCode = 1;
  }
});
