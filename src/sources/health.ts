/** How one source has fared lately, kept in bounded memory: what `RemoteSources.health` reports. */
import type { BreakerState } from '../cache/cache';
import type { Sent } from './protections';
import type { SourceHealth } from './source';

/** How many recent requests the latency percentiles are taken over. */
export const LATENCY_WINDOW = 200;

/** How long a failure or a stale serve keeps a source DEGRADED, in milliseconds. */
export const RECENT_MS = 60_000;

/**
 * One source's record: outcomes of the requests sent to it, and when a stale copy was last served.
 * The state is DOWN while its breaker is open; DEGRADED while it is half-open, or when a request
 * failed or a stale copy was served in the last `RECENT_MS`; else UP.
 */
export class HealthRecord {
  private readonly latencies = new Float64Array(LATENCY_WINDOW);
  private samples = 0;
  private lastSuccessAt: Date | null = null;
  private lastError: { at: Date; message: string } | null = null;
  private lastStaleAt = -Infinity;

  sent(sent: Sent): void {
    this.latencies[this.samples % LATENCY_WINDOW] = sent.ms;
    this.samples += 1;
    if (sent.outcome === 'success') this.lastSuccessAt = new Date();
  }

  /** A request failed, timed out, was refused for its budget or concurrency, or sent an answer that could not be used. */
  failed(message: string): void {
    this.lastError = { at: new Date(), message };
  }

  servedStale(): void {
    this.lastStaleAt = Date.now();
  }

  snapshot(breaker: BreakerState, itemsCached: number): SourceHealth {
    const now = Date.now();
    const recentFailure = this.lastError !== null && now - this.lastError.at.getTime() < RECENT_MS;
    const recentStale = now - this.lastStaleAt < RECENT_MS;
    const state = breaker === 'open' ? 'DOWN' : breaker === 'half-open' || recentFailure || recentStale ? 'DEGRADED' : 'UP';
    const window = [...this.latencies.subarray(0, Math.min(this.samples, LATENCY_WINDOW))].sort((a, b) => a - b);
    return {
      state,
      lastSuccessAt: this.lastSuccessAt,
      lastError: this.lastError,
      latencyP50Ms: percentile(window, 0.5),
      latencyP99Ms: percentile(window, 0.99),
      itemsCached,
    };
  }
}

/** The nearest-rank percentile of sorted `values`; null when there are none. */
function percentile(sorted: number[], fraction: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)];
}
