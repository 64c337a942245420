import { isIP } from 'node:net';
import { z } from 'zod';
import type { CacheSettings } from './cache';
import { DEFAULT_MAX_BYTES, MIN_BYTES } from './cache/memory';
import { REDIS_DEFAULTS } from './cache/redis-connection';
import { DEFAULT_HEAP_GROWTH_PERCENT } from './heap-growth';
import { type AdmissionLimits, DEFAULT_ADMISSION } from './http/admission';
import type { TrustProxy } from './http/edge';
import { DEFAULT_SUBSCRIPTION_LIMITS } from './http/websocket';
import { DEFAULT_STATS_DEBOUNCE_MS } from './live/live-updates';
import type { LogFormat } from './logger';
import type { StoreOptions } from './store/open';
import { DEFAULT_STORE_TIMEOUTS } from './store/postgres';
import { ConfigError } from './config-error';
import { loadSourceDefinitions } from './sources/definitions';
import type { SourceDefinition } from './sources/source';

/**
 * Every setting the gateway reads from the environment, checked once at start. `process.env` is
 * read here and nowhere else.
 */
const Environment = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().min(1).default('0.0.0.0'),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FORMAT: z.enum(['auto', 'json', 'pretty']).default('auto'),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// or postgresql:// URL' }).optional(),
  DATABASE_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case SQL identifier').optional(),
  PGLITE_DATA_DIR: z.string().min(1).optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(1000).default(10),
  DATABASE_WRITE_POOL_SIZE: z.coerce.number().int().min(1).max(1000).default(4),
  DATABASE_READ_TIMEOUT_MS: z.coerce.number().int().min(1).default(DEFAULT_STORE_TIMEOUTS.readMs),
  DATABASE_WRITE_TIMEOUT_MS: z.coerce.number().int().min(1).default(DEFAULT_STORE_TIMEOUTS.writeMs),
  DATABASE_STATS_TIMEOUT_MS: z.coerce.number().int().min(1).default(DEFAULT_STORE_TIMEOUTS.statisticsMs),
  DATABASE_ACQUIRE_TIMEOUT_MS: z.coerce.number().int().min(1).default(DEFAULT_STORE_TIMEOUTS.acquireMs),
  REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1).default(20_000),
  MAX_PAGE_SIZE: z.coerce.number().int().min(1).max(1000).default(100),
  DEFAULT_PAGE_SIZE: z.coerce.number().int().min(1).max(1000).default(20),
  SEED_WORKED_EXAMPLE: z.enum(['true', 'false']).default('true').transform((value) => value === 'true'),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(10_000),
  HEAP_GROWTH_PERCENT: z.coerce.number().int().min(0).max(300).default(DEFAULT_HEAP_GROWTH_PERCENT),
  PLAYGROUND: z.enum(['true', 'false']).optional(),
  INTROSPECTION: z.enum(['true', 'false']).optional(),
  MAX_BODY_BYTES: z.coerce.number().int().min(1).optional(),
  MAX_EDITOR_BODY_BYTES: z.coerce.number().int().min(1).optional(),
  MAX_QUERY_TOKENS: z.coerce.number().int().min(1).optional(),
  MAX_QUERY_DEPTH: z.coerce.number().int().min(1).optional(),
  MAX_ALIASES: z.coerce.number().int().min(1).optional(),
  MAX_DIRECTIVES: z.coerce.number().int().min(1).optional(),
  MAX_QUERY_COST: z.coerce.number().int().min(1).optional(),
  COST_LIST_SIZE: z.coerce.number().int().min(1).optional(),
  MAX_CONCURRENT_OPERATIONS: z.coerce.number().int().min(0).max(100_000).default(DEFAULT_ADMISSION.maxConcurrent),
  MAX_QUEUED_OPERATIONS: z.coerce.number().int().min(0).max(1_000_000).default(DEFAULT_ADMISSION.maxQueued),
  QUEUE_TIMEOUT_MS: z.coerce.number().int().min(1).default(DEFAULT_ADMISSION.queueTimeoutMs),
  TRUSTED_DOCUMENTS: z.string().min(1).optional(),
  RATE_LIMIT_ENABLED: z.enum(['true', 'false']).default('true').transform((value) => value === 'true'),
  RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).optional(),
  RATE_LIMIT_PUBLIC_POINTS: z.coerce.number().int().min(1).optional(),
  RATE_LIMIT_KEY_POINTS: z.coerce.number().int().min(1).optional(),
  TRUST_PROXY: z.string().refine(isTrustProxy,
    'must be true, false, a number of proxies, or proxy addresses and subnets (10.0.0.0/8, loopback, …) separated by commas')
    .transform(parseTrustProxy).optional(),
  SUBGRAPH_SECRET: z.string().min(16, 'must be at least 16 characters: a long random string, e.g. from `openssl rand -hex 32`').optional(),
  READINESS_TIMEOUT_MS: z.coerce.number().int().min(1).default(2_000),
  HTTP_CACHE_MAX_AGE_SECONDS: z.coerce.number().int().min(0).default(30),
  APQ_TTL_SECONDS: z.coerce.number().int().min(1).default(86_400),
  COMPILED_QUERIES: z.enum(['true', 'false']).default('true').transform((value) => value === 'true'),
  REDIS_URL: z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' }).optional(),
  REDIS_CLUSTER_NODES: z.string().regex(/^[^\s:,]+:\d{1,5}(,[^\s:,]+:\d{1,5})*$/, 'must be host:port[,host:port…]').optional(),
  CACHE: z.enum(['auto', 'off', 'memory', 'redis', 'layered']).default('auto'),
  CACHE_PREFIX: z.string().regex(/^[\w.:-]+$/, 'must be letters, digits, _ . : - only').default(REDIS_DEFAULTS.prefix),
  CACHE_ENTITY_TTL_SECONDS: z.coerce.number().positive().default(300),
  CACHE_LIST_TTL_SECONDS: z.coerce.number().positive().default(60),
  CACHE_L1_TTL_SECONDS: z.coerce.number().positive().max(1).default(1),
  CACHE_SYNC_INTERVAL_MS: z.coerce.number().int().min(10).max(500).default(250),
  CACHE_MAX_BYTES_IN_PROCESS: z.coerce.number().int().min(MIN_BYTES, `must be at least ${MIN_BYTES} (64 KiB)`).default(DEFAULT_MAX_BYTES),
  CACHE_MAX_ENTRIES_IN_PROCESS: z.coerce.number().int().positive().optional(),
  CACHE_OPERATION_TIMEOUT_MS: z.coerce.number().int().positive().default(REDIS_DEFAULTS.operationTimeoutMs),
  CACHE_BREAKER_THRESHOLD: z.coerce.number().int().positive().default(REDIS_DEFAULTS.breakerThreshold),
  CACHE_BREAKER_COOLDOWN_MS: z.coerce.number().int().positive().default(REDIS_DEFAULTS.breakerCooldownMs),
  CACHE_RESPONSES: z.enum(['true', 'false']).default('true').transform((value) => value === 'true'),
  CACHE_RESPONSES_MAX_BYTES: z.coerce.number().int().positive().default(64 * 2 ** 20),
  CACHE_OUTAGE_GRACE_SECONDS: z.coerce.number().int().min(0).max(3600).default(30),
  SUBSCRIPTIONS: z.enum(['true', 'false']).default('true').transform((value) => value === 'true'),
  SUBSCRIPTIONS_MAX_PER_CONNECTION: z.coerce.number().int().min(1).max(1000).default(DEFAULT_SUBSCRIPTION_LIMITS.perConnection),
  SUBSCRIPTIONS_MAX_PER_ADDRESS: z.coerce.number().int().min(1).max(100_000).default(DEFAULT_SUBSCRIPTION_LIMITS.perAddress),
  SUBSCRIPTIONS_STATS_DEBOUNCE_MS: z.coerce.number().int().min(0).max(10_000).default(DEFAULT_STATS_DEBOUNCE_MS),
  SOURCES_FILE: z.string().regex(/\.(ya?ml|json)$/i, 'must name a .yaml, .yml or .json file').optional(),
}).refine((env) => env.DEFAULT_PAGE_SIZE <= env.MAX_PAGE_SIZE, {
  path: ['DEFAULT_PAGE_SIZE'], message: 'must not exceed MAX_PAGE_SIZE',
}).refine((env) => !(env.DATABASE_URL && env.PGLITE_DATA_DIR), {
  path: ['PGLITE_DATA_DIR'], message: 'is for the embedded store; unset it or DATABASE_URL',
}).refine((env) => !(env.REDIS_URL && env.REDIS_CLUSTER_NODES), {
  path: ['REDIS_CLUSTER_NODES'], message: 'names a cluster; unset it or REDIS_URL',
}).refine((env) => !['redis', 'layered'].includes(env.CACHE) || env.REDIS_URL || env.REDIS_CLUSTER_NODES, {
  path: ['CACHE'], message: 'needs REDIS_URL or REDIS_CLUSTER_NODES (or choose auto, memory or off)',
});

