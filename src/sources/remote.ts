/**
 * `RemoteSources` (./source): every adapter behind its protections (./protections) and its pages
 * in the cache (./page-cache), stale-while-revalidate:
 *
 * - within a page's TTL its copy is served and nothing is sent;
 * - past it, within the stale window, the copy is served at once (marked stale) and refreshed in
 *   the background by one gateway of all that share Redis (the one that takes the refresh lock);
 * - past both, or with no copy, the page is fetched while the caller waits: one request per key in
 *   this process however many callers miss it together.
 *
 * A refresh sends the copy's validators; a 304 makes the copy current again (`fetchedAt` now).
 */
import { setMaxListeners } from 'node:events';
import type { Registry } from 'prom-client';
import { argumentsKey } from '../cache/keys';
import type { RedisConnectionOptions } from '../cache/redis-connection';
import type { Logger } from '../logger';
import { SourceUnavailableError } from './errors';
import { HealthRecord } from './health';
import { SourceMetrics } from './metrics';
import { PageCache, type StoredPage, pageKey } from './page-cache';
import { type BreakerSettings, type Sent, SourceGuard } from './protections';
import type {
  RemotePage, RemotePageRequest, RemoteSources, ServedPage, SourceAdapter, SourceHealth, SourceInfo, SourceProtections,
} from './source';

/** Breaker settings for every source unless given: 5 failures in a row open it for 10 seconds. */
export const SOURCE_BREAKER_DEFAULTS: BreakerSettings = { breakerThreshold: 5, breakerCooldownMs: 10_000 };

export interface RemoteSourcesOptions extends Partial<BreakerSettings> {
  /**
   * The configured Redis (`CacheSetup.redisConnection`): pages and refresh locks are shared there
   * by every gateway on the same prefix, on a connection of their own. Absent or null: this process alone.
   */
  redis?: RedisConnectionOptions | null;
  /** The gateway's registry (`GatewayMetrics.registry`) for the `newsgate_source_*` series (./metrics). */
  registry?: Registry;
  /** Failures of sources (warn, with the source's id) and of Redis. */
  log: Logger;
  /** Bytes of pages kept in this process. Default 16 MiB (`DEFAULT_PAGE_BYTES`). */
  maxBytesInProcess?: number;
}

/** What every source is protected by and kept for: its id, and its `SourceProtections`. */
export type SourceLimits = SourceProtections & { readonly id: string };

interface Source {
  adapter: SourceAdapter;
  limits: SourceLimits;
  guard: SourceGuard;
  health: HealthRecord;
}

/**
 * Builds `RemoteSources` over `adapters`, each protected and cached as its entry of `definitions`
 * (matched by id) says. Throws a TypeError naming every problem at once: a source without
 * definition, an id given twice, a protection that is not a positive number.
 */
export function createRemoteSources(adapters: readonly SourceAdapter[], definitions: readonly SourceLimits[], options: RemoteSourcesOptions): RemoteSources {
  return new ProtectedSources(adapters, definitions, options);
}

class ProtectedSources implements RemoteSources {
  private readonly sources = new Map<string, Source>();
  private readonly pages: PageCache;
  private readonly metrics: SourceMetrics;
  private readonly log: Logger;
  /** Fetches out in this process, by page key: callers that miss together share one. */
  private readonly inFlight = new Map<string, Promise<StoredPage>>();
  /** Background refreshes out, by page key (at most one each). */
  private readonly refreshing = new Map<string, Promise<void>>();
  /** Aborted by `close`: every request still out is given up. */
  private readonly closing = new AbortController();

  constructor(adapters: readonly SourceAdapter[], definitions: readonly SourceLimits[], options: RemoteSourcesOptions) {
    const settings: BreakerSettings = {
      breakerThreshold: options.breakerThreshold ?? SOURCE_BREAKER_DEFAULTS.breakerThreshold,
      breakerCooldownMs: options.breakerCooldownMs ?? SOURCE_BREAKER_DEFAULTS.breakerCooldownMs,
    };
    checkSources(adapters, definitions, settings);
    for (const adapter of adapters) {
      const limits = definitions.find((definition) => definition.id === adapter.info.id)!;
      this.sources.set(adapter.info.id, { adapter, limits, guard: new SourceGuard(adapter.info.id, limits, settings), health: new HealthRecord() });
    }
    // One listener per request out, each removed when it settles: their number is bounded by the concurrency caps and queues.
    setMaxListeners(0, this.closing.signal);
    this.log = options.log;
    this.metrics = new SourceMetrics(options.registry, () => [...this.sources].map(([id, source]) => [id, source.guard.breakerState]));
    this.pages = new PageCache({ redis: options.redis, maxBytes: options.maxBytesInProcess, log: options.log });
  }

