/**
 * How many GraphQL requests the gateway answers at once (`admission`): the rest wait their turn, in
 * arrival order, before their body is read.
 *
 * Why: a request that waits inside the gateway (for a place in a store lane, for a connection) does
 * so holding the objects it made on arrival: its context, its loaders, Apollo's request context and
 * the promises that will receive its rows. Waiting a few hundred milliseconds, they outlive one or two
 * young-generation collections and are moved to the old generation, and everything they later point
 * to (the rows, the records, the answer) is then kept through the next young collection as well and
 * moved there too, to be found only by a full collection. Fifty uncached list pages at once cost
 * about a fifth more CPU each than twelve at once, for the same throughput, most of it in the
 * collector (docs/performance.md). A request waiting here holds only Node's request and response,
 * and once admitted runs to its answer without waiting behind forty others.
 *
 * Bounded both ways: at most `maxQueued` requests wait (more are refused at once), each at most
 * `queueTimeoutMs`; either refusal is OVERLOADED (503, `Retry-After`). A request whose client goes
 * away while it waits gives its turn up. The places are async-mutex's `Semaphore` (first come, first
 * served), as the store's lanes are.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Semaphore, withTimeout } from 'async-mutex';
import { ErrorCode, messageOf } from '../errors';
import { sendGraphQLError } from './error-response';

export interface AdmissionLimits {
  /** GraphQL requests answered at once; 0: no limit (and no queue). */
  maxConcurrent: number;
  /** Requests that may wait for a place at once; more are refused at once. */
  maxQueued: number;
  /** How long a request may wait for a place, in milliseconds. */
  queueTimeoutMs: number;
}

export const DEFAULT_ADMISSION: AdmissionLimits = { maxConcurrent: 16, maxQueued: 1_000, queueTimeoutMs: 5_000 };

/** A Connect-style step, as Express's middleware and the GraphQL path's steps take it. */
type Step = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

/** What a wait for a place rejects with when the queue timeout passes: made once, not per wait. */
const WAIT_OVER = new Error('no place within the queue timeout');

/** What the admission step tells of itself: the requests answered and waiting now (for the metrics). */
export interface AdmissionState {
  readonly inFlight: number;
  readonly queued: number;
}

/**
 * The step that admits a request once fewer than `maxConcurrent` are being answered, holding its place
 * until its response is closed (sent, or the connection gone). `onRefusal` hears OVERLOADED refusals.
 */
export function admission(limits: AdmissionLimits, onRefusal: (code: ErrorCode) => void): Step & AdmissionState {
  checkAdmission(limits);
  const { maxConcurrent, maxQueued, queueTimeoutMs } = limits;
  let inFlight = 0;
  let queued = 0;
  const places = maxConcurrent > 0 ? new Semaphore(maxConcurrent) : undefined;
  const timed = places && withTimeout(places, queueTimeoutMs, WAIT_OVER);

  const refuse = (res: ServerResponse, why: string) => {
    onRefusal(ErrorCode.OVERLOADED);
    sendGraphQLError(res, ErrorCode.OVERLOADED, messageOf(ErrorCode.OVERLOADED, { limit: maxConcurrent, why }));
  };

  const step: Step = (_req, res, next) => {
    if (!timed) return next();
    if (places!.isLocked() && queued >= maxQueued) return refuse(res, `${queued} requests are already waiting`);
    queued += 1;
    let gone = false;
    // A client that leaves gives its turn up at once: it no longer counts against `maxQueued`, and
    // its place, when its turn comes, goes straight to the next.
    const left = () => {
      gone = true;
      queued -= 1;
    };
    res.once('close', left);
    timed.acquire().then(([, release]) => {
      if (gone) return release();
      queued -= 1;
      res.removeListener('close', left);
      inFlight += 1;
      res.once('close', () => {
        inFlight -= 1;
        release();
      });
      next();
    }, () => {
      if (gone) return;
      queued -= 1;
      res.removeListener('close', left);
      refuse(res, `no place freed within ${queueTimeoutMs} ms`);
    }).catch(next);
  };
  return Object.defineProperties(step, {
    inFlight: { get: () => inFlight },
    queued: { get: () => queued },
  }) as Step & AdmissionState;
}

/** Throws an Error naming every limit that is not a whole number in its range. */
export function checkAdmission(limits: AdmissionLimits): AdmissionLimits {
  const bad = [
    ...(Number.isInteger(limits.maxConcurrent) && limits.maxConcurrent >= 0 ? [] : [`maxConcurrent (${limits.maxConcurrent}) must be a whole number, 0 for no limit`]),
    ...(Number.isInteger(limits.maxQueued) && limits.maxQueued >= 0 ? [] : [`maxQueued (${limits.maxQueued}) must be a whole number`]),
    ...(Number.isInteger(limits.queueTimeoutMs) && limits.queueTimeoutMs > 0 ? [] : [`queueTimeoutMs (${limits.queueTimeoutMs}) must be a positive whole number`]),
  ];
  if (bad.length > 0) throw new Error(`admission limits: ${bad.join('; ')}`);
  return limits;
}
