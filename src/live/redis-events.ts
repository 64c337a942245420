import { randomUUID } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import { type RedisConnectionOptions, checkRedisConnection, connect } from '../cache/redis-connection';
import type { Logger } from '../logger';
import { type FigureEvent, type FigureEvents, isFigureEvent } from './events';
import { MemoryFigureEvents } from './memory-events';

/** The channel events travel on: `<prefix>:live:figures`, one for every instance sharing the prefix. */
export function figureChannel(prefix: string): string {
  return `${prefix}:live:figures`;
}

/**
 * Events shared by every instance through Redis pub/sub: `publish` delivers to this process at
 * once, then sends the event on the channel, where every other instance's dedicated subscriber
 * connection hears it (this process's own messages, recognised by its random origin id, are not
 * delivered twice).
 *
 * Fails open: while Redis is down, this process's events still reach its own subscriptions, and
 * those of the others are lost (pub/sub keeps nothing); one warning is logged when the connection
 * fails and one line when it is back (ioredis reconnects, at most a second apart, and subscribes
 * again on its own). Nothing here ever rejects or throws at a caller.
 */
export class RedisFigureEvents implements FigureEvents {
  private readonly local: MemoryFigureEvents;
  private readonly origin = randomUUID();
  private readonly channel: string;
  private readonly publisher: Redis | Cluster;
  private readonly subscriber: Redis | Cluster;
  private down = false;
  private closed = false;

  constructor(options: RedisConnectionOptions, private readonly log: Logger) {
    const redis = checkRedisConnection(options);
    this.local = new MemoryFigureEvents((err) => log.error({ err }, 'live updates: a listener failed'));
    this.channel = figureChannel(redis.prefix);
    this.publisher = connect(redis, redis.operationTimeoutMs, false);
    this.subscriber = connect(redis, 0, true);
    this.publisher.on('error', () => undefined); // A failed publish is reported where it fails.
    this.subscriber.on('error', (err: Error) => this.lost(err));
    this.subscriber.on('close', () => this.lost(new Error('connection closed')));
    this.subscriber.on('ready', () => {
      if (this.down) log.info('live updates: Redis is back; hearing other instances again');
      this.down = false;
    });
    this.subscriber.on('message', (channel: string, message: string) => this.heard(channel, message));
    this.subscriber.subscribe(this.channel).catch((err: unknown) => this.lost(err));
  }

  get connected(): boolean {
    return this.subscriber.status === 'ready';
  }

  publish(event: FigureEvent): void {
    this.local.publish(event);
    if (this.closed) return;
    this.publisher.publish(this.channel, JSON.stringify({ origin: this.origin, event })).catch((err: unknown) => {
      this.log.warn({ err }, 'live updates: could not tell other instances of a change; their subscribers miss it');
    });
  }

  listen(listener: (event: FigureEvent) => void): () => void {
    return this.local.listen(listener);
  }

  /** Resolves true once the subscriber listens on the channel, false after `timeoutMs`. */
  async ready(timeoutMs = 5000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.connected) {
        const [, subscribers] = await (this.publisher as Redis).pubsub('NUMSUB', this.channel).catch(() => [null, 0]) as [unknown, number];
        if (Number(subscribers) > 0) return true;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return false;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.local.close();
    this.subscriber.disconnect();
    this.publisher.disconnect();
  }

  private lost(err: unknown): void {
    if (this.down || this.closed) return;
    this.down = true;
    this.log.warn({ err }, 'live updates: Redis connection lost; subscriptions hear only this instance\'s changes until it is back');
  }

  private heard(channel: string, message: string): void {
    if (channel !== this.channel) return;
    let parsed: { origin?: unknown; event?: unknown };
    try {
      parsed = JSON.parse(message) as typeof parsed;
    } catch {
      parsed = {};
    }
    if (parsed.origin === this.origin) return;
    if (!isFigureEvent(parsed.event)) {
      this.log.warn({ channel }, 'live updates: ignored a message that is not a figure event');
      return;
    }
    this.local.publish(parsed.event);
  }
}
