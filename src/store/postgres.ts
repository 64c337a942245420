/**
 * The PostgreSQL adapter (`PostgresDb`): its options and timeouts, reads in lanes with their one
 * retry, writes, transactions and probes. Its SQL is transaction control only (BEGIN, SET LOCAL,
 * COMMIT, ROLLBACK); connections come from ./postgres-pool.ts, faults are told by
 * ./postgres-faults.ts.
 */
import { Semaphore, type SemaphoreInterface, withTimeout } from 'async-mutex';
import { type ClientBase, types } from 'pg';
import { LANES, type Db, type Lane, type Queryable, type QueryResult, type TransactionOptions } from './db';
import { StoreTimeoutError, StoreUnavailableError } from './errors';
import { CLIENT_GAVE_UP, faultOf } from './postgres-faults';
import { Source } from './postgres-pool';

// Counts and ids are int4 in the schema; keep any int8 that still reaches us (count(*)) a number,
// the way PGlite returns it, so both adapters yield identical records.
types.setTypeParser(types.builtins.INT8, (value) => Number(value));

/** How long each kind of database wait may last, in milliseconds. */
export interface StoreTimeouts {
  /** A read statement (server-side `statement_timeout`). */
  readMs: number;
  /** A statement of a write transaction, and a write outside one. */
  writeMs: number;
  /** The statistics statement, which reads a region's every figure. */
  statisticsMs: number;
  /** Waiting for a connection: for the lane's turn, for a free pooled connection, or for a new one to open. */
  acquireMs: number;
  /** A readiness probe, on its own connection. */
  probeMs: number;
}

export const DEFAULT_STORE_TIMEOUTS: StoreTimeouts = {
  readMs: 5_000, writeMs: 10_000, statisticsMs: 15_000, acquireMs: 2_000, probeMs: 2_000,
};

export interface PostgresOptions {
  connectionString: string;
  /** Schema to put first on the search_path of every connection (tests use one per run). */
  schema?: string;
  /** Connections for reads; each lane may hold at most half of them, rounded up. Default 10. */
  readConnections?: number;
  /** Connections for writes, apart from the reads'. Default 4. */
  writeConnections?: number;
  timeouts?: Partial<StoreTimeouts>;
  /**
   * Told of every connection found broken while idle, and of every read retried because its
   * connection broke. The pools replace broken connections on their own; this is for the log.
   */
  onConnectionLost?: (error: Error) => void;
  /** Told of every statement's duration, in seconds (for the metrics). */
  onStatement?: (seconds: number) => void;
}

/**
 * What a wait for a lane's place rejects with when the acquire timeout passes: made once (an Error
 * per wait would capture a stack on every contended read), and told as a `StoreTimeoutError`.
 */
const LANE_WAIT_OVER = new Error('no place in the lane within the acquire timeout');

/**
 * The PostgreSQL adapter: three `pg` pools, so that no kind of work can take every connection.
 *
 * - Reads run on the read pool, in lanes (`Lane`): a lane holds at most half of the read connections,
 *   and a read waits at most `acquireMs` for its lane and as long again for a connection. Each read
 *   statement is bounded by `readMs` (the statistics statement by `statisticsMs`), and a read whose
 *   connection was lost (the server terminated it, restarted, failed over) is retried once, on a
 *   connection opened for the retry.
 * - Writes run on a pool of their own, bounded by `writeMs` per statement, and are never retried: a
 *   lost connection rolls the transaction back, and the caller hears `StoreUnavailableError` (with
 *   `outcomeUnknown` when it was lost during COMMIT).
 * - Readiness probes run on one connection of their own, bounded by `probeMs`, so that busy pools
 *   never make a healthy database look down.
 *
 * Broken connections are dropped and replaced on demand; one broken while idle is reported through
 * `onConnectionLost` and never takes the process down.
 */
