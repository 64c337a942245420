/** A source failed (timeout, breaker open, budget spent, bad answer) and no copy within its stale window exists. */
export class SourceUnavailableError extends Error {
  constructor(readonly sourceId: string, readonly reason: 'timeout' | 'breaker-open' | 'budget' | 'concurrency' | 'failed', message: string) {
    super(message);
    this.name = 'SourceUnavailableError';
  }
}
