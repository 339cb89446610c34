/**
 * Signed cookies' keys, as Koa's cookies use them (the Keygrip interface, the same HMAC-SHA1
 * signatures in the same URL-safe base64, so cookies stay valid across versions and
 * instances), with each key made a KeyObject once and signatures compared with
 * timingSafeEqual: a provider reads several signed cookies on every request.
 */
import { createHmac, createSecretKey, type KeyObject, timingSafeEqual } from 'node:crypto';

export class CookieKeys {
  readonly #keys: readonly KeyObject[];

  constructor(secrets: readonly string[]) {
    if (secrets.length === 0) throw new Error('cookie keys must not be empty');
    this.#keys = secrets.map((secret) => createSecretKey(Buffer.from(secret)));
  }

  sign(data: string): string {
    return this.#signWith(data, 0);
  }

  verify(data: string, digest: string): boolean {
    return this.index(data, digest) > -1;
  }

  index(data: string, digest: string): number {
    const given = Buffer.from(digest);
    for (let i = 0; i < this.#keys.length; i += 1) {
      const expected = Buffer.from(this.#signWith(data, i));
      if (expected.length === given.length && timingSafeEqual(expected, given)) return i;
    }
    return -1;
  }

  #signWith(data: string, index: number): string {
    const key = this.#keys[index];
    if (!key) throw new Error(`no cookie key ${index}`);
    return createHmac('sha1', key).update(data).digest('base64url');
  }
}