export class PostgresDb implements Db {
  readonly engine = 'postgres' as const;
  readonly timeouts: StoreTimeouts;
  private readonly reading: Source;
  private readonly writing: Source;
  private readonly probing: Source;
  private readonly lanes: Record<Lane, Semaphore>;
  /** The lanes, each acquired with the acquire timeout (rejecting with `LANE_WAIT_OVER`). */
  private readonly timedLanes: Record<Lane, SemaphoreInterface>;
  private readonly laneQueryables: Record<Lane, Queryable>;

  constructor(private readonly options: PostgresOptions) {
    this.timeouts = { ...DEFAULT_STORE_TIMEOUTS, ...options.timeouts };
    const readConnections = options.readConnections ?? 10;
    const source = (max: number, statementTimeoutMs: number, acquireMs = this.timeouts.acquireMs) => new Source({
      connectionString: options.connectionString,
      connectionTimeoutMillis: acquireMs,
      statement_timeout: statementTimeoutMs,
      keepAlive: true,
      fallback_application_name: 'newsgate',
      options: options.schema ? `-c search_path=${quoteIdent(options.schema)},public` : undefined,
    }, max, (error) => options.onConnectionLost?.(error));
    this.reading = source(readConnections, this.timeouts.readMs);
    this.writing = source(options.writeConnections ?? 4, this.timeouts.writeMs);
    this.probing = source(1, this.timeouts.probeMs, this.timeouts.probeMs);
    const share = Math.ceil(readConnections / 2);
    this.lanes = Object.fromEntries(LANES.map((lane) => [lane, new Semaphore(share)])) as Record<Lane, Semaphore>;
    this.timedLanes = Object.fromEntries(LANES.map((lane) => [lane, withTimeout(this.lanes[lane], this.timeouts.acquireMs, LANE_WAIT_OVER)])) as
      Record<Lane, SemaphoreInterface>;
    this.laneQueryables = Object.fromEntries(LANES.map((lane) => [lane, {
      query: <Row>(sql: string, params: unknown[] = [], name?: string) => this.read(lane, this.timeouts.readMs,
        (fresh) => this.timed(this.reading.query(sql, params, fresh, name))) as Promise<QueryResult<Row>>,
    }])) as Record<Lane, Queryable>;
  }

  reads(lane: Lane): Queryable {
    return this.laneQueryables[lane];
  }

  async query<Row>(sql: string, params: unknown[] = []): Promise<QueryResult<Row>> {
    try {
      return await this.timed(this.writing.query(sql, params, false)) as QueryResult<Row>;
    } catch (error) {
      throw this.faultOf(error, this.timeouts.writeMs) ?? error;
    }
  }

  async exec(sql: string): Promise<void> {
    await this.transaction(async (tx) => { await tx.query(sql); }, { timeoutMs: 0 });
  }

  transaction<T>(work: (tx: Queryable) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    const { readLane } = options;
    if (readLane === undefined) {
      return this.inTransaction(this.writing, false, work, options.timeoutMs ?? this.timeouts.writeMs, false);
    }
    const timeoutMs = options.timeoutMs ?? this.readTimeoutMs(readLane);
    return this.read(readLane, timeoutMs, (fresh) => this.inTransaction(this.reading, fresh, work, timeoutMs, true));
  }

  probe<Row>(sql: string, params: unknown[] = []): Promise<QueryResult<Row>> {
    return this.retriedOnce((fresh) => this.probing.query(sql, params, fresh), this.timeouts.probeMs) as
      Promise<QueryResult<Row>>;
  }

  async close(): Promise<void> {
    await Promise.all([this.reading.close(), this.writing.close(), this.probing.close()]);
  }

  // ---- reads: lanes and the one retry ---------------------------------------------------------

  /** A read transaction's bound: the statistics statement reads a region's every figure, and has one of its own. */
  private readTimeoutMs(lane: Lane): number {
    return lane === 'statistics' ? this.timeouts.statisticsMs : this.timeouts.readMs;
  }

