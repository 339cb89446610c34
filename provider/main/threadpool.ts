/**
 * libuv's threadpool, where signatures are computed (and files read), has 4 threads unless
 * told otherwise. On a machine with fewer cores the extra threads only take turns with each
 * other and with the event loop: with 2 threads on 2 cores, a login cost about 10% less CPU
 * (bench/cuts.md). Like the heap limits, this is for the CLI's process only; a user's
 * UV_THREADPOOL_SIZE wins.
 */
import { availableParallelism } from 'node:os';

const libuvDefault = 4;

/** Must run before anything uses the pool: libuv reads the variable when it first starts it. */
export function sizeThreadpool(env: NodeJS.ProcessEnv = process.env): void {
  if (env.UV_THREADPOOL_SIZE !== undefined) return;
  env.UV_THREADPOOL_SIZE = String(Math.min(libuvDefault, Math.max(1, availableParallelism())));
}
