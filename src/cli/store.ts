import { createCache, redisConfigured } from '../cache';
import { invalidatingResponses } from '../cache/responses';
import { CachedStore } from '../cache/cached-store';
import type { Config } from '../config';
import { openStore } from '../store/open';
import type { ContentStore } from '../store/store';

/** The store a command-line tool writes to, and how to let go of it (store and cache) at the end. */
export interface CliStore {
  store: ContentStore;
  close(): Promise<void>;
}

/**
 * Opens the configured store for a tool that writes. With Redis configured it writes through the
 * cache as a gateway does, so that every running gateway drops what the tool changes (records,
 * lists, counts, statistics and answers) at once. The caller has checked that a store is configured:
 * an in-memory store would vanish at exit.
 */
export async function openCliStore({ store: options, cache: settings }: Pick<Config, 'store' | 'cache'>): Promise<CliStore> {
  const sqlStore = await openStore(options);
  const cache = settings.mode !== 'off' && redisConfigured(settings) ? createCache({ ...settings, mode: 'redis' }).cache : null;
  const store = cache ? new CachedStore(sqlStore, invalidatingResponses(cache, () => undefined)) : sqlStore;
  return {
    store,
    async close() {
      await store.close();
      await cache?.close();
    },
  };
}
