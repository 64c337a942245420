import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Node's collector, reached without --expose-gc on the command line. */
export function collector(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** V8's heap in use after two full collections, in bytes. */
export function settledHeap(gc: () => void): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** What values hold after two full collections: V8's heap in use and the bytes of array buffers (outside it). */
export function settledBytes(gc: () => void): number {
  gc();
  gc();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
}
