import {
  BrokenCircuitError, CircuitState, ConsecutiveBreaker, TimeoutStrategy, circuitBreaker, handleAll, timeout, wrap,
  type CircuitBreakerPolicy, type IPolicy,
} from 'cockatiel';
import type { BreakerState } from './cache';

export interface GuardOptions {
  /** How long one cache operation may take before it is given up, in milliseconds. */
  timeoutMs: number;
  /** How many failures in a row open the breaker. */
  failureThreshold: number;
  /** How long the breaker stays open before one call may probe the backing store, in milliseconds. */
  cooldownMs: number;
}

const STATES: Record<CircuitState, BreakerState> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'open',
};

/**
 * Bounds every operation on a remote cache: it fails after `timeoutMs`, and after
 * `failureThreshold` failures in a row the breaker opens and operations fail at once, without
 * touching the network, for `cooldownMs`; then the next operation probes, and its success closes
 * the breaker again (its failure reopens it for another cooldown). Built from cockatiel's policies.
 */
export class Guard {
  private readonly breaker: CircuitBreakerPolicy;
  private readonly policy: IPolicy;
  /** How many times the breaker has opened. */
  opens = 0;

  constructor(options: GuardOptions) {
    this.breaker = circuitBreaker(handleAll, {
      halfOpenAfter: options.cooldownMs,
      breaker: new ConsecutiveBreaker(options.failureThreshold),
    });
    this.breaker.onBreak(() => { this.opens += 1; });
    // The inner timeout makes a hung operation count as a failure for the breaker. The outer one
    // bounds the whole call: while a probe is out, cockatiel makes other calls wait for it before
    // running their own, which could otherwise take two timeouts. Operations ignore the signal, so
    // it is not aborted when one returns: that abort builds a DOMException with a stack trace, and
    // cost a tenth of a Redis-cached answer's time.
    const bound = { strategy: TimeoutStrategy.Aggressive, abortOnReturn: false };
    this.policy = wrap(timeout(options.timeoutMs, bound), this.breaker, timeout(options.timeoutMs, bound));
  }

  /** Runs `operation` within the bounds; rejects when it fails, times out, or the breaker is open. */
  run<T>(operation: () => Promise<T>): Promise<T> {
    // A signal of its own: without one, cockatiel hangs every call's abort listener on one shared
    // signal, and Node warns of a leak past ten concurrent calls.
    return this.policy.execute(operation, new AbortController().signal);
  }

  /** True when `error` is the open breaker's refusal (nothing was sent), not a failure of Redis. */
  static refused(error: unknown): boolean {
    return error instanceof BrokenCircuitError;
  }

  get state(): BreakerState {
    return STATES[this.breaker.state];
  }
}
