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

/**
 * What values hold once collections have settled: V8's heap in use and the bytes of array buffers
 * (outside it). Array buffers are freed by a sweeper that runs after a collection, and whatever a
 * previous test file left may be finalised late: collects until two readings a few milliseconds
 * apart agree within 256 KiB.
 */
export async function settledBytes(gc: () => void): Promise<number> {
  let previous = Number.NaN;
  for (let round = 0; round < 20; round++) {
    gc();
    gc();
    await new Promise((resolve) => setTimeout(resolve, 10));
    const { heapUsed, arrayBuffers } = process.memoryUsage();
    const bytes = heapUsed + arrayBuffers;
    if (Math.abs(bytes - previous) < 2 ** 18) return bytes;
    previous = bytes;
  }
  return previous;
}
