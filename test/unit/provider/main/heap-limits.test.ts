/**
 * The CLI's heap limits take effect: under the same load, the young generation stops growing
 * near its 16 MiB cap (V8 lets it reach 128 MiB; a busy machine overshoots the cap a little),
 * and the heap as a whole stays far smaller.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const probe = fileURLToPath(new URL('./heap-growth.mjs', import.meta.url));

async function grow(mode: 'limited' | 'plain') {
  const { stdout } = await promisify(execFile)(process.execPath, [probe, mode], {
    timeout: 60_000,
  });
  return JSON.parse(stdout) as { youngMiB: number; totalMiB: number; kept: number };
}

describe('limitHeapGrowth', () => {
  it('caps the young generation and keeps the heap smaller under the same load', async () => {
    // One after the other: the cap is applied between collections, later on a busy machine.
    const plain = await grow('plain');
    const limited = await grow('limited');
    expect(limited.kept).toBe(plain.kept);
    expect(plain.youngMiB).toBeGreaterThanOrEqual(64);
    expect(limited.youngMiB).toBeLessThanOrEqual(plain.youngMiB / 2);
    expect(limited.totalMiB).toBeLessThan(plain.totalMiB * 0.7);
  }, 120_000);
});
