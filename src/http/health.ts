import { Router } from 'express';
import type { Logger } from '../logger';
import { loadMigrations } from '../store/migrate';
import { StoreTimeoutError, StoreUnavailableError } from '../store/errors';
import type { ContentStore } from '../store/store';
import { TimeoutError, withTimeout } from '../timeout';

/** What the cache says of itself when asked; `up: false` makes the gateway degraded, not unready. */
export interface CacheState {
  up: boolean;
  /** A short reason shown in the report, e.g. "breaker open". Never a secret. */
  detail?: string;
}

/** Asks the cache (Redis) how it is; may reject or hang, which counts as down. */
export type CacheStateReporter = () => Promise<CacheState>;

/**
 * The cache check of a gateway that uses Redis: a PING on each of its connections to it, by name
 * (`cache`, `rate limits`: each has its own), each bounded by the operation timeout and never more
 * than one at a time (`pinger` in src/cache/redis-connection.ts). Up when every one answered; otherwise down,
 * naming the others. So a hung Redis, whose connections still look open, shows as down within
 * the operation timeout.
 */
export function redisCacheState(pings: Record<string, () => Promise<boolean>>): CacheStateReporter {
  const names = Object.keys(pings);
  return async () => {
    const answered = await Promise.all(names.map((name) => pings[name]()));
    const silent = names.filter((_, i) => !answered[i]);
    if (silent.length === 0) return { up: true };
    return { up: false, detail: `Redis did not answer a PING within the operation timeout (connection: ${silent.join(', ')})` };
  };
}

export interface ReadinessOptions {
  /**
   * Resolves to the highest migration applied to the store's database (`currentVersion` of
   * src/store/migrate.ts). When absent, migrations are reported as `unchecked` and do not affect
   * readiness.
   */
  schemaVersion?: () => Promise<number>;
  /** The version the store must be at least at. Default: the newest migration shipped with this build. */
  expectedSchemaVersion?: number;
  /** When given, the cache's state is reported; a cache that is down leaves the gateway ready but degraded. */
  cacheState?: CacheStateReporter;
  /** How long each check may take before it counts as down, in milliseconds. Default 2000. */
  timeoutMs?: number;
}

export const DEFAULT_READINESS_TIMEOUT_MS = 2_000;

type CheckStatus = 'up' | 'down' | 'unchecked';

/** The body of /readyz. */
export interface ReadinessReport {
  /** `ready` and `degraded` answer 200, `unready` 503. */
  status: 'ready' | 'degraded' | 'unready';
  checks: {
    store: { status: CheckStatus; engine: string; reason?: string };
    migrations: { status: CheckStatus; current?: number; expected: number; reason?: string };
    cache?: { status: CheckStatus; reason?: string };
  };
  /** Set while the gateway is shutting down: load balancers should stop sending requests. */
  stopping?: true;
}

export interface HealthDependencies {
  store: ContentStore;
  log: Logger;
  readiness?: ReadinessOptions;
  /** True once the gateway has begun to stop. */
  isStopping: () => boolean;
}

/**
 * A reason safe to show anyone, with what to look at: a timeout, a database that cannot be reached,
 * or just "failed" (the error itself goes to the log).
 */
function publicReason(error: unknown): string {
  if (error instanceof TimeoutError) return error.message;
  if (error instanceof StoreTimeoutError) return `no answer: ${error.message}`;
  if (error instanceof StoreUnavailableError) {
    return 'the database cannot be reached (see the gateway log): check that PostgreSQL is running and that DATABASE_URL points at it';
  }
  return 'failed (see the gateway log)';
}

let newestShipped: number | undefined;

/** The newest migration this build ships (read from disk once: the files do not change while it runs). */
export function newestShippedMigration(): number {
  newestShipped ??= Math.max(0, ...loadMigrations().map((migration) => migration.version));
  return newestShipped;
}

/**
 * Runs every readiness check at once, each bounded by the timeout: the store answers a ping, its
 * schema is at least at the expected migration, and (when a reporter is given) the cache is up.
 * The store's checks run on its probe connection (`Db.probe`), so pools busy with slow queries do
 * not make a database that answers look down: one slow query never takes every instance out of
 * rotation together.
 * `unready` when the store or its migrations fail; `degraded` when only the cache is down (the
 * gateway then reads from the store alone); `ready` otherwise. Never rejects.
 */
export async function checkReadiness(deps: HealthDependencies): Promise<ReadinessReport> {
  const { store, log, readiness = {} } = deps;
  const timeoutMs = readiness.timeoutMs ?? DEFAULT_READINESS_TIMEOUT_MS;
  const expected = readiness.expectedSchemaVersion ?? newestShippedMigration();
  const failed = (check: string) => (error: unknown) => {
    log.warn({ err: error, check }, 'readiness check failed');
    return publicReason(error);
  };

  const [storeCheck, migrations, cache] = await Promise.all([
    withTimeout(store.ping(), timeoutMs).then(
      () => ({ status: 'up' as const, engine: store.engine }),
      (error) => ({ status: 'down' as const, engine: store.engine, reason: failed('store')(error) })),
    readiness.schemaVersion
      ? withTimeout(readiness.schemaVersion(), timeoutMs).then(
        (current) => current >= expected
          ? { status: 'up' as const, current, expected }
          : { status: 'down' as const, current, expected, reason: `the store is at migration ${current}: run \`npm run migrate\`` },
        (error) => ({ status: 'down' as const, expected, reason: failed('migrations')(error) }))
      : Promise.resolve({ status: 'unchecked' as const, expected }),
    readiness.cacheState
      ? withTimeout(readiness.cacheState(), timeoutMs).then(
        (state) => (state.up ? { status: 'up' as const } : { status: 'down' as const, reason: state.detail ?? 'down' }),
        (error) => ({ status: 'down' as const, reason: failed('cache')(error) }))
      : Promise.resolve(undefined),
  ]);

  const stopping = deps.isStopping();
  const status = stopping || storeCheck.status === 'down' || migrations.status === 'down'
    ? 'unready'
    : cache?.status === 'down' ? 'degraded' : 'ready';
  return {
    status,
    checks: { store: storeCheck, migrations, ...(cache ? { cache } : {}) },
    ...(stopping ? { stopping: true as const } : {}),
  };
}

/**
 * `GET /healthz`: 200 `{"status":"alive"}` whenever the process can answer (liveness; it touches
 * nothing else). `GET /readyz`: the `ReadinessReport` as JSON, 200 when ready or degraded, 503
 * when unready or stopping. Neither is cached by clients.
 */
export function healthRoutes(deps: HealthDependencies): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.set('cache-control', 'no-store').json({ status: 'alive' });
  });
  router.get('/readyz', async (_req, res) => {
    const report = await checkReadiness(deps);
    res.status(report.status === 'unready' ? 503 : 200).set('cache-control', 'no-store').json(report);
  });
  return router;
}
