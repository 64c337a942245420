/**
 * The series of remote sources on the gateway's registry, each labelled `source` (the source's id,
 * from the sources file: a bounded set):
 *
 * - `newsgate_source_requests_total`: requests sent to the source (a 304 included);
 * - `newsgate_source_errors_total`: requests that failed or timed out, and answers that could not be used;
 * - `newsgate_source_timeouts_total`: requests given up at the source's timeout;
 * - `newsgate_source_refusals_total{reason}`: requests not sent (`breaker-open`, `budget`, `concurrency`);
 * - `newsgate_source_not_modified_total`: conditional requests the source answered 304;
 * - `newsgate_source_cache_hits_total`: pages served from a copy within its TTL;
 * - `newsgate_source_stale_serves_total`: pages served from a copy past its TTL, within its stale window;
 * - `newsgate_source_breaker_state{state}`: 1 for the breaker's current state (`closed`, `open`, `half-open`), else 0;
 * - `newsgate_source_request_duration_seconds`: how long sent requests took (a timeout counts its timeout).
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { BreakerState } from '../cache/cache';

const BREAKER_STATES: BreakerState[] = ['closed', 'open', 'half-open'];
const LATENCY_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class SourceMetrics {
  readonly requests: Counter<'source'>;
  readonly errors: Counter<'source'>;
  readonly timeouts: Counter<'source'>;
  readonly refusals: Counter<'source' | 'reason'>;
  readonly notModified: Counter<'source'>;
  readonly cacheHits: Counter<'source'>;
  readonly staleServes: Counter<'source'>;
  readonly latency: Histogram<'source'>;

  /** `breakers` is read at each scrape: each source's id and its breaker's state. */
  constructor(registry: Registry | undefined, breakers: () => Iterable<[string, BreakerState]>) {
    const registers = registry ? [registry] : [];
    const counter = (name: string, help: string) => new Counter({ name, help, labelNames: ['source'], registers });
    this.requests = counter('newsgate_source_requests_total', 'Requests sent to a remote source (304s included).');
    this.errors = counter('newsgate_source_errors_total', 'Requests to a remote source that failed or timed out, or whose answer could not be used.');
    this.timeouts = counter('newsgate_source_timeouts_total', 'Requests to a remote source given up at its timeout.');
    this.refusals = new Counter({
      name: 'newsgate_source_refusals_total',
      help: 'Requests to a remote source not sent: its breaker was open, its budget spent, or no slot freed in time.',
      labelNames: ['source', 'reason'], registers,
    });
    this.notModified = counter('newsgate_source_not_modified_total', 'Conditional requests a remote source answered 304 Not Modified.');
    this.cacheHits = counter('newsgate_source_cache_hits_total', 'Pages of a remote source served from a copy within its TTL.');
    this.staleServes = counter('newsgate_source_stale_serves_total', 'Pages of a remote source served from a copy past its TTL, within its stale window.');
    this.latency = new Histogram({
      name: 'newsgate_source_request_duration_seconds', help: 'How long requests sent to a remote source took.',
      labelNames: ['source'], buckets: LATENCY_BUCKETS, registers,
    });
    new Gauge({
      name: 'newsgate_source_breaker_state', help: 'A remote source\'s circuit breaker: 1 for its current state, else 0.',
      labelNames: ['source', 'state'], registers,
      collect() {
        for (const [source, current] of breakers()) {
          for (const state of BREAKER_STATES) this.set({ source, state }, state === current ? 1 : 0);
        }
      },
    });
  }
}
