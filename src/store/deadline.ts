import { TimeoutError, withTimeout } from '../timeout';
import { StoreTimeoutError } from './errors';
import type { ContentStore } from './store';

/**
 * The store's methods that write. A write that has begun is never abandoned at the deadline: it
 * runs to its own statement timeout and commits or rolls back, so the caller always learns which.
 */
const WRITES = new Set<keyof ContentStore>([
  'write', 'insertAuthors', 'upsertLocations', 'insertArticles', 'insertFigures', 'insertLocationAliases', 'allocateIds', 'insertApiKey',
  'revokeApiKey', 'close',
]);

/**
 * `store` as one request sees it: every read that has not answered by `deadline` (epoch
 * milliseconds) rejects with `StoreTimeoutError('request')` then, and one asked for after it at once,
 * without reaching the database.
 * The read itself runs on, bounded by its own statement timeout, and its answer may still fill the
 * cache for later requests. Writes are passed through (see `WRITES`); so is `scoped`, whose store
 * keeps the same deadline.
 */
export function withDeadline(store: ContentStore, deadline: number, timeoutMs: number): ContentStore {
  return new Proxy(store, {
    get(target, name, receiver) {
      const value: unknown = Reflect.get(target, name, receiver);
      if (typeof value !== 'function' || WRITES.has(name as keyof ContentStore)) return value;
      if (name === 'scoped') {
        return (...args: Parameters<ContentStore['scoped']>) => withDeadline(target.scoped(...args), deadline, timeoutMs);
      }
      return (...args: unknown[]) => {
        const left = deadline - Date.now();
        if (left <= 0) return Promise.reject(new StoreTimeoutError('request', timeoutMs));
        const answer: unknown = value.apply(target, args);
        if (!(answer instanceof Promise)) return answer;
        return withTimeout(answer, left).catch((error: unknown) => {
          throw error instanceof TimeoutError ? new StoreTimeoutError('request', timeoutMs) : error;
        });
      };
    },
  });
}
