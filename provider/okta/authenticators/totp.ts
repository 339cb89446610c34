/**
 * Google Authenticator's codes: RFC 6238 TOTP with HMAC-SHA-1, 6 digits and 30-second steps,
 * over a base32 secret (RFC 4648). A code is accepted one step either side of now, as Okta
 * allows for clock drift; which step it matched is returned, so a caller can refuse it twice.
 */
import { createHmac } from 'node:crypto';

const stepSeconds = 30;
const digits = 6;
const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function base32Decode(secret: string): Buffer {
  const clean = secret.replace(/[\s=]/g, '').toUpperCase();
  const bytes: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const char of clean) {
    const value = alphabet.indexOf(char);
    if (value < 0) throw new Error(`not a base32 character: ${char}`);
    buffer = (buffer << 5) | value;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((buffer >> bits) & 0xff);
    }
  }
  return Buffer.from(bytes);
}

/** The step a time (epoch seconds) falls in. */
export function totpStep(epochSeconds: number): number {
  return Math.floor(epochSeconds / stepSeconds);
}

/** The code of `step` for this secret (RFC 4226 §5.3 dynamic truncation). */
export function hotp(secret: string, step: number): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', base32Decode(secret)).update(counter).digest();
  const offset = (mac[mac.length - 1] ?? 0) & 0x0f;
  const value = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(value % 10 ** digits).padStart(digits, '0');
}

/** The code an authenticator app shows at `epochSeconds` (now by default). */
export function totp(secret: string, epochSeconds = Date.now() / 1000): string {
  return hotp(secret, totpStep(epochSeconds));
}

/** The step `code` belongs to, within one step of `epochSeconds`; undefined if none. */
export function matchTotp(secret: string, code: string, epochSeconds: number): number | undefined {
  if (!/^\d{6}$/.test(code)) return undefined;
  const now = totpStep(epochSeconds);
  for (const step of [now, now - 1, now + 1]) {
    if (hotp(secret, step) === code) return step;
  }
  return undefined;
}
