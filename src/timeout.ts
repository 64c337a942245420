/** The rejection of `withTimeout` when time ran out. */
export class TimeoutError extends Error {}

/**
 * Settles like `promise`, or rejects with a TimeoutError after `ms` milliseconds (the promise then
 * runs on, its outcome ignored).
 */
export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
