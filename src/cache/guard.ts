import { BrokenCircuitError, CircuitState, ConsecutiveBreaker, circuitBreaker, handleAll, type CircuitBreakerPolicy } from 'cockatiel';
import { withTimeout } from '../timeout';
import type { BreakerState } from './cache';

export interface GuardOptions {
  /** How long one cache operation may take before it is given up, in milliseconds. */
  timeoutMs: number;
  /** How many failures in a row open the breaker. */
  failureThreshold: number;
  /** How long the breaker stays open before one call may probe the backing store, in milliseconds. */
  cooldownMs: number;
}

/** How a cockatiel breaker's state is reported (an isolated breaker is open). */
export const BREAKER_STATE_OF: Record<CircuitState, BreakerState> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'open',
};

/**
 * Bounds every operation on a remote cache: it fails after `timeoutMs`, and after
 * `failureThreshold` failures in a row the breaker opens and operations fail at once, without
 * touching the network, for `cooldownMs`; then the next operation probes, and its success closes
 * the breaker again (its failure reopens it for another cooldown). The breaker is cockatiel's; the
 * timeouts are plain timers (cockatiel's timeout policy makes three AbortControllers per call and,
 * aborting them on return, a DOMException: about a fifth of a Redis-cached answer's CPU time).
 */
export class Guard {
  private readonly breaker: CircuitBreakerPolicy;
  private readonly timeoutMs: number;
  /** How many times the breaker has opened. */
  opens = 0;

  constructor(options: GuardOptions) {
    this.timeoutMs = options.timeoutMs;
    this.breaker = circuitBreaker(handleAll, {
      halfOpenAfter: options.cooldownMs,
      breaker: new ConsecutiveBreaker(options.failureThreshold),
    });
    this.breaker.onBreak(() => { this.opens += 1; });
  }

  /** Runs `operation` within the bounds; rejects when it fails, times out, or the breaker is open. */
  run<T>(operation: () => Promise<T>): Promise<T> {
    // The inner timeout makes a hung operation count as a failure for the breaker. The outer one
    // bounds the whole call: while a probe is out, cockatiel makes other calls wait for it before
    // running their own, which could otherwise take two timeouts.
    return withTimeout(this.breaker.execute(() => withTimeout(operation(), this.timeoutMs)), this.timeoutMs);
  }

  /** True when `error` is the open breaker's refusal (nothing was sent), not a failure of Redis. */
  static refused(error: unknown): boolean {
    return error instanceof BrokenCircuitError;
  }

  get state(): BreakerState {
    return BREAKER_STATE_OF[this.breaker.state];
  }
}
