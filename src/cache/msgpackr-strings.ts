/**
 * Imported before msgpackr (by ./codec), to keep its native string reader (msgpackr-extract) off.
 * That reader decodes a value's strings as slices of strings it joined, which keep the joined
 * strings alive: the in-process levels then hold half as much again as `heapSizeOf` counts
 * (test/memory-bounds.test.ts), and their byte bounds would not hold. msgpackr reads this variable
 * once, when it loads; one set in the environment wins.
 */
process.env.MSGPACKR_NATIVE_ACCELERATION_DISABLED ??= 'true';
