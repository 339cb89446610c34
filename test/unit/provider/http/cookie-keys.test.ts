import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CookieKeys } from '../../../../provider/http/cookie-keys.js';

describe('cookie keys', () => {
  const keys = new CookieKeys(['newest-secret', 'older-secret']);
  // What Keygrip (Koa's default) writes: HMAC-SHA1, base64 made URL-safe, no padding.
  const keygrip = (secret: string, data: string) =>
    createHmac('sha1', secret)
      .update(data)
      .digest('base64')
      .replace(/\/|\+|=/g, (c) => ({ '/': '_', '+': '-', '=': '' })[c] ?? c);

  it('signs with the newest key, exactly as Keygrip does', () => {
    expect(keys.sign('session=abc')).toBe(keygrip('newest-secret', 'session=abc'));
  });

  it('finds which key signed, and refuses anything else', () => {
    expect(keys.index('session=abc', keygrip('newest-secret', 'session=abc'))).toBe(0);
    expect(keys.index('session=abc', keygrip('older-secret', 'session=abc'))).toBe(1);
    expect(keys.verify('session=abc', keygrip('other-secret', 'session=abc'))).toBe(false);
    expect(keys.verify('session=abd', keygrip('newest-secret', 'session=abc'))).toBe(false);
    expect(keys.verify('session=abc', 'short')).toBe(false);
    expect(keys.verify('session=abc', '')).toBe(false);
  });
});