  /**
   * Runs a read in `lane` (see the class comment), retried once when its connection was lost: once
   * its lane has a free place (taken at once, without a timer, when there is one; a wait gives up
   * after `acquireMs`, and a place granted after that is handed straight on).
   */
  private async read<T>(lane: Lane, timeoutMs: number, run: (fresh: boolean) => Promise<T>): Promise<T> {
    const places = this.lanes[lane];
    const [, release] = places.getValue() > 0 ? await places.acquire() : await this.timedLanes[lane].acquire().catch((error: unknown) => {
      throw error === LANE_WAIT_OVER ? new StoreTimeoutError('connection', this.timeouts.acquireMs) : error;
    });
    try {
      return await this.retriedOnce(run, timeoutMs);
    } finally {
      release();
    }
  }

  /**
   * `run` on a pooled connection, and once more on a connection opened for it when the first failed
   * for a lost connection (a pooled one could be another of those the server dropped at the same
   * time, not yet noticed); faults as the store's errors.
   */
  private async retriedOnce<T>(run: (fresh: boolean) => Promise<T>, timeoutMs: number): Promise<T> {
    try {
      return await run(false);
    } catch (error) {
      const fault = this.faultOf(error, timeoutMs);
      if (!(fault instanceof StoreUnavailableError)) throw fault ?? error;
      this.options.onConnectionLost?.(error as Error);
      try {
        return await run(true);
      } catch (second) {
        throw this.faultOf(second, timeoutMs) ?? second;
      }
    }
  }

  // ---- transactions ---------------------------------------------------------------------------

  /**
   * One transaction on a connection of `source` (a `fresh` one: opened for it). The connection is
   * thrown away, not reused, when it broke or a statement outlived the client's bound (its state is
   * then unknown).
   */
  private async inTransaction<T>(
    source: Source, fresh: boolean, work: (tx: Queryable) => Promise<T>, timeoutMs: number, readOnly: boolean,
  ): Promise<T> {
    let broken: Error | undefined;
    const connection = await source.checkOut(fresh, (error) => { broken = error; })
      .catch((error: unknown) => { throw this.faultOf(error, timeoutMs) ?? error; });
    const { client } = connection;
    let committing = false;
    try {
      const begin = `BEGIN${readOnly ? ' READ ONLY' : ''}`;
      const sessionBound = timeoutMs === source.statementTimeoutMs;
      // A bound other than the session's is set for the transaction, and each statement is bounded on the client by it.
      const run = (sql: string, params: unknown[] = []) => source.bounded(client.query(sql, params), timeoutMs);
      await source.bounded(client.query(sessionBound ? begin : `${begin}; SET LOCAL statement_timeout = ${Math.floor(timeoutMs)}`));
      const result = await work({ query: (sql, params) => this.timed(run(sql, params)) as never });
      committing = true;
      await run('COMMIT');
      return result;
    } catch (error) {
      const fault = this.faultOf(error, timeoutMs);
      // A lost connection, or one whose statement the client gave up on (the server may still be
      // running it), is thrown away; any other is rolled back and kept.
      if (fault instanceof StoreUnavailableError || (error as Error).message === CLIENT_GAVE_UP) broken ??= error as Error;
      if (!broken) broken = await rollBack(client, source);
      if (fault instanceof StoreUnavailableError && committing && !readOnly) throw new StoreUnavailableError(true, { cause: error });
      throw fault ?? error;
    } finally {
      connection.release(broken);
    }
  }

  /** Settles like `running`, reporting how long the statement took. */
  private timed<T>(running: Promise<T>): Promise<T> {
    const onStatement = this.options.onStatement;
    if (!onStatement) return running;
    const started = performance.now();
    return running.finally(() => onStatement((performance.now() - started) / 1000));
  }

  /** The store's error for a fault (see ./postgres-faults.ts), or undefined for the statement's own error. */
  private faultOf(error: unknown, timeoutMs: number): StoreTimeoutError | StoreUnavailableError | undefined {
    return faultOf(error, timeoutMs, this.timeouts.acquireMs);
  }
}

/** Ends a failed transaction; resolves to the error when even that failed (the connection is then thrown away). */
function rollBack(client: ClientBase, source: Source): Promise<Error | undefined> {
  return source.bounded(client.query('ROLLBACK')).then(() => undefined, (error: Error) => error);
}

/** Quotes an SQL identifier (a schema name from configuration). */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
