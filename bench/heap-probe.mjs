// Loaded into the soaked server by bench/soak.mjs (`--import`, with `--expose-gc`): on request
// over the IPC channel it collects garbage and answers with the live heap, so the report can
// tell what the process holds from what V8 has not yet given back.
process.on('message', (message) => {
  if (message !== 'heap') return;
  globalThis.gc?.();
  process.send?.({ heapUsed: process.memoryUsage().heapUsed });
});
