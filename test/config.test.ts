import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../src/config';

describe('configuration', () => {
  it('starts with documented defaults from an empty environment', () => {
    expect(loadConfig({})).toEqual({
      port: 4000, host: '0.0.0.0', production: false, logLevel: 'info', logFormat: 'auto',
      store: {
        databaseUrl: undefined, databaseSchema: undefined, pgliteDataDir: undefined, readConnections: 10, writeConnections: 4,
        timeouts: { readMs: 5000, writeMs: 10000, statisticsMs: 15000, acquireMs: 2000, probeMs: 2000 },
      },
      requestTimeoutMs: 20000,
      pagination: { defaultPageSize: 20, maxPageSize: 100 },
      seedWorkedExample: true, shutdownTimeoutMs: 10000, heapGrowthPercent: 50, sourcesFile: undefined, sources: [],
      subscriptions: { enabled: true, perConnection: 10, perAddress: 50, statsDebounceMs: 200 },
      cache: {
        mode: 'auto', redisUrl: undefined, redisClusterNodes: undefined, prefix: 'ng', operationTimeoutMs: 200,
        breakerThreshold: 5, breakerCooldownMs: 1000, l1TtlSeconds: 1, syncIntervalMs: 250,
        maxBytesInProcess: 64 * 2 ** 20, maxEntriesInProcess: undefined,
        entityTtlSeconds: 300, listTtlSeconds: 60, responseCache: true, responseCacheMaxBytes: 64 * 2 ** 20,
        outageGraceSeconds: 30,
      },
      http: {
        playground: undefined, introspection: undefined, trustedDocumentsPath: undefined, readinessTimeoutMs: 2000,
        httpCacheMaxAgeSeconds: 30, apqTtlSeconds: 86_400, compiledQueries: true,
        admission: { maxConcurrent: 16, maxQueued: 1_000, queueTimeoutMs: 5_000 },
        limits: { maxBodyBytes: undefined, maxEditorBodyBytes: undefined, maxTokens: undefined, maxDepth: undefined, maxAliases: undefined,
          maxDirectives: undefined, maxCost: undefined, assumedListSize: undefined },
        rateLimit: { enabled: true, windowSeconds: undefined, publicPoints: undefined, keyPoints: undefined },
        trustProxy: false,
      },
    });
  });

  it('reports every bad variable at once, naming each and its value', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud', MAX_PAGE_SIZE: '0' });
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.problems).toHaveLength(4);
    expect(error!.message).toMatch(/PORT .*"eighty"/);
    expect(error!.message).toMatch(/DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ URL/);
    expect(error!.message).toMatch(/LOG_LEVEL/);
    expect(error!.message).toMatch(/MAX_PAGE_SIZE/);
  });

  it('refuses a default page larger than the cap, and two stores at once', () => {
    expect(() => loadConfig({ DEFAULT_PAGE_SIZE: '50', MAX_PAGE_SIZE: '10' })).toThrow(/DEFAULT_PAGE_SIZE must not exceed MAX_PAGE_SIZE/);
    expect(() => loadConfig({ DATABASE_URL: 'postgres://h/db', PGLITE_DATA_DIR: '/tmp/x' })).toThrow(/PGLITE_DATA_DIR/);
  });

  it('reads the database\'s pool sizes and bounds, the readiness timeout bounding the probe, and refuses any below 1', () => {
    const { store, requestTimeoutMs } = loadConfig({
      DATABASE_POOL_SIZE: '20', DATABASE_WRITE_POOL_SIZE: '2', DATABASE_READ_TIMEOUT_MS: '1500', DATABASE_WRITE_TIMEOUT_MS: '3000',
      DATABASE_STATS_TIMEOUT_MS: '30000', DATABASE_ACQUIRE_TIMEOUT_MS: '250', READINESS_TIMEOUT_MS: '700', REQUEST_TIMEOUT_MS: '9000',
    });
    expect(store).toMatchObject({
      readConnections: 20, writeConnections: 2,
      timeouts: { readMs: 1500, writeMs: 3000, statisticsMs: 30000, acquireMs: 250, probeMs: 700 },
    });
    expect(requestTimeoutMs).toBe(9000);
    const bad = ['DATABASE_POOL_SIZE', 'DATABASE_WRITE_POOL_SIZE', 'DATABASE_READ_TIMEOUT_MS', 'DATABASE_WRITE_TIMEOUT_MS',
      'DATABASE_STATS_TIMEOUT_MS', 'DATABASE_ACQUIRE_TIMEOUT_MS', 'REQUEST_TIMEOUT_MS'];
    let error: ConfigError | undefined;
    try {
      loadConfig(Object.fromEntries(bad.map((name) => [name, '0'])));
    } catch (caught) {
      error = caught as ConfigError;
    }
    expect(error?.problems.map((problem) => problem.split(' ')[0]).sort()).toEqual([...bad].sort());
  });

  it('reads the HTTP edge\'s switches and limits', () => {
    const { http } = loadConfig({ PLAYGROUND: 'false', MAX_QUERY_DEPTH: '7', TRUSTED_DOCUMENTS: 'docs.json' });
    expect(http).toMatchObject({ playground: false, limits: { maxDepth: 7 }, trustedDocumentsPath: 'docs.json' });
    expect(() => loadConfig({ MAX_QUERY_COST: '0' })).toThrow(/MAX_QUERY_COST/);
  });

  it('reads the HTTP cache lifetimes: 0 turns Cache-Control off, an APQ must live at least a second', () => {
    expect(loadConfig({ HTTP_CACHE_MAX_AGE_SECONDS: '0', APQ_TTL_SECONDS: '600' }).http)
      .toMatchObject({ httpCacheMaxAgeSeconds: 0, apqTtlSeconds: 600 });
    expect(() => loadConfig({ HTTP_CACHE_MAX_AGE_SECONDS: '-1' })).toThrow(/HTTP_CACHE_MAX_AGE_SECONDS/);
    expect(() => loadConfig({ APQ_TTL_SECONDS: '0' })).toThrow(/APQ_TTL_SECONDS/);
  });

  it('checks the write marker every 10 to 500 ms: each check vouches for a second', () => {
    expect(loadConfig({ CACHE_SYNC_INTERVAL_MS: '100' }).cache.syncIntervalMs).toBe(100);
    expect(() => loadConfig({ CACHE_SYNC_INTERVAL_MS: '1000' })).toThrow(/CACHE_SYNC_INTERVAL_MS/);
  });

  it('keeps serving answers through a Redis outage for 0 to 3600 whole seconds', () => {
    expect(loadConfig({ CACHE_OUTAGE_GRACE_SECONDS: '0' }).cache.outageGraceSeconds).toBe(0);
    expect(loadConfig({ CACHE_OUTAGE_GRACE_SECONDS: '120' }).cache.outageGraceSeconds).toBe(120);
    for (const bad of ['-1', '3601', '2.5', 'long']) {
      expect(() => loadConfig({ CACHE_OUTAGE_GRACE_SECONDS: bad })).toThrow(/CACHE_OUTAGE_GRACE_SECONDS/);
    }
  });

  it('reads the rate limits, and refuses budgets that are not whole numbers of at least 1', () => {
    expect(loadConfig({ RATE_LIMIT_WINDOW_SECONDS: '10', RATE_LIMIT_PUBLIC_POINTS: '500', RATE_LIMIT_KEY_POINTS: '5000' }).http.rateLimit)
      .toEqual({ enabled: true, windowSeconds: 10, publicPoints: 500, keyPoints: 5000 });
    expect(loadConfig({ RATE_LIMIT_ENABLED: 'false' }).http.rateLimit.enabled).toBe(false);
    let error: ConfigError | undefined;
    try {
      loadConfig({ RATE_LIMIT_ENABLED: 'yes', RATE_LIMIT_WINDOW_SECONDS: '0', RATE_LIMIT_PUBLIC_POINTS: '1.5', RATE_LIMIT_KEY_POINTS: 'lots' });
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error?.problems.map((problem) => problem.split(' ')[0]).sort())
      .toEqual(['RATE_LIMIT_ENABLED', 'RATE_LIMIT_KEY_POINTS', 'RATE_LIMIT_PUBLIC_POINTS', 'RATE_LIMIT_WINDOW_SECONDS']);
  });

  it('trusts no proxy by default, and reads TRUST_PROXY as Express takes it', () => {
    const trust = (value: string) => loadConfig({ TRUST_PROXY: value }).http.trustProxy;
    expect(trust('false')).toBe(false);
    expect(trust('true')).toBe(true);
    expect(trust('1')).toBe(1);
    expect(trust('loopback, 10.0.0.0/8,fd00::/8')).toEqual(['loopback', '10.0.0.0/8', 'fd00::/8']);
    for (const bad of ['yes', '10.0.0.0/33', 'proxy.internal', '10.0.0.1,']) {
      expect(() => trust(bad)).toThrow(/TRUST_PROXY must be true, false, a number of proxies, or proxy addresses/);
    }
  });

  it('refuses a Redis cache mode without Redis, and two Redis settings at once', () => {
    expect(() => loadConfig({ CACHE: 'redis' })).toThrow(/CACHE needs REDIS_URL or REDIS_CLUSTER_NODES/);
    expect(() => loadConfig({ REDIS_URL: 'redis://a:6379', REDIS_CLUSTER_NODES: 'b:7000' })).toThrow(/REDIS_CLUSTER_NODES/);
    expect(loadConfig({ REDIS_CLUSTER_NODES: 'a:7000,b:7001' }).cache.redisClusterNodes).toEqual(['a:7000', 'b:7001']);
  });

  it('reads LOG_FORMAT as json, pretty or auto, and refuses anything else', () => {
    expect(loadConfig({ LOG_FORMAT: 'json' }).logFormat).toBe('json');
    expect(loadConfig({ LOG_FORMAT: 'pretty' }).logFormat).toBe('pretty');
    expect(() => loadConfig({ LOG_FORMAT: 'text' })).toThrow(/LOG_FORMAT .*"text"/);
  });

  it('reads SOURCES_FILE as the sources file\'s path, none by default, and refuses a file that is neither YAML nor JSON', () => {
    expect(loadConfig({}).sourcesFile).toBeUndefined();
    expect(loadConfig({}).sources).toEqual([]);
    const dir = mkdtempSync(join(tmpdir(), 'newsgate-config-'));
    const file = join(dir, 'sources.yaml');
    writeFileSync(file, 'sources:\n  - { id: wire, name: Wire, kind: feed, url: "http://127.0.0.1:9/feed.rss", licence: Ours }\n');
    const config = loadConfig({ SOURCES_FILE: file });
    expect(config.sourcesFile).toBe(file);
    expect(config.sources.map((source) => [source.id, source.kind, source.url])).toEqual([['wire', 'feed', 'http://127.0.0.1:9/feed.rss']]);
    rmSync(dir, { recursive: true });
    expect(() => loadConfig({ SOURCES_FILE: file })).toThrow(/Invalid sources file .*sources\.yaml:\n.*cannot be read \(ENOENT\)/);
    expect(() => loadConfig({ SOURCES_FILE: 'sources.toml' })).toThrow(/SOURCES_FILE must name a \.yaml, \.yml or \.json file/);
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' }).port).toBe(4000);
  });
});