export interface Config {
  port: number;
  host: string;
  production: boolean;
  logLevel: z.infer<typeof Environment>['LOG_LEVEL'];
  /** `auto`: readable lines when stdout is a terminal, JSON otherwise (src/logger.ts). */
  logFormat: LogFormat;
  store: StoreOptions;
  /** How long one request may wait for the store's reads in all, in milliseconds (src/store/deadline.ts). */
  requestTimeoutMs: number;
  pagination: { defaultPageSize: number; maxPageSize: number };
  seedWorkedExample: boolean;
  shutdownTimeoutMs: number;
  /** How far V8's heap may grow past what was live before it collects, in percent; 0: V8's own policy (src/heap-growth.ts). */
  heapGrowthPercent: number;
  cache: CacheSettings & {
    maxBytesInProcess: number;
    entityTtlSeconds: number; listTtlSeconds: number;
    /** Keep whole public answers in process too (with an in-process level only: `memory`, `layered`). */
    responseCache: boolean; responseCacheMaxBytes: number;
    /** With `layered`: how long answers kept in process are still served while Redis cannot vouch for them, in seconds. */
    outageGraceSeconds: number;
  };
  /** The HTTP edge; unset fields keep the defaults of src/http (which depend on `production`). */
  http: {
    playground?: boolean;
    introspection?: boolean;
    limits: {
      maxBodyBytes?: number; maxEditorBodyBytes?: number; maxTokens?: number; maxDepth?: number; maxAliases?: number;
      maxDirectives?: number; maxCost?: number; assumedListSize?: number;
    };
    /** How many GraphQL requests are answered at once, and how many may wait how long for a place (src/http/admission.ts). */
    admission: AdmissionLimits;
    /** Path of the trusted-documents manifest; unset: any operation may run. */
    trustedDocumentsPath?: string;
    /** Budgets per API key and per client address (src/http/rate-limit.ts); unset ones keep its defaults. */
    rateLimit: { enabled: boolean; windowSeconds?: number; publicPoints?: number; keyPoints?: number };
    /** Express's `trust proxy`: who may name the client's address in X-Forwarded-For. Default false. */
    trustProxy: TrustProxy;
    /** What a federation router sends to call `_service` and `_entities` (src/http/subgraph.ts). */
    subgraphSecret?: string;
    readinessTimeoutMs: number;
    /** `max-age` of public answers' `Cache-Control`, in seconds; 0 sends `no-store`. */
    httpCacheMaxAgeSeconds: number;
    /** How long a document registered as an automatic persisted query is kept, in seconds. */
    apqTtlSeconds: number;
    /** Queries run compiled with graphql-jit (src/execution/); false: every operation on graphql-js. */
    compiledQueries: boolean;
  };
  /**
   * GraphQL subscriptions over WebSocket (docs/subscriptions.md): whether they are served, how many a
   * client may hold at once, and how long a region's statistics gather changes before they are counted again.
   */
  subscriptions: { enabled: boolean; perConnection: number; perAddress: number; statsDebounceMs: number };
  /** Path of the sources file (src/sources/definitions.ts); unset: no remote sources. */
  sourcesFile?: string;
  /** The remote sources that file declares, checked; empty without one. */
  sources: SourceDefinition[];
}

