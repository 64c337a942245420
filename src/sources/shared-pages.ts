/**
 * Source pages and refresh locks in Redis, shared by every gateway on the same Redis and prefix, on
 * a connection of this part's own (as the rate limiter's budgets). Fails open: every operation is
 * bounded by the connection's operation timeout and a circuit breaker (../cache/guard), and a
 * failure answers "no copy", skips the write, or grants the lock: the process then answers alone.
 */
import { randomBytes } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import { decode, encode } from '../cache/codec';
import { Guard } from '../cache/guard';
import { type RedisConnectionOptions, checkRedisConnection, connect } from '../cache/redis-connection';
import type { Logger } from '../logger';
import type { StoredPage } from './page-cache';

export class SharedPages {
  private readonly client: Redis | Cluster;
  private readonly guard: Guard;
  private readonly prefix: string;
  /** This gateway, as the holder of the locks it takes. */
  private readonly holder = randomBytes(6).toString('base64url');

  constructor(options: RedisConnectionOptions, private readonly log: Logger) {
    const checked = checkRedisConnection(options);
    this.prefix = checked.prefix;
    this.guard = new Guard({ timeoutMs: checked.operationTimeoutMs, failureThreshold: checked.breakerThreshold, cooldownMs: checked.breakerCooldownMs });
    // The guard bounds every operation (see `connect` for why ioredis's own timer is not used).
    this.client = connect(checked, 0, false);
    this.client.on('error', () => undefined); // Failed operations are reported where they fail.
  }

  /** The copy Redis holds for `key`; undefined when it holds none, or cannot be asked. Never rejects. */
  async get(key: string): Promise<StoredPage | undefined> {
    let bytes: Buffer | null;
    try {
      bytes = await this.guard.run(() => this.client.getBuffer(this.pageKey(key)));
    } catch (error) {
      this.failed(error, 'read');
      return undefined;
    }
    try {
      return bytes ? asStoredPage(decode(bytes)) : undefined;
    } catch (error) {
      this.log.warn({ err: error, key }, 'remote sources: a page in Redis could not be read; asking the source');
      return undefined;
    }
  }

  /** Stores `stored` for `keepMs`, best effort. Never rejects. */
  async set(key: string, stored: StoredPage, keepMs: number): Promise<void> {
    try {
      await this.guard.run(() => this.client.set(this.pageKey(key), encode(stored), 'PX', Math.max(1, Math.round(keepMs))));
    } catch (error) {
      this.failed(error, 'write');
    }
  }

  /**
   * Takes the refresh lock of `key` for `holdMs` (`SET NX PX`): true when this gateway now holds
   * it, false when another does; true when Redis cannot be asked. Never rejects.
   */
  async lock(key: string, holdMs: number): Promise<boolean> {
    try {
      const taken = await this.guard.run(() => this.client.set(this.lockKey(key), this.holder, 'PX', Math.max(1, Math.round(holdMs)), 'NX'));
      return taken === 'OK';
    } catch (error) {
      this.failed(error, 'lock');
      return true;
    }
  }

  /** Resolves true once connected, false when that takes longer than `timeoutMs`. Never rejects; pages are only missed before. */
  async ready(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.client.status !== 'ready') {
      if (this.client.status === 'end' || Date.now() > deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return true;
  }

  close(): void {
    this.client.disconnect();
  }

  private pageKey(key: string): string {
    return `${this.prefix}:src:p:${key}`;
  }

  private lockKey(key: string): string {
    return `${this.prefix}:src:l:${key}`;
  }

  private failed(error: unknown, what: string): void {
    if (!Guard.refused(error)) this.log.warn({ err: error }, `remote sources: Redis failed (${what}); answering from this process`);
  }
}

/** `value` when it has the shape of a stored page (anything else in Redis is no copy). */
function asStoredPage(value: unknown): StoredPage | undefined {
  const stored = value as StoredPage | null;
  if (!stored || !(stored.fetchedAt instanceof Date) || !Array.isArray(stored.page?.items)) return undefined;
  return stored;
}
