/**
 * Where the PostgreSQL adapter's statements get a connection (`Source`): a `pg` pool, or a
 * connection opened for one retry, each statement bounded on the client a margin past the server's
 * own timeout. No SQL.
 */
import { Client, type ClientBase, type ClientConfig, Pool, type QueryConfig } from 'pg';
import type { QueryResult } from './db';

/**
 * How long after the server's own timeout the client gives up on a statement: the server cancels
 * first and the connection stays usable; the client's bound is for a server that does not answer
 * at all (stopped, or cut off), and the connection is then thrown away.
 */
const CLIENT_TIMEOUT_MARGIN_MS = 1_000;

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

  constructor(settings: ClientConfig & { statement_timeout: number }, max: number, onLost: (error: Error) => void) {
    this.statementTimeoutMs = settings.statement_timeout;
    this.settings = { ...settings, query_timeout: clientBound(settings.statement_timeout) };
    this.pool = new Pool({ ...this.settings, max });
    // A connection broken while idle is an 'error' on the pool; unheard, it would end the process.
    this.pool.on('error', onLost);
  }

  /** One statement with the session's bounds; a named one is prepared once per connection (see `Queryable.query`). */
  query(text: string, values: unknown[], fresh: boolean, name?: string): Promise<QueryResult<unknown>> {
    const query = name ? { name, text, values } : text;
    return fresh ? this.queryFresh(query, values) : this.pool.query(query as never, values);
  }

  private async queryFresh(query: string | QueryConfig, values: unknown[]): Promise<QueryResult<unknown>> {
    const { client, release } = await this.checkOut(true, () => undefined);
    try {
      return await client.query(query as never, values);
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
    return this.pool.end();
  }
}

/**
 * A statement with the client's own bound for `timeoutMs` (see `clientBound`), when it differs from
 * its session's: a config object, which `pg` copies (a statement given as text and values is not).
 */
export function statement(text: string, values: unknown[], timeoutMs: number): QueryConfig {
  // pg reads a falsy `query_timeout` as "the connection's", so "none" is the longest timer Node has.
  return { text, values, query_timeout: clientBound(timeoutMs) ?? NO_CLIENT_BOUND_MS } as QueryConfig;
}

/** The longest delay a Node timer takes (about 24.8 days): a statement without a client bound. */
const NO_CLIENT_BOUND_MS = 2 ** 31 - 1;

/** The client's bound for a server bound of `timeoutMs` (0: none), a margin past it (see CLIENT_TIMEOUT_MARGIN_MS). */
function clientBound(timeoutMs: number): number | undefined {
  return timeoutMs > 0 ? timeoutMs + CLIENT_TIMEOUT_MARGIN_MS : undefined;
}
