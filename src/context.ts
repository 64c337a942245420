import { randomUUID } from 'node:crypto';
import type { Logger } from './logger';
import { createLoaders, type Loaders } from './loaders';
import type { PageLimits } from './pagination';
import type { ContentStore } from './store/store';

/** What every resolver receives: the request's own loaders, never shared with another request. */
export interface Context {
  requestId: string;
  loaders: Loaders;
  store: ContentStore;
  pagination: PageLimits;
  log: Logger;
}

export interface ContextDependencies {
  store: ContentStore;
  pagination: PageLimits;
  log: Logger;
}

/** Builds one request's context. `requestId` comes from the HTTP layer (or is made here). */
export function createContext(deps: ContextDependencies, requestId: string = randomUUID()): Context {
  return {
    requestId,
    loaders: createLoaders(deps.store),
    store: deps.store,
    pagination: deps.pagination,
    log: deps.log.child({ requestId }),
  };
}
