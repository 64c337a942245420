import { setFlagsFromString } from 'node:v8';

/** The default cap (`HEAP_GROWTH_PERCENT`): see `capHeapGrowth`. */
export const DEFAULT_HEAP_GROWTH_PERCENT = 50;

/**
 * Caps how far V8 lets its old generation grow past what was live after the last full collection
 * before it collects again: at most `percent` % more (V8's `--heap-growing-percent`). Without a cap,
 * V8 sizes that headroom by how much memory the machine has: on a machine with a few gigabytes free
 * it lets the heap reach four times the live data, so a gateway whose caches hold 130 MB of live
 * records settles at several hundred megabytes more than it holds, and keeps them. With the cap the
 * resident size follows the caches' byte budgets; the price is more frequent full collections
 * (marking runs mostly on another thread). 0 leaves V8's own policy.
 *
 * Applied once at start, before the heap has grown: the flag is read at every full collection.
 */
export function capHeapGrowth(percent: number): void {
  if (percent > 0) setFlagsFromString(`--heap-growing-percent=${percent}`);
}
