import { Cluster, Redis } from 'ioredis';
import { withTimeout } from '../timeout';
import { checkPositive } from './cache';

/**
 * Where Redis is and how the gateway talks to it: the one options type for every connection to
 * Redis (the cache's, its subscriber's, the rate limiter's). Defaults in `REDIS_DEFAULTS`.
 */
export interface RedisConnectionOptions {
  /** One Redis server, as `redis://[user:password@]host:port[/db]`. Give this or `clusterNodes`. */
  url?: string;
  /** Some nodes of a Redis Cluster, as `host:port`; the rest are discovered. */
  clusterNodes?: readonly string[];
  /** Starts every key and channel, so several deployments can share a Redis; instances that must agree share it. */
  prefix?: string;
  /** How long one Redis operation may take before it is given up, in milliseconds. */
  operationTimeoutMs?: number;
  /** How many failed operations in a row open the circuit breaker (./guard). */
  breakerThreshold?: number;
  /** How long the open breaker keeps Redis from being tried, in milliseconds. */
  breakerCooldownMs?: number;
}

/** `RedisConnectionOptions` with every default filled in, checked by `checkRedisConnection`. */
export type CheckedRedisConnection = Required<Pick<RedisConnectionOptions, 'prefix' | 'operationTimeoutMs' | 'breakerThreshold' | 'breakerCooldownMs'>>
  & Pick<RedisConnectionOptions, 'url' | 'clusterNodes'>;

export const REDIS_DEFAULTS = {
  prefix: 'ng',
  operationTimeoutMs: 200,
  breakerThreshold: 5,
  breakerCooldownMs: 1000,
} as const satisfies Omit<CheckedRedisConnection, 'url' | 'clusterNodes'>;

/**
 * `options` with the defaults filled in, or a TypeError naming every problem and how to fix it:
 * exactly one of `url` and `clusterNodes`, a `redis://` URL, `host:port` nodes, a prefix of key-safe
 * characters (no braces: they would pin a cluster's keys to one slot), positive bounds.
 */
export function checkRedisConnection(options: RedisConnectionOptions): CheckedRedisConnection {
  const problems: string[] = [];
  if (!options.url === !options.clusterNodes) problems.push('give exactly one of `url` (one server) and `clusterNodes` (a cluster)');
  if (options.url && !/^rediss?:\/\//.test(options.url)) problems.push(`url must start with redis:// or rediss:// (got ${JSON.stringify(options.url)})`);
  if (options.clusterNodes) {
    const bad = options.clusterNodes.filter((node) => !/^[^\s:]+:\d{1,5}$/.test(node));
    if (options.clusterNodes.length === 0 || bad.length) problems.push(`clusterNodes must be host:port pairs (got ${JSON.stringify(options.clusterNodes)})`);
  }
  const checked: CheckedRedisConnection = {
    url: options.url,
    clusterNodes: options.clusterNodes,
    prefix: options.prefix ?? REDIS_DEFAULTS.prefix,
    operationTimeoutMs: options.operationTimeoutMs ?? REDIS_DEFAULTS.operationTimeoutMs,
    breakerThreshold: options.breakerThreshold ?? REDIS_DEFAULTS.breakerThreshold,
    breakerCooldownMs: options.breakerCooldownMs ?? REDIS_DEFAULTS.breakerCooldownMs,
  };
  if (!/^[\w.:-]+$/.test(checked.prefix)) problems.push(`prefix may hold letters, digits, _ . : - only (got ${JSON.stringify(checked.prefix)})`);
  if (problems.length) throw new TypeError(`Invalid Redis options: ${problems.join('; ')}`);
  const { operationTimeoutMs, breakerThreshold, breakerCooldownMs } = checked;
  checkPositive({ operationTimeoutMs, breakerThreshold, breakerCooldownMs });
  return checked;
}

/** Reconnect soon after Redis comes back: at most one second between attempts. */
function reconnectDelay(attempt: number): number {
  return Math.min(50 * 2 ** attempt, 1000);
}

/**
 * A client for commands (they fail at once while disconnected, so they can never pile up or run
 * late; each bounded by `commandTimeoutMs` unless it is 0) or for a subscription (queued until
 * connected, so subscribing can start at once). Reads only `url` and `clusterNodes` of `options`.
 * A caller that bounds every operation itself (a `Guard`, `withTimeout`) passes 0: ioredis's timer
 * fires as soon as the process runs its timers, before a reply that came in time is read when the
 * process was busy past the bound, and under load such false timeouts opened the breaker.
 */
export function connect(options: RedisConnectionOptions, commandTimeoutMs: number, subscriber: boolean): Redis | Cluster {
  const connection = {
    connectTimeout: 2000,
    maxRetriesPerRequest: subscriber ? null : 0,
    ...(commandTimeoutMs > 0 ? { commandTimeout: commandTimeoutMs } : {}),
  };
  const client = { enableOfflineQueue: subscriber, enableAutoPipelining: !subscriber };
  if (options.clusterNodes) {
    return new Cluster(options.clusterNodes.map(parseNode), {
      ...client, clusterRetryStrategy: reconnectDelay, redisOptions: connection,
    });
  }
  return new Redis(options.url!, { ...client, ...connection, retryStrategy: reconnectDelay });
}

function parseNode(node: string): { host: string; port: number } {
  const at = node.lastIndexOf(':');
  return { host: node.slice(0, at), port: Number(node.slice(at + 1)) };
}

/**
 * A PING of `client` (of every master, in a cluster) bounded by `timeoutMs`: the function resolves
 * true when Redis answered within it, false otherwise, and never rejects. One PING at a time: callers
 * while one is out share it, so a hung Redis never collects them, and none waits longer than
 * `timeoutMs`. It bypasses any breaker, which may stay open for a cooldown after Redis is back:
 * this reports on Redis itself. For readiness and metrics.
 */
export function pinger(client: Redis | Cluster, timeoutMs: number): () => Promise<boolean> {
  let inFlight: Promise<boolean> | null = null;
  const pingAll = async () => {
    if (client instanceof Cluster) {
      const masters = client.nodes('master');
      if (masters.length === 0) throw new Error('no cluster node known yet');
      await Promise.all(masters.map((node) => node.ping()));
    } else {
      await client.ping();
    }
  };
  return () => {
    inFlight ??= withTimeout(pingAll(), timeoutMs).then(() => true, () => false).finally(() => { inFlight = null; });
    return inFlight;
  };
}