  list(): SourceInfo[] {
    return [...this.sources.values()].map((source) => source.adapter.info);
  }

  async page(sourceId: string, request: RemotePageRequest): Promise<ServedPage> {
    const source = this.sources.get(sourceId);
    if (!source) throw new SourceUnavailableError(sourceId, 'failed', `no source "${sourceId}" is configured`);
    if (this.closing.signal.aborted) throw new SourceUnavailableError(sourceId, 'failed', `source "${sourceId}" is unavailable: the gateway is closing`);
    const deadline = Date.now() + source.limits.timeoutMs;
    const { ttlMs, keepMs } = lifetimes(source.limits);
    const key = pageKey(sourceId, argumentsKey(request));
    try {
      const stored = await this.pages.get(key, ttlMs, keepMs);
      const age = stored ? Date.now() - stored.fetchedAt.getTime() : Infinity;
      if (stored && age < ttlMs) {
        this.metrics.cacheHits.inc({ source: sourceId });
        return served(stored, ttlMs);
      }
      if (stored && age < keepMs) {
        this.metrics.staleServes.inc({ source: sourceId });
        source.health.servedStale();
        this.refreshInBackground(source, key, request, stored);
        return served(stored, ttlMs);
      }
      return served(await this.fetchOnce(source, key, request, stored, deadline), ttlMs);
    } catch (error) {
      if (error instanceof SourceUnavailableError) throw error;
      // Nothing else is expected; still, no other error leaves `page`.
      this.log.error({ err: error, source: sourceId }, 'remote sources: unexpected failure serving a page');
      throw new SourceUnavailableError(sourceId, 'failed', `source "${sourceId}" is unavailable: ${(error as Error)?.message ?? error}`);
    }
  }

  /** Throws a RangeError for an id no source has (`list` gives every id). */
  health(sourceId: string): SourceHealth {
    const source = this.sources.get(sourceId);
    if (!source) throw new RangeError(`no source "${sourceId}" is configured`);
    return source.health.snapshot(source.guard.breakerState, this.pages.itemsCached(sourceId));
  }

  ready(timeoutMs: number): Promise<boolean> {
    return this.pages.ready(timeoutMs);
  }

  async close(): Promise<void> {
    this.closing.abort();
    await Promise.all([...this.refreshing.values(), ...[...this.inFlight.values()].map((fetch) => fetch.catch(() => undefined))]);
    this.pages.close();
  }

  /** The page of `key` from the source, shared with every caller in this process that asks for it meanwhile. */
  private fetchOnce(source: Source, key: string, request: RemotePageRequest, previous: StoredPage | undefined, deadline: number): Promise<StoredPage> {
    let fetch = this.inFlight.get(key);
    if (!fetch) {
      fetch = this.fetchAndStore(source, key, request, previous, deadline).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, fetch);
    }
    return fetch;
  }

  /**
   * Refreshes the stale copy of `key` unless this process already is, or another gateway holds the
   * refresh lock. Never rejects: its failure is recorded in the health, the metrics and the log.
   */
  private refreshInBackground(source: Source, key: string, request: RemotePageRequest, stale: StoredPage): void {
    if (this.refreshing.has(key) || this.inFlight.has(key)) return;
    const { ttlMs, keepMs } = lifetimes(source.limits);
    const refresh = (async () => {
      // The lock outlives the refresh (bounded by the timeout), so no gateway starts another meanwhile.
      if (!(await this.pages.lock(key, source.limits.timeoutMs + LOCK_MARGIN_MS))) return;
      // Another gateway may have refreshed it between this one's read and its lock.
      const latest = await this.pages.get(key, ttlMs, keepMs) ?? stale;
      if (Date.now() - latest.fetchedAt.getTime() < ttlMs) return;
      await this.fetchOnce(source, key, request, latest, Date.now() + source.limits.timeoutMs);
    })().catch(() => undefined).finally(() => this.refreshing.delete(key));
    this.refreshing.set(key, refresh);
  }

  /** Asks the source (sending `previous`'s validators), stores what it sent; rejects only with `SourceUnavailableError`. */
  private async fetchAndStore(source: Source, key: string, request: RemotePageRequest, previous: StoredPage | undefined, deadline: number): Promise<StoredPage> {
    const sourceId = source.adapter.info.id;
    const label = { source: sourceId };
    const validators = previous?.page.validators;
    let answer: RemotePage | 'not-modified';
    try {
      answer = await source.guard.run(
        (signal) => source.adapter.fetchPage(request, signal, hasValidators(validators) ? validators : undefined),
        deadline, this.closing.signal, (sent) => this.recordSent(source, sent),
      );
      if (answer === 'not-modified' && !previous) {
        throw new SourceUnavailableError(sourceId, 'failed', `source "${sourceId}" is unavailable: it answered 304 to a request without validators`);
      }
    } catch (error) {
      const unavailable = error as SourceUnavailableError;
      this.recordFailure(source, unavailable);
      throw unavailable;
    }
    if (answer === 'not-modified') this.metrics.notModified.inc(label);
    const stored: StoredPage = { page: answer === 'not-modified' ? previous!.page : answer, fetchedAt: new Date() };
    const { keepMs } = lifetimes(source.limits);
    // Awaited so another gateway finds the page at once, but never past the caller's deadline.
    await untilDeadline(this.pages.set(key, stored, keepMs), deadline);
    return stored;
  }

  private recordSent(source: Source, sent: Sent): void {
    const label = { source: source.adapter.info.id };
    this.metrics.requests.inc(label);
    this.metrics.latency.observe(label, sent.ms / 1000);
    if (sent.outcome === 'timeout') this.metrics.timeouts.inc(label);
    if (sent.outcome !== 'success') this.metrics.errors.inc(label);
    source.health.sent(sent);
  }

  private recordFailure(source: Source, error: SourceUnavailableError): void {
    const sourceId = source.adapter.info.id;
    // An open breaker's refusals would hide the failure that opened it; the breaker itself says DOWN.
    if (error.reason !== 'breaker-open') source.health.failed(error.message);
    if (error.reason === 'breaker-open' || error.reason === 'budget' || error.reason === 'concurrency') {
      this.metrics.refusals.inc({ source: sourceId, reason: error.reason });
      return;
    }
    if (this.closing.signal.aborted) return;
    this.log.warn({ source: sourceId, reason: error.reason, err: error }, `remote source "${sourceId}" failed: ${error.message}`);
  }
}

