/**
 * Random bytes for values made on every request (page nonces, token ids): drawn from a pool
 * filled 4 KiB at a time, because each randomBytes() call costs a trip into OpenSSL that
 * dwarfs the few bytes it returns. Bytes are handed out once and the pool is refilled when
 * spent, as oidc-provider's nanoid does.
 */
import { randomFillSync } from 'node:crypto';

const pool = Buffer.allocUnsafe(4096);
let offset = pool.length;

/** `size` fresh random bytes (at most the pool's size), encoded. */
export function randomString(size: number, encoding: 'base64' | 'base64url'): string {
  if (offset + size > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const value = pool.toString(encoding, offset, offset + size);
  offset += size;
  return value;
}
