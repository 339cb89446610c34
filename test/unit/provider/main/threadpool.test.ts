import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { sizeThreadpool } from '../../../../provider/main/threadpool.js';

describe('sizeThreadpool', () => {
  it('gives libuv one thread per core, at most its default of 4', () => {
    const env: NodeJS.ProcessEnv = {};
    sizeThreadpool(env);
    expect(env.UV_THREADPOOL_SIZE).toBe(String(Math.min(4, availableParallelism())));
  });

  it("leaves a user's UV_THREADPOOL_SIZE alone", () => {
    const env: NodeJS.ProcessEnv = { UV_THREADPOOL_SIZE: '16' };
    sizeThreadpool(env);
    expect(env.UV_THREADPOOL_SIZE).toBe('16');
  });
});
