/** The rejection of `withTimeout` when time ran out. */
export class TimeoutError extends Error {}

/**
 * Settles like `promise`, or rejects with a TimeoutError after `ms` milliseconds (the promise then
 * runs on, its outcome ignored).
 *
 * Time runs out only once the answers that arrived by then have been read: when the timer fires, the
 * rejection waits for the end of that turn of the event loop (`setImmediate`, after its I/O). A
 * process busy past `ms` runs its expired timers before it reads its sockets, so a reply that came in
 * time but sat unread would otherwise count as a timeout; under load, enough of those in a row
 * opened the Redis breaker dozens of times a minute although Redis answered in under a millisecond.
 */
export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => setImmediate(() => reject(new TimeoutError(`no answer within ${ms} ms`))), ms);
    promise.then(
      (value) => { clearTimeout(timer); resolve(value); },
      (error: unknown) => { clearTimeout(timer); reject(error); },
    );
  });
}
