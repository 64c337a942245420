/**
 * What stands between the gateway and one source: a deadline, a circuit breaker, a concurrency cap
 * and a request budget (cockatiel's breaker and bulkhead; the deadline and the budget here).
 */
import {
  BrokenCircuitError, BulkheadRejectedError, CircuitState, ConsecutiveBreaker, bulkhead, circuitBreaker, handleWhen,
  type BulkheadPolicy, type CircuitBreakerPolicy,
} from 'cockatiel';
import type { BreakerState } from '../cache/cache';
import { BREAKER_STATE_OF } from '../cache/guard';
import { SourceUnavailableError } from './errors';
import type { SourceProtections } from './source';

export interface BreakerSettings {
  /** Failed requests in a row that open the breaker. */
  breakerThreshold: number;
  /** How long the open breaker refuses before one request may probe the source, in milliseconds. */
  breakerCooldownMs: number;
}

/** How many requests may wait for a free slot, per slot of the concurrency cap (a bound on memory, not on time: the deadline bounds the wait). */
export const QUEUED_PER_SLOT = 10;

/** How a request that reached the source ended (for the health and the metrics). */
export interface Sent {
  /** Milliseconds from the moment it was sent to the moment the caller had its answer (or gave up). */
  ms: number;
  outcome: 'success' | 'failed' | 'timeout';
}

/**
 * One source's protections. `run` settles by its deadline whatever the request does, and rejects
 * only with `SourceUnavailableError`:
 *
 * - `breaker-open`: `breakerThreshold` requests in a row failed (or timed out); for
 *   `breakerCooldownMs` nothing is sent, then one request probes, and its success closes the breaker
 *   (others wait for the probe, within their deadlines);
 * - `concurrency`: `concurrency` requests are out and the wait for a slot would pass the deadline
 *   (or the queue is full);
 * - `budget`: `budgetPerMinute` requests were sent in the current minute (a fixed window per gateway);
 * - `timeout`: sent, and no answer by the deadline (the request's signal is then aborted);
 * - `failed`: the request rejected (its message is kept).
 *
 * Refusals (breaker, concurrency, budget) send nothing, spend no budget and are not failures to the breaker.
 */
export class SourceGuard {
  private readonly breaker: CircuitBreakerPolicy;
  private readonly slots: BulkheadPolicy;
  private readonly budget: MinuteBudget;
  private openedAt = 0;
  private readonly timeoutMs: number;

  constructor(private readonly sourceId: string, protections: SourceProtections, private readonly settings: BreakerSettings) {
    // A request given up before it was sent (its deadline passed while it waited for a probe) is no failure of the source.
    this.breaker = circuitBreaker(handleWhen((error) => !(error instanceof NotSent)), {
      halfOpenAfter: settings.breakerCooldownMs,
      breaker: new ConsecutiveBreaker(settings.breakerThreshold),
    });
    this.breaker.onBreak(() => { this.openedAt = Date.now(); });
    this.slots = bulkhead(protections.concurrency, protections.concurrency * QUEUED_PER_SLOT);
    this.budget = new MinuteBudget(protections.budgetPerMinute);
    this.timeoutMs = protections.timeoutMs;
  }

  get breakerState(): BreakerState {
    return BREAKER_STATE_OF[this.breaker.state];
  }

