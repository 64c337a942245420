import type { Cache, Stamp } from './cache';

/** The tag every answer in the shared response cache depends on (see src/http/shared-answers.ts). */
export const RESPONSES_TAG = 'responses';

/**
 * The cache the content store invalidates through, when a response cache is on: every invalidation
 * also invalidates `RESPONSES_TAG` (every shared answer, for every instance: a shared answer is
 * stamped before it is computed, when what it will read is not known yet) and then calls
 * `clearLocal` with its tags (this process's answers that read one of them).
 */
export function invalidatingResponses(cache: Cache, clearLocal: (tags: readonly string[]) => void): Cache {
  return {
    read: (requests) => cache.read(requests),
    write: (entries) => cache.write(entries),
    async invalidate(tags) {
      await cache.invalidate([...tags, RESPONSES_TAG]);
      clearLocal(tags);
    },
    ...cache.claim ? { claim: (key: string, stamp: Stamp, ms: number) => cache.claim!(key, stamp, ms) } : {},
    metrics: () => cache.metrics(),
    close: () => cache.close(),
  };
}
