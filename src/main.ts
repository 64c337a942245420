import { createCache } from './cache';
import { CacheKeyValueStore } from './cache/key-value';
import { ConfigError, loadConfig, type Config } from './config';
import { capHeapGrowth } from './heap-growth';
import { redisCacheState } from './http/health';
import { GatewayMetrics } from './http/metrics';
import { ClientRateLimiter } from './http/rate-limit';
import { invalidatingResponses } from './cache/responses';
import { createLogger } from './logger';
import { loadCodedArticle } from './seed/worked-example';
import { TrustedDocuments } from './http/trusted-documents';
import { createGateway, type Gateway } from './server';
import { CachedStore } from './cache/cached-store';
import { openRemoteSources } from './sources';
import { openLive, publishingChanges } from './live';
import { openStore } from './store/open';
import { STORE_SNAPSHOT_DIR } from './store/snapshot';
import type { ContentStore } from './store/store';

/**
 * `npm start`: opens the store (PGlite in memory unless configured otherwise), migrates it, loads
 * the worked example into an empty store, serves /graphql, and on SIGTERM or SIGINT finishes the
 * requests in flight before closing the store.
 */
async function main(config: Config): Promise<void> {
  capHeapGrowth(config.heapGrowthPercent);
  const log = createLogger(config.logLevel, config.logFormat);
  const metrics = new GatewayMetrics({ log });
  const sqlStore = await openStore({
    ...config.store,
    pgliteSnapshotDir: STORE_SNAPSHOT_DIR,
    // The pools replace a lost connection on their own: worth a warning, never the process.
    onConnectionLost: (err) => log.warn({ err }, 'content store: a database connection was lost; it will be replaced'),
    onStatement: (seconds) => metrics.observeStoreQuery('postgres', seconds),
  });
  log.info({ engine: sqlStore.engine }, 'content store open and migrated');
  // Whole public answers are cached too (src/http/response-cache.ts), at the level the records are:
  // in Redis alone with CACHE=redis; in process with `memory` and `layered`, for as long as a cached
  // list (and at most their max-age). With `layered`, only while the checks of Redis's write marker
  // vouch for them, and dropped with the in-process records when one finds another instance wrote
  // (src/cache/two-level.ts): so an answer never lags a write whose message was lost by more than a
  // second. While Redis cannot vouch, answers are served for CACHE_OUTAGE_GRACE_SECONDS from the last
  // check that did, or from their computation (docs/caching.md, "Redis outages"). Not in Redis with
  // `layered`: an answer built from in-process records that missed a message would be stamped fresh
  // there and reach every instance.
  const caching = createCache(config.cache, (err) => log.warn({ err }, 'cache: Redis failed; answering from the store'));
  const { mode, cache, redis } = caching;
  const responseCacheOn = config.cache.responseCache && cache !== null;
  if (redis) log.info({ redisReady: await redis.ready(2000) }, 'cache: Redis in front of the store');
  let gateway: Gateway | undefined;
  const clearResponses = (tags: readonly string[]) => gateway?.responseCache?.clear(tags);
  const cachedStore: ContentStore = cache
    ? new CachedStore(sqlStore, responseCacheOn ? invalidatingResponses(cache, clearResponses) : cache, {
      entityTtlSeconds: config.cache.entityTtlSeconds, listTtlSeconds: config.cache.listTtlSeconds,
    })
    : sqlStore;
  // Subscriptions read the store itself, and hear of every committed write, from any instance
  // sharing the cache's Redis and prefix (docs/subscriptions.md); without Redis, of this process's.
  const live = config.subscriptions.enabled
    ? openLive({ store: sqlStore, log, redis: caching.redisConnection, statsDebounceMs: config.subscriptions.statsDebounceMs })
    : null;
  if (live) log.info({ fannedOut: Boolean(caching.redisConnection), ready: await live.ready(2000) }, 'subscriptions: live updates on');
  const store: ContentStore = live ? publishingChanges(cachedStore, live.events) : cachedStore;
  const responseCache = responseCacheOn ? {
    ttlMs: mode === 'redis' ? 0 : config.cache.listTtlSeconds * 1000,
    needsSync: mode === 'layered',
    outageGraceMs: config.cache.outageGraceSeconds * 1000,
    maxBytes: config.cache.responseCacheMaxBytes,
    shared: mode === 'redis' ? { cache, ttlSeconds: config.cache.listTtlSeconds } : undefined,
  } : undefined;
  log.info({ cache: mode }, 'cache ready');
  if (cache) metrics.setCacheSource(() => cache.metrics());
  metrics.setRedisPing(redis?.ping);
  if (config.seedWorkedExample && await store.isEmpty()) {
    const id = await loadCodedArticle(store);
    log.info({ articleId: id }, 'empty store: loaded the worked example');
  }
  // Remote sources share the cache's Redis (pages and refresh locks); without it, each process keeps its own.
  const sources = await openRemoteSources(config.sources, { redis: caching.redisConnection, registry: metrics.registry, log });
  if (sources) log.info({ sources: sources.list().map((source) => source.id), redisReady: await sources.ready?.(2000) }, 'remote sources ready');
  const trustedDocuments = config.http.trustedDocumentsPath ? TrustedDocuments.load(config.http.trustedDocumentsPath) : undefined;
  const { enabled: rateLimited, ...budgets } = config.http.rateLimit;
  // Budgets live in the cache's Redis whatever CACHE says; without Redis, in this process.
  const rateLimits = rateLimited ? new ClientRateLimiter({
    ...budgets, redis: caching.redisConnection ?? undefined, registry: metrics.registry, log,
  }) : null;
  if (rateLimits) log.info({ store: rateLimits.store, ready: await rateLimits.ready(2000), ...rateLimits.settings }, 'rate limits on');
  gateway = await createGateway({
    config, store, log, sources,
    live: live ? {
      updates: live.updates,
      limits: { perConnection: config.subscriptions.perConnection, perAddress: config.subscriptions.perAddress },
    } : undefined,
    compiledQueries: config.http.compiledQueries ? undefined : false,
    http: {
      playground: { enabled: config.http.playground },
      introspection: config.http.introspection,
      limits: config.http.limits,
      admission: config.http.admission,
      trustedDocuments,
      rateLimiter: rateLimits?.limit,
      trustProxy: config.http.trustProxy,
      subgraphSecret: config.http.subgraphSecret,
      automaticPersistedQueries: cache ? { store: new CacheKeyValueStore(cache), ttlSeconds: config.http.apqTtlSeconds } : undefined,
      httpCacheMaxAgeSeconds: config.http.httpCacheMaxAgeSeconds,
      responseCache,
      metrics,
      readiness: {
        schemaVersion: () => store.schemaVersion(),
        // A PING on each connection to Redis, bounded by the operation timeout: a hung Redis is down.
        cacheState: redis || rateLimits?.store === 'redis' ? redisCacheState({
          ...(redis ? { cache: redis.ping } : {}),
          ...(rateLimits?.store === 'redis' ? { 'rate limits': () => rateLimits.ping() } : {}),
        }) : undefined,
        timeoutMs: config.http.readinessTimeoutMs,
      },
    },
  });
  if (gateway.responseCache) {
    redis?.onInvalidate(clearResponses);
    caching.onSync((sync) => gateway?.responseCache?.synced(sync));
    log.info({ inProcessTtlMs: responseCache?.ttlMs, inRedis: Boolean(responseCache?.shared) }, 'response cache on');
  }
  const url = await gateway.listen(config.port, config.host);
  // Who may call `_service` and `_entities` (src/http/subgraph.ts).
  const subgraphFields = config.http.subgraphSecret ? 'router only' : config.production ? 'refused' : 'open';
  log.info({ url, subgraphFields }, 'newsgate is serving GraphQL');

  let stopping = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: finishing requests in flight');
    const deadline = setTimeout(() => {
      log.error({ timeoutMs: config.shutdownTimeoutMs }, 'requests still in flight at the shutdown deadline; exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs);
    deadline.unref();
    await gateway.stop();
    await live?.close();
    await sources?.close();
    await store.close();
    await cache?.close();
    await rateLimits?.close();
    log.info('stopped');
    process.exit(0);
  };
  // `on`, not `once`: under tsx (as the tests run the gateway), a signal that finds no listener of ours left is
  // re-raised by tsx's own handler and kills the process before the store is closed.
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);

  // The statistics kept per article (src/store/sql-stats.ts) are built where they are not yet, in the
  // background (`npm run migrate` builds them too): a world dashboard asked meanwhile waits for the
  // build under way instead of starting its own, and later ones find them built.
  const building = Date.now();
  sqlStore.prepareStatistics().then(
    () => log.info({ ms: Date.now() - building }, 'statistics kept per article: ready'),
    (err: unknown) => {
      if (!stopping) log.warn({ err }, 'statistics kept per article: not built; the world dashboard builds them when first asked');
    },
  );
}

let config: Config;
try {
  config = loadConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(2);
}
main(config).catch((error) => {
  console.error('newsgate could not start:', error);
  process.exit(1);
});