  /**
   * Sends `request` (given a signal that aborts at `deadline`, epoch ms, or when `stop` aborts)
   * if the protections allow, and settles by the deadline. `onSent` hears how each request that was
   * sent ended, once.
   */
  async run<T>(request: (signal: AbortSignal) => Promise<T>, deadline: number, stop: AbortSignal, onSent: (sent: Sent) => void): Promise<T> {
    const controller = new AbortController();
    const abort = () => controller.abort();
    const timer = setTimeout(abort, Math.max(0, deadline - Date.now()));
    stop.addEventListener('abort', abort, { once: true });
    const progress: { stage: Stage; sentAt: number } = { stage: 'queued', sentAt: 0 };
    const ended = new Promise<never>((_, reject) => {
      controller.signal.addEventListener('abort', () => reject(new DeadlinePassed()), { once: true });
    });
    const attempt = this.slots.execute(async () => {
      if (Date.now() >= deadline) throw new DeadlinePassed(); // Its wait for a slot took all its time: nothing is sent.
      if (this.refusing()) throw this.unavailable('breaker-open', 'its circuit breaker is open after failures in a row');
      if (!this.budget.take()) throw this.unavailable('budget', 'its request budget for this minute is spent');
      progress.stage = 'admitted';
      return this.breaker.execute(() => {
        if (controller.signal.aborted) throw new NotSent();
        progress.stage = 'sent';
        progress.sentAt = Date.now();
        return Promise.race([Promise.resolve().then(() => request(controller.signal)), ended]);
      });
    }, controller.signal);
    try {
      const result = await Promise.race([attempt, ended]);
      if (progress.stage === 'sent') onSent({ ms: Date.now() - progress.sentAt, outcome: 'success' });
      return result;
    } catch (error) {
      const unavailable = this.classify(error, progress.stage, stop.aborted);
      if (progress.stage === 'sent') onSent({ ms: Date.now() - progress.sentAt, outcome: unavailable.reason === 'timeout' ? 'timeout' : 'failed' });
      throw unavailable;
    } finally {
      clearTimeout(timer);
      stop.removeEventListener('abort', abort);
      controller.abort(); // A request still out (the adapter ignored its signal, or it is queued) is given up.
    }
  }

  /** True while the open breaker's cooldown runs: nothing would be sent. */
  private refusing(): boolean {
    return this.breaker.state === CircuitState.Open && Date.now() - this.openedAt < this.settings.breakerCooldownMs;
  }

  private classify(error: unknown, stage: Stage, stopped: boolean): SourceUnavailableError {
    if (error instanceof SourceUnavailableError) return error;
    if (stopped) return this.unavailable('failed', 'the gateway is closing');
    if (error instanceof DeadlinePassed || error instanceof NotSent) {
      if (stage === 'sent') return this.unavailable('timeout', `no answer within its timeout (${this.timeoutMs} ms)`);
      if (stage === 'admitted') return this.unavailable('breaker-open', 'its circuit breaker is probing it and the probe did not end within its timeout');
      return this.unavailable('concurrency', 'no free request slot within its timeout');
    }
    if (error instanceof BrokenCircuitError) return this.unavailable('breaker-open', 'its circuit breaker is open after failures in a row');
    if (error instanceof BulkheadRejectedError) return this.unavailable('concurrency', 'too many requests to it are waiting');
    return this.unavailable('failed', error instanceof Error ? error.message : String(error));
  }

  private unavailable(reason: SourceUnavailableError['reason'], why: string): SourceUnavailableError {
    return new SourceUnavailableError(this.sourceId, reason, `source "${this.sourceId}" is unavailable: ${why}`);
  }
}

/** How far a request got: waiting for a slot, waiting for the breaker (a probe out), or sent. */
type Stage = 'queued' | 'admitted' | 'sent';

/** The rejection of a request whose deadline passed (or whose gateway closed) before it settled. */
class DeadlinePassed extends Error {}

/** The rejection of a request whose deadline passed before it could be sent. */
class NotSent extends Error {}

/**
 * At most `perMinute` requests in each minute since the first of its window. Synchronous, so the
 * check and the spend cannot be split by another request, and without a timer to stop.
 */
export class MinuteBudget {
  private windowStart = -Infinity;
  private spent = 0;

  constructor(private readonly perMinute: number) {}

  /** Spends one request: false when the window's budget is spent. */
  take(now = Date.now()): boolean {
    if (now - this.windowStart >= 60_000) {
      this.windowStart = now;
      this.spent = 0;
    }
    if (this.spent >= this.perMinute) return false;
    this.spent += 1;
    return true;
  }
}
