/** The rejection of `withTimeout` when time ran out. */
export class TimeoutError extends Error {}

/**
 * Settles like `promise`, or rejects with a TimeoutError after `ms` milliseconds (the promise then
 * runs on, its outcome ignored).
 */
export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new TimeoutError(`no answer within ${ms} ms`)), ms);
    promise.then(
      (value) => { clearTimeout(timer); resolve(value); },
      (error: unknown) => { clearTimeout(timer); reject(error); },
    );
  });
}
