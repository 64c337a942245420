import { PUBLIC_VIEWER, type Viewer } from './auth/api-keys';
import type { ReadTags } from './cache/read-tags';
import type { Logger } from './logger';
import { createLoaders, type Loaders } from './loaders';
import { SourcesServed } from './news/served';
import type { LiveUpdates } from './live/live-updates';
import type { PageLimits } from './pagination';
import type { ReadScope } from './store/records';
import type { RemoteSources } from './sources/source';
import { withDeadline } from './store/deadline';
import type { ContentStore } from './store/store';

/** What every resolver receives: the request's own loaders, never shared with another request. */
export interface Context {
  requestId: string;
  /** The public, or an API key's holder. */
  viewer: Viewer;
  /**
   * The client's IP address as Express reports it (`req.ip`: the peer, or the address forwarded by
   * a trusted proxy, see `trust proxy`); null outside HTTP.
   */
  clientAddress: string | null;
  loaders: Loaders;
  /** The store as this viewer may read it (editors see drafts); writes go through it too. */
  store: ContentStore;
  pagination: PageLimits;
  log: Logger;
  /** The remote sources `news` lists beside the store; null when none are configured. */
  sources: RemoteSources | null;
  /** What this request took from the remote sources, for the answer's extensions and cache policy. */
  served: SourcesServed;
  /** The subscriptions' source of changes (src/live/); null where subscriptions are not served. */
  live: LiveUpdates | null;
}

export interface ContextDependencies {
  store: ContentStore;
  pagination: PageLimits;
  log: Logger;
  /**
   * How long a request may wait for the store's reads in all, in milliseconds, from when its context
   * is made (see ./store/deadline). Unset: no deadline beyond each statement's own bounds.
   */
  requestTimeoutMs?: number;
  /** The remote sources; none when absent. */
  sources?: RemoteSources | null;
  /** The subscriptions' source of changes; none when absent. */
  live?: LiveUpdates | null;
}

/** `store` noting the tags of its reads in `reads`; a store that cannot leaves them "everything". */
function notingReads(store: ContentStore, reads: ReadTags): ContentStore {
  if (store.noting) return store.noting(reads);
  reads.readPastCache();
  return store;
}

/** What `viewer` may read: the public, published articles and accepted figures; a key's holder, everything. */
export function readScopeOf(viewer: Viewer): ReadScope {
  return viewer.role === 'public' ? { unpublished: false } : { unpublished: true };
}

/**
 * Builds one request's context. `requestId`, `viewer` and `clientAddress` come from the HTTP layer,
 * and so may `requestLog`, a child of `deps.log` that already puts `requestId` on its lines (the
 * access log's): default, a new one; and `reads`, where the store notes the cache tags of what the
 * request reads, when its answer may be kept (src/http/response-cache.ts).
 */
export function createContext(
  deps: ContextDependencies, requestId: string, viewer: Viewer = PUBLIC_VIEWER, clientAddress: string | null = null,
  requestLog: Logger = deps.log.child({ requestId }), reads?: ReadTags,
): Context {
  const noted = reads ? notingReads(deps.store, reads) : deps.store;
  const scoped = viewer.role === 'public' ? noted : noted.scoped(readScopeOf(viewer));
  const store = deps.requestTimeoutMs ? withDeadline(scoped, Date.now() + deps.requestTimeoutMs, deps.requestTimeoutMs) : scoped;
  return {
    requestId,
    viewer,
    clientAddress,
    loaders: createLoaders(store),
    store,
    pagination: deps.pagination,
    log: requestLog,
    sources: deps.sources ?? null,
    served: new SourcesServed(),
    live: deps.live ?? null,
  };
}
