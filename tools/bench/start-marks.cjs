// Preloaded by tools/bench/start-time.ts (NODE_OPTIONS=--require) into every node process `npm start`
// runs; only the gateway's reports. Its bundle (dist/main.js) loads its modules synchronously, so the
// first turn of the event loop comes once every module is loaded and main() waits on the store.
if (/dist[\\/]main\.js$/.test(process.argv[1] ?? '')) {
  const report = (mark) => process.stderr.write(`start-mark ${JSON.stringify({ mark, time: performance.timeOrigin + performance.now() })}\n`);
  process.stderr.write(`start-mark ${JSON.stringify({ mark: 'process started', time: performance.timeOrigin })}\n`);
  setImmediate(() => report('modules loaded'));
}
