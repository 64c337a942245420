/** The rate limiter's in-process budgets (./rate-limit.ts), bounded in clients. */
import { LRUCache } from 'lru-cache';
import { RateLimiterMemory, type RateLimiterRes } from 'rate-limiter-flexible';

/**
 * The most clients each in-process table of budgets (API keys, addresses) remembers. Each costs
 * about 650 bytes (its counter, the timer that ends its window, and its place here), so a table
 * holds at most about 6.5 MB, however many addresses send requests within a window.
 */
export const MAX_LOCAL_CLIENTS = 10_000;

/**
 * Budgets counted in this process (rate-limiter-flexible's memory store, whose counters end with
 * their window), remembering at most `maxClients` clients: past that, the clients least recently
 * counted are forgotten, and start a fresh budget if they come back. Forgetting a client gives it
 * nothing it could not get by sending from a new address, which is what fills the table.
 */
export class LocalBudgets {
  private readonly limiter: RateLimiterMemory;
  private readonly clients: LRUCache<string, true>;

  constructor(settings: { points: number; duration: number; keyPrefix: string }, maxClients = MAX_LOCAL_CLIENTS) {
    this.limiter = new RateLimiterMemory(settings);
    // Counted by `maxSize` rather than `max`, which would allocate room for every client up front.
    this.clients = new LRUCache<string, true>({
      maxSize: maxClients,
      sizeCalculation: () => 1,
      dispose: (_value, key, reason) => {
        if (reason === 'evict') void this.limiter.delete(key);
      },
    });
  }

  /** How many clients are remembered. */
  get size(): number {
    return this.clients.size;
  }

  /** As `RateLimiterMemory.consume`: rejects with the counter's state when the budget is spent. */
  consume(key: string, points: number): Promise<RateLimiterRes> {
    this.clients.set(key, true);
    return this.limiter.consume(key, points);
  }
}
