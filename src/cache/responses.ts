import type { Cache, Stamp } from './cache';

/** The tag every answer in the shared response cache depends on (see src/http/shared-answers.ts). */
export const RESPONSES_TAG = 'responses';

/**
 * The cache the content store invalidates through, when a response cache is on: every invalidation
 * also invalidates `RESPONSES_TAG` (every shared answer, for every instance) and then calls
 * `clearLocal` (this process's answers). An answer is built from many records; dropping them all on
 * any write is what keeps it exact, and writes are rare next to reads.
 */
export function invalidatingResponses(cache: Cache, clearLocal: () => void): Cache {
  return {
    read: (requests) => cache.read(requests),
    write: (entries) => cache.write(entries),
    async invalidate(tags) {
      await cache.invalidate([...tags, RESPONSES_TAG]);
      clearLocal();
    },
    ...cache.claim ? { claim: (key: string, stamp: Stamp, ms: number) => cache.claim!(key, stamp, ms) } : {},
    metrics: () => cache.metrics(),
    close: () => cache.close(),
  };
}
