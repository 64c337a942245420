import { isIPv6 } from 'node:net';
import type { GraphQLError } from 'graphql';
import type { Cluster, Redis } from 'ioredis';
import { Counter, Gauge, type Registry } from 'prom-client';
import { RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { Guard } from '../cache/guard';
import { type RedisConnectionOptions, REDIS_DEFAULTS, checkRedisConnection, connect, pinger } from '../cache/redis-connection';
import { ErrorCode, GatewayError } from '../errors';
import type { Logger } from '../logger';
import { type RateLimiter, checkWholeNumbers } from './limits';
import { LocalBudgets } from './local-budgets';

/**
 * The budgets. Each client gets `publicPoints` (the public, per client address) or `keyPoints`
 * (per API key) points per window of `windowSeconds`; an operation costs its estimated cost
 * (./query-cost.ts), at least 1 point and at most the whole budget.
 */
export interface RateLimitSettings {
  /** Length of a window, in whole seconds. */
  windowSeconds: number;
  /** Points per window for one client address of the public. */
  publicPoints: number;
  /** Points per window for one API key. */
  keyPoints: number;
}

/**
 * What a request with a malformed, unknown or revoked API key spends from its client address's
 * budget: with the defaults, 500 bad keys a minute from one address, then 429 (guessing keys is
 * rate-limited like everything else).
 */
export const FAILED_KEY_POINTS = 100;

/**
 * The defaults: the public's budget fits an operation at the default cost limit (20,000) twice a
 * minute, and the README's dashboard query and article page many times more (docs/operations.md,
 * "Rate limits", has their costs).
 */
export const DEFAULT_RATE_LIMITS: RateLimitSettings = {
  windowSeconds: 60,
  publicPoints: 50_000,
  keyPoints: 250_000,
};

export interface RateLimitOptions extends Partial<RateLimitSettings> {
  /**
   * Where the budgets are kept so that every gateway shares them (one Redis server or a Redis
   * Cluster; keys `<prefix>:rl:key:<id>`, `<prefix>:rl:ip:<address>`), and the bounds on each
   * operation, after which the in-process budget answers. Without it, each process keeps its own.
   */
  redis?: RedisConnectionOptions;
  /** The gateway's metrics registry, for the refusal and fallback counters. */
  registry?: Registry;
  /** For Redis failures (one line per failure, none while the breaker is open). */
  log?: Logger;
}

/** Whose budget an operation is counted against: `key` (an API key's) or `address` (the public's). */
export type Budget = 'key' | 'address';

/** The shared budget store (none without Redis), and the in-process one that answers while it fails. */
interface Limiters {
  points: number;
  shared: RateLimiterAbstract | undefined;
  local: LocalBudgets;
}

/**
 * Rate limits per API key and per client address, as the limits plugin's `RateLimiter`
 * (`limiter.limit`). A fixed window per client: it opens at the client's first operation and
 * lasts `windowSeconds`, whatever the client sends meanwhile (rate-limiter-flexible's counter: one
 * atomic INCRBY with an expiry in Redis). An operation past the budget is refused with
 * RATE_LIMITED, HTTP 429, `Retry-After` (whole seconds until the window ends) and `RateLimit-*`
 * headers; refused operations count too, so a client that keeps trying stays refused until its
 * window ends, and no longer.
 *
 * A key holder is counted by key id (the key is verified before this runs, so nobody can spend
 * another's budget), the public by `Context.clientAddress` (IPv6 by its /64 network, which one
 * subscriber usually holds entirely).
 *
 * Fails open: each Redis operation is bounded by `operationTimeoutMs` and a circuit breaker
 * (../cache/guard.ts); while Redis fails, an in-process budget of the same size answers, so each
 * gateway then allows a client the whole budget on its own. Nothing here ever rejects.
 */
export class ClientRateLimiter {
  readonly settings: RateLimitSettings;
  private readonly client: Redis | Cluster | null;
  private readonly guard: Guard;
  private readonly budgets: Record<Budget, Limiters>;
  private readonly refusals: Counter<'budget'> | undefined;
  private readonly fallbacks: Counter | undefined;
  private readonly pingRedis: (() => Promise<boolean>) | null;
  private closed = false;

  constructor(private readonly options: RateLimitOptions = {}) {
    this.settings = checkRateLimits({
      windowSeconds: options.windowSeconds ?? DEFAULT_RATE_LIMITS.windowSeconds,
      publicPoints: options.publicPoints ?? DEFAULT_RATE_LIMITS.publicPoints,
      keyPoints: options.keyPoints ?? DEFAULT_RATE_LIMITS.keyPoints,
    });
    const redis = options.redis && checkRedisConnection(options.redis);
    const { prefix, operationTimeoutMs, breakerThreshold, breakerCooldownMs } = redis ?? REDIS_DEFAULTS;
    this.guard = new Guard({ timeoutMs: operationTimeoutMs, failureThreshold: breakerThreshold, cooldownMs: breakerCooldownMs });
    // The guard bounds every operation (see `connect` for why ioredis's own timer is not used).
    this.client = redis ? connect(redis, 0, false) : null;
    this.client?.on('error', () => undefined); // Failed operations are reported where they fail.
    this.pingRedis = this.client && pinger(this.client, operationTimeoutMs);
    const limiters = (budget: Budget, points: number): Limiters => {
      const settings = { points, duration: this.settings.windowSeconds, keyPrefix: `${prefix}:rl:${budget === 'key' ? 'key' : 'ip'}` };
      const local = new LocalBudgets(settings);
      const shared = this.client ? new RateLimiterRedis({ ...settings, storeClient: this.client, rejectIfRedisNotReady: true }) : undefined;
      return { points, shared, local };
    };
    this.budgets = { key: limiters('key', this.settings.keyPoints), address: limiters('address', this.settings.publicPoints) };
    if (options.registry) {
      this.refusals = new Counter({
        name: 'newsgate_rate_limit_refusals_total', help: 'Operations refused with RATE_LIMITED, by budget (key or address).',
        labelNames: ['budget'], registers: [options.registry],
      });
      this.fallbacks = new Counter({
        name: 'newsgate_rate_limit_fallbacks_total',
        help: 'Operations counted in process because Redis failed, timed out or its breaker was open.',
        registers: [options.registry],
      });
      const ping = this.pingRedis;
      if (ping) {
        new Gauge({
          name: 'newsgate_rate_limit_redis_up',
          help: 'Whether the rate limiter\'s Redis connection answered a PING within the operation timeout, sent at this scrape (1 or 0).',
          registers: [options.registry],
          async collect() { this.set(await ping() ? 1 : 0); },
        });
      }
    }
  }

  /** Where the budgets live: `redis` (shared) or `memory` (this process). */
  get store(): 'redis' | 'memory' {
    return this.client ? 'redis' : 'memory';
  }

  /** The `RateLimiter` for the HTTP edge. Bound: pass it as is. Never rejects. */
  readonly limit: RateLimiter = async ({ contextValue, cost }) => {
    const keyId = contextValue.viewer.keyId;
    const budget: Budget = keyId ? 'key' : 'address';
    const limiters = this.budgets[budget];
    const points = Math.min(Math.max(1, Math.ceil(cost)), limiters.points);
    let result: { refused: boolean; res: RateLimiterRes };
    try {
      result = await this.consume(limiters, keyId ?? addressKey(contextValue.clientAddress), points);
    } catch (error) {
      contextValue.log.error({ err: error }, 'rate limits: could not count an operation; letting it run');
      return undefined;
    }
    if (!result.refused) return undefined;
    this.refusals?.inc({ budget });
    return rateLimitedError(budget, limiters.points, this.settings.windowSeconds, result.res);
  };

  /** Resolves true once Redis is connected (at once without Redis), false after `timeoutMs`. */
  async ready(timeoutMs = 5000): Promise<boolean> {
    const client = this.client;
    if (!client || client.status === 'ready') return true;
    if (this.closed) return false;
    return new Promise((resolve) => {
      const done = (ready: boolean) => {
        clearTimeout(timer);
        client.off('ready', onReady);
        resolve(ready);
      };
      const onReady = () => done(true);
      const timer = setTimeout(() => done(false), timeoutMs);
      client.once('ready', onReady);
    });
  }

  /**
   * Resolves true when the budgets' Redis answers a PING on this limiter's own connection within the
   * operation timeout (at once without Redis), false otherwise; one PING at a time, never rejects.
   */
  ping(): Promise<boolean> {
    return this.pingRedis ? this.pingRedis() : Promise.resolve(true);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.client?.disconnect();
  }

  /**
   * Spends `points` of `key`'s budget: in Redis within the guard's bounds, else in process.
   * `refused` when the budget is spent; the counter's state either way.
   */
  private async consume(limiters: Limiters, key: string, points: number): Promise<{ refused: boolean; res: RateLimiterRes }> {
    const shared = limiters.shared;
    if (!shared || this.closed) return settle(limiters.local.consume(key, points));
    try {
      return await this.guard.run(() => settle(shared.consume(key, points)));
    } catch (error) {
      this.fallbacks?.inc();
      if (!Guard.refused(error)) this.options.log?.warn({ err: error }, 'rate limits: Redis failed; counting in process');
      return settle(limiters.local.consume(key, points));
    }
  }
}

/**
 * The outcome of a rate-limiter-flexible `consume`, which rejects with its counter's state when
 * the budget is spent: that rejection becomes `refused`; any other failure still rejects.
 */
function settle(consumed: Promise<RateLimiterRes>): Promise<{ refused: boolean; res: RateLimiterRes }> {
  return consumed.then(
    (res) => ({ refused: false, res }),
    (reason: unknown) => {
      if (reason instanceof RateLimiterRes) return { refused: true, res: reason };
      throw reason;
    },
  );
}

/**
 * The refusal: RATE_LIMITED with the catalogue's status (429), `Retry-After` in whole seconds (at least 1), and the
 * `RateLimit-Limit`, `-Remaining`, `-Reset` and `-Policy` headers of the IETF draft
 * (draft-ietf-httpapi-ratelimit-headers-06). `extensions.retryAfterSeconds` says the same for clients
 * that do not read headers.
 *
 * It is sent as `application/json` whatever the client accepts: Apollo Client 4 reads a non-2xx
 * `application/graphql-response+json` body as the operation's result, which its `RetryLink` never
 * retries, and a non-2xx `application/json` one as a `ServerError` carrying the status and headers,
 * which it retries. The body is the same GraphQL error either way (docs/operations.md, "Retrying").
 */
export function rateLimitedError(budget: Budget, points: number, windowSeconds: number, res: RateLimiterRes): GraphQLError {
  const retryAfter = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
  return new GatewayError(ErrorCode.RATE_LIMITED, {
    whose: budget === 'key' ? 'this API key' : 'your address',
    limit: points,
    windowSeconds,
    retryAfterSeconds: retryAfter,
    advice: budget === 'key' ? '' : ', or send an API key for a budget of its own',
  }, {
    extensions: { retryAfterSeconds: retryAfter, limit: points, windowSeconds },
    refusal: {
      headers: [
        ['retry-after', String(retryAfter)],
        ['content-type', 'application/json; charset=utf-8'],
        ['ratelimit-limit', String(points)],
        ['ratelimit-remaining', '0'],
        ['ratelimit-reset', String(retryAfter)],
        ['ratelimit-policy', `${points};w=${windowSeconds}`],
      ],
    },
  });
}

/**
 * The public's budget key for a client address: an IPv4 address as is (IPv4-mapped IPv6 too), an
 * IPv6 address by its /64 network, `unknown` when there is no address (all such requests share one
 * budget).
 */
export function addressKey(address: string | null): string {
  if (!address) return 'unknown';
  const ip = address.replace(/%.*$/, ''); // An IPv6 zone (fe80::1%eth0) names the interface, not the client.
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (mapped) return mapped[1];
  if (!isIPv6(ip)) return ip;
  const [head, tail] = ip.split('::');
  const groups = (part: string | undefined) => (part ? part.split(':').flatMap((group) => (group.includes('.') ? ['0', '0'] : [group])) : []);
  const left = groups(head);
  const right = groups(tail);
  const all = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return `${all.slice(0, 4).map((group) => parseInt(group, 16).toString(16)).join(':')}::/64`;
}

/** The settings, checked: every one a whole number of at least 1; throws a TypeError naming every bad one. */
export function checkRateLimits(settings: RateLimitSettings): RateLimitSettings {
  return checkWholeNumbers(settings, 'rate limits', 'DEFAULT_RATE_LIMITS in src/http/rate-limit.ts');
}