export { ConfigError };

/** Reads and validates the configuration; throws a ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const blankless = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = Environment.safeParse(blankless);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) =>
      `${issue.path.join('.')} ${issue.message} (got ${JSON.stringify(env[String(issue.path[0])])})`));
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    production: e.NODE_ENV === 'production',
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    store: {
      databaseUrl: e.DATABASE_URL, databaseSchema: e.DATABASE_SCHEMA, pgliteDataDir: e.PGLITE_DATA_DIR,
      readConnections: e.DATABASE_POOL_SIZE, writeConnections: e.DATABASE_WRITE_POOL_SIZE,
      timeouts: {
        readMs: e.DATABASE_READ_TIMEOUT_MS, writeMs: e.DATABASE_WRITE_TIMEOUT_MS, statisticsMs: e.DATABASE_STATS_TIMEOUT_MS,
        acquireMs: e.DATABASE_ACQUIRE_TIMEOUT_MS, probeMs: e.READINESS_TIMEOUT_MS,
      },
    },
    requestTimeoutMs: e.REQUEST_TIMEOUT_MS,
    pagination: { defaultPageSize: e.DEFAULT_PAGE_SIZE, maxPageSize: e.MAX_PAGE_SIZE },
    seedWorkedExample: e.SEED_WORKED_EXAMPLE,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    heapGrowthPercent: e.HEAP_GROWTH_PERCENT,
    cache: {
      mode: e.CACHE, redisUrl: e.REDIS_URL, redisClusterNodes: e.REDIS_CLUSTER_NODES?.split(','), prefix: e.CACHE_PREFIX,
      operationTimeoutMs: e.CACHE_OPERATION_TIMEOUT_MS, breakerThreshold: e.CACHE_BREAKER_THRESHOLD,
      breakerCooldownMs: e.CACHE_BREAKER_COOLDOWN_MS, l1TtlSeconds: e.CACHE_L1_TTL_SECONDS,
      syncIntervalMs: e.CACHE_SYNC_INTERVAL_MS,
      maxBytesInProcess: e.CACHE_MAX_BYTES_IN_PROCESS, maxEntriesInProcess: e.CACHE_MAX_ENTRIES_IN_PROCESS,
      entityTtlSeconds: e.CACHE_ENTITY_TTL_SECONDS, listTtlSeconds: e.CACHE_LIST_TTL_SECONDS,
      responseCache: e.CACHE_RESPONSES, responseCacheMaxBytes: e.CACHE_RESPONSES_MAX_BYTES,
      outageGraceSeconds: e.CACHE_OUTAGE_GRACE_SECONDS,
    },
    http: {
      playground: e.PLAYGROUND === undefined ? undefined : e.PLAYGROUND === 'true',
      introspection: e.INTROSPECTION === undefined ? undefined : e.INTROSPECTION === 'true',
      limits: {
        maxBodyBytes: e.MAX_BODY_BYTES, maxEditorBodyBytes: e.MAX_EDITOR_BODY_BYTES, maxTokens: e.MAX_QUERY_TOKENS, maxDepth: e.MAX_QUERY_DEPTH,
        maxAliases: e.MAX_ALIASES, maxDirectives: e.MAX_DIRECTIVES, maxCost: e.MAX_QUERY_COST,
        assumedListSize: e.COST_LIST_SIZE,
      },
      admission: { maxConcurrent: e.MAX_CONCURRENT_OPERATIONS, maxQueued: e.MAX_QUEUED_OPERATIONS, queueTimeoutMs: e.QUEUE_TIMEOUT_MS },
      trustedDocumentsPath: e.TRUSTED_DOCUMENTS,
      rateLimit: {
        enabled: e.RATE_LIMIT_ENABLED, windowSeconds: e.RATE_LIMIT_WINDOW_SECONDS,
        publicPoints: e.RATE_LIMIT_PUBLIC_POINTS, keyPoints: e.RATE_LIMIT_KEY_POINTS,
      },
      trustProxy: e.TRUST_PROXY ?? false,
      subgraphSecret: e.SUBGRAPH_SECRET,
      readinessTimeoutMs: e.READINESS_TIMEOUT_MS,
      httpCacheMaxAgeSeconds: e.HTTP_CACHE_MAX_AGE_SECONDS,
      apqTtlSeconds: e.APQ_TTL_SECONDS,
      compiledQueries: e.COMPILED_QUERIES,
    },
    subscriptions: {
      enabled: e.SUBSCRIPTIONS, perConnection: e.SUBSCRIPTIONS_MAX_PER_CONNECTION, perAddress: e.SUBSCRIPTIONS_MAX_PER_ADDRESS,
      statsDebounceMs: e.SUBSCRIPTIONS_STATS_DEBOUNCE_MS,
    },
    sourcesFile: e.SOURCES_FILE,
    sources: e.SOURCES_FILE ? loadSourceDefinitions(e.SOURCES_FILE, env) : [],
  };
}

/** The proxy names Express's `trust proxy` knows besides addresses and subnets. */
const PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/** TRUST_PROXY's forms: `true`, `false`, a number of hops, or a comma-separated list of proxies. */
function isTrustProxy(value: string): boolean {
  if (['true', 'false'].includes(value) || /^\d{1,2}$/.test(value)) return true;
  return value.split(',').map((part) => part.trim()).every((part) => {
    if (PROXY_NAMES.includes(part)) return true;
    const [ip, bits, extra] = part.split('/');
    const family = isIP(ip);
    if (family === 0 || extra !== undefined) return false;
    return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
  });
}

/** A checked TRUST_PROXY as Express's `trust proxy` takes it. */
function parseTrustProxy(value: string): TrustProxy {
  if (value === 'true' || value === 'false') return value === 'true';
  if (/^\d+$/.test(value)) return Number(value);
  return value.split(',').map((part) => part.trim());
}
