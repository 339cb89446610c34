/** RFC 6238's own test vectors (SHA-1, its 20-byte ASCII secret), and the one-step window. */
import { describe, expect, it } from 'vitest';
import { base32Decode, matchTotp, totp } from '../../../../../provider/okta/authenticators/totp.js';

// "12345678901234567890" in base32.
const rfcSecret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

describe('totp', () => {
  it("gives RFC 6238's SHA-1 codes, cut to 6 digits", () => {
    expect(base32Decode(rfcSecret).toString()).toBe('12345678901234567890');
    const vectors: [number, string][] = [
      [59, '94287082'],
      [1111111109, '07081804'],
      [1111111111, '14050471'],
      [1234567890, '89005924'],
      [2000000000, '69279037'],
      [20000000000, '65353130'],
    ];
    for (const [time, eightDigits] of vectors) {
      expect(totp(rfcSecret, time)).toBe(eightDigits.slice(-6));
    }
  });

  it('accepts a code one step either side of now, and says which step', () => {
    const now = 1_700_000_000;
    expect(matchTotp(rfcSecret, totp(rfcSecret, now), now)).toBe(Math.floor(now / 30));
    expect(matchTotp(rfcSecret, totp(rfcSecret, now - 30), now)).toBe(Math.floor(now / 30) - 1);
    expect(matchTotp(rfcSecret, totp(rfcSecret, now + 30), now)).toBe(Math.floor(now / 30) + 1);
    expect(matchTotp(rfcSecret, totp(rfcSecret, now - 60), now)).toBeUndefined();
    expect(matchTotp(rfcSecret, '12345', now)).toBeUndefined();
    expect(matchTotp(rfcSecret, 'abcdef', now)).toBeUndefined();
  });
});
