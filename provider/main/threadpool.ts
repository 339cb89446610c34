/**
 * libuv's threadpool, where signatures are computed (and files read), has 4 threads unless
 * told otherwise. On a machine with fewer cores the extra threads take turns with each other
 * and with the event loop: on 2 busy vCPUs (the hypervisor taking half) a login cost about
 * 10% less CPU with 2 threads; on a quiet machine the two were within the noise
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