/** How long a refresh lock is held beyond the source's timeout, in milliseconds (for the lock's own round-trips). */
const LOCK_MARGIN_MS = 1000;

/** A page's freshness (`ttlMs`) and how long its copy is kept (`keepMs`: TTL and stale window), in milliseconds. */
function lifetimes(limits: SourceLimits): { ttlMs: number; keepMs: number } {
  const ttlMs = limits.ttlSeconds * 1000;
  return { ttlMs, keepMs: ttlMs + limits.staleSeconds * 1000 };
}

/** `stored` as served now: stale past `ttlMs`, and the whole seconds of its TTL left. */
function served(stored: StoredPage, ttlMs: number): ServedPage {
  const left = stored.fetchedAt.getTime() + ttlMs - Date.now();
  return { page: stored.page, fetchedAt: stored.fetchedAt, stale: left <= 0, maxAgeSeconds: Math.max(0, Math.floor(left / 1000)) };
}

function hasValidators(validators: RemotePage['validators']): validators is NonNullable<RemotePage['validators']> {
  return Boolean(validators?.etag || validators?.lastModified);
}

/** Waits for `work` (which never rejects) until `deadline` (epoch ms) at most. */
async function untilDeadline(work: Promise<void>, deadline: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const passed = new Promise<void>((resolve) => { timer = setTimeout(resolve, Math.max(0, deadline - Date.now())); });
  await Promise.race([work, passed]).finally(() => clearTimeout(timer));
}

/** Throws a TypeError naming every problem of the sources and their settings. */
function checkSources(adapters: readonly SourceAdapter[], definitions: readonly SourceLimits[], settings: BreakerSettings): void {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const adapter of adapters) {
    const id = adapter.info.id;
    if (seen.has(id)) problems.push(`source "${id}" is given twice`);
    seen.add(id);
    const limits = definitions.find((definition) => definition.id === id);
    if (!limits) {
      problems.push(`source "${id}" has no definition (its timeout, TTL, stale window, budget and concurrency)`);
      continue;
    }
    for (const name of ['timeoutMs', 'ttlSeconds', 'budgetPerMinute', 'concurrency'] as const) {
      if (!(limits[name] > 0)) problems.push(`source "${id}": ${name} must be a positive number (got ${limits[name]})`);
    }
    if (!(limits.staleSeconds >= 0)) problems.push(`source "${id}": staleSeconds must be 0 or more (got ${limits.staleSeconds})`);
    if (!Number.isInteger(limits.concurrency)) problems.push(`source "${id}": concurrency must be a whole number (got ${limits.concurrency})`);
  }
  if (!(settings.breakerThreshold >= 1 && Number.isInteger(settings.breakerThreshold))) {
    problems.push(`breakerThreshold must be a whole number of failures, 1 or more (got ${settings.breakerThreshold})`);
  }
  if (!(settings.breakerCooldownMs > 0)) problems.push(`breakerCooldownMs must be a positive number of milliseconds (got ${settings.breakerCooldownMs})`);
  if (problems.length) throw new TypeError(`Invalid remote sources: ${problems.join('; ')}`);
}
