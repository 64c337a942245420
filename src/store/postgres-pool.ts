/**
 * Where the PostgreSQL adapter's statements get a connection (`Source`): a `pg` pool, or a
 * connection opened for one retry, each statement bounded on the client a margin past the server's
 * own timeout. No SQL.
 */
import { Client, type ClientBase, type ClientConfig, Pool, type QueryConfig } from 'pg';
import type { QueryResult } from './db';
import { CLIENT_GAVE_UP } from './postgres-faults';

/**
 * How long after the server's own timeout the client gives up on a statement: the server cancels
 * first (a transaction's connection is then rolled back and kept; a lone statement's is thrown away
 * after any error, as pg-pool's own `query` does); the client's bound is for a server that does not
 * answer at all (stopped, or cut off), and the connection is then thrown away.
 */
const CLIENT_TIMEOUT_MARGIN_MS = 1_000;

/** How often the watchdog looks for statements past their client bound: a bound is kept to within this. */
const WATCH_INTERVAL_MS = 100;

/** A connection checked out for a transaction; `release(error)` throws it away instead of reusing it. */
export interface CheckedOut {
  client: ClientBase;
  release(broken?: Error): void;
}

/**
 * Where statements get a connection: a pool of `max` connections with these settings, or, for a
 * retry, a connection opened for one use with the same settings (outside the pool's count: only
 * reads whose first connection was lost take one).
 */
export class Source {
  readonly statementTimeoutMs: number;
  private readonly pool: Pool;
  private readonly settings: ClientConfig;
  private readonly watchdog = new Watchdog();

  constructor(settings: ClientConfig & { statement_timeout: number }, max: number, onLost: (error: Error) => void) {
    this.statementTimeoutMs = settings.statement_timeout;
    this.settings = settings;
    this.pool = new Pool({ ...this.settings, max });
    // A connection broken while idle is an 'error' on the pool; unheard, it would end the process.
    this.pool.on('error', onLost);
  }

  /** One statement with the session's bounds; a named one is prepared once per connection (see `Queryable.query`). */
  query(text: string, values: unknown[], fresh: boolean, name?: string): Promise<QueryResult<unknown>> {
    const query = name ? { name, text, values } : text;
    return fresh ? this.queryFresh(query, values) : this.queryPooled(query, values);
  }

  /**
   * `running` (a statement of a connection checked out here), rejected with pg's own "Query read
   * timeout" once `timeoutMs` (the server's bound; 0: none) and the client's margin have passed
   * without an answer. The caller then throws the connection away (`CheckedOut.release(error)`).
   */
  bounded<T>(running: Promise<T>, timeoutMs = this.statementTimeoutMs): Promise<T> {
    const boundMs = clientBound(timeoutMs);
    if (boundMs === undefined) return running;
    return new Promise<T>((resolve, reject) => {
      const watched = this.watchdog.watch(boundMs, () => reject(new Error(CLIENT_GAVE_UP)));
      running.then((value) => {
        this.watchdog.done(watched);
        resolve(value);
      }, (error: unknown) => {
        this.watchdog.done(watched);
        reject(error);
      });
    });
  }

  /**
   * One statement on a pooled connection, as pg-pool's own `query` runs it (the connection thrown
   * away after any error, and after an 'error' it emits meanwhile), bounded by the watchdog rather
   * than pg's `query_timeout`: a timer per statement cost an uncached list page about a fifth of its
   * CPU (docs/performance.md, "Admission").
   */
  private queryPooled(query: string | QueryConfig, values: unknown[]): Promise<QueryResult<unknown>> {
    return new Promise((resolve, reject) => {
      this.pool.connect((error, client) => {
        if (error || !client) return reject(error);
        let settled = false;
        const finish = (failure: Error | null | undefined, result?: QueryResult<unknown>) => {
          if (settled) return;
          settled = true;
          this.watchdog.done(watched);
          client.removeListener('error', finish);
          client.release(failure ?? undefined);
          if (failure) reject(failure);
          else resolve(result!);
        };
        const watched = this.watchdog.watch(clientBound(this.statementTimeoutMs), () => finish(new Error(CLIENT_GAVE_UP)));
        client.once('error', finish);
        try {
          client.query(query as never, values, (failure: Error | null, result: QueryResult<unknown>) => finish(failure, result));
        } catch (thrown) {
          finish(thrown as Error);
        }
      });
    });
  }

  private async queryFresh(query: string | QueryConfig, values: unknown[]): Promise<QueryResult<unknown>> {
    const { client, release } = await this.checkOut(true, () => undefined);
    try {
      return await this.bounded(client.query(query as never, values));
    } finally {
      release();
    }
  }

  /**
   * A connection, with `onError` listening from the moment it is handed over: a connection broken
   * between statements emits 'error', which unheard would end the process. The listener is added in
   * the pool's callback, not after its promise resolves: a connection handed on while the pool reads
   * another message of it (the server's "terminating connection" right behind the last answer, in
   * the same packet) would emit before that.
   */
  checkOut(fresh: boolean, onError: (error: Error) => void): Promise<CheckedOut> {
    if (fresh) {
      const client = new Client(this.settings);
      client.on('error', onError);
      return client.connect().then(() => ({
        client,
        release: () => { client.end().catch(() => undefined); },
      }), async (error: unknown) => {
        await client.end().catch(() => undefined);
        throw error;
      });
    }
    return new Promise((resolve, reject) => {
      this.pool.connect((error, client) => {
        if (error || !client) return reject(error);
        client.on('error', onError);
        resolve({
          client,
          release: (broken) => {
            client.removeListener('error', onError);
            client.release(broken);
          },
        });
      });
    });
  }

  close(): Promise<void> {
    this.watchdog.stop();
    return this.pool.end();
  }
}

/** A statement being watched: when its client gives up, and what it does then. */
interface Watched {
  deadline: number;
  giveUp: () => void;
}

/**
 * The statements in flight on one source, each given up when its client bound passes: one interval
 * (`WATCH_INTERVAL_MS`, not keeping the process alive) for all of them, instead of a timer each.
 */
class Watchdog {
  private readonly watched = new Set<Watched>();
  private timer: NodeJS.Timeout | undefined;

  /** Watches a statement that gives up after `boundMs` (undefined: never). */
  watch(boundMs: number | undefined, giveUp: () => void): Watched {
    const watched = { deadline: boundMs === undefined ? Number.POSITIVE_INFINITY : performance.now() + boundMs, giveUp };
    if (boundMs === undefined) return watched;
    this.watched.add(watched);
    this.timer ??= setInterval(() => this.check(), WATCH_INTERVAL_MS).unref();
    return watched;
  }

  done(watched: Watched): void {
    this.watched.delete(watched);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private check(): void {
    const now = performance.now();
    for (const watched of this.watched) {
      if (watched.deadline > now) continue;
      this.watched.delete(watched);
      watched.giveUp();
    }
  }
}

/** The client's bound for a server bound of `timeoutMs` (0: none), a margin past it (see CLIENT_TIMEOUT_MARGIN_MS). */
function clientBound(timeoutMs: number): number | undefined {
  return timeoutMs > 0 ? timeoutMs + CLIENT_TIMEOUT_MARGIN_MS : undefined;
}
