import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  generateSigningKey,
  type KeyMaterial,
  loadOrCreateKeys,
  nextKeyExpiry,
  privateJwk,
  pruneKeys,
  rotateKeys,
} from '../../../../provider/oidc/keys.js';

const hour = 3600;

describe('key rotation as Okta does it', () => {
  it('signs with the new key and keeps every retired one until its tokens have expired', async () => {
    const [k1, k2, k3] = await Promise.all([
      generateSigningKey(),
      generateSigningKey(),
      generateSigningKey(),
    ]);
    if (!k1 || !k2 || !k3) throw new Error('three keys');
    const start: KeyMaterial = { signingKeys: [k1], cookieSecrets: ['s'] };
    const once = rotateKeys(start, k2, hour, 1000);
    const twice = rotateKeys(once, k3, hour, 1100);
    expect(twice.signingKeys.map((key) => key.kid)).toEqual([k3.kid, k2.kid, k1.kid]);
    expect(twice.signingKeys.map((key) => key.retiredAt)).toEqual([undefined, 1100, 1000]);
    expect(nextKeyExpiry(twice, hour)).toBe(1000 + hour);

    // An hour after each retirement, and not before, the key is gone.
    expect(pruneKeys(twice, hour, 1000 + hour - 1).signingKeys).toHaveLength(3);
    expect(pruneKeys(twice, hour, 1000 + hour).signingKeys.map((key) => key.kid)).toEqual([
      k3.kid,
      k2.kid,
    ]);
    expect(pruneKeys(twice, hour, 1100 + hour).signingKeys.map((key) => key.kid)).toEqual([k3.kid]);
    expect(nextKeyExpiry(pruneKeys(twice, hour, 1100 + hour), hour)).toBeUndefined();
  });

  it('hands oidc-provider plain JWKs, without the lifecycle fields', async () => {
    const key = { ...(await generateSigningKey()), retiredAt: 5 };
    expect(privateJwk(key)).not.toHaveProperty('retiredAt');
    expect(privateJwk(key)).not.toHaveProperty('createdAt');
    expect(privateJwk(key)).toMatchObject({ kid: key.kid, d: key.d });
  });

  it('makes one key file when several instances start on one data directory at once', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'understudy-keys-'));
    const all = await Promise.all(Array.from({ length: 4 }, () => loadOrCreateKeys(dataDir)));
    const kids = new Set(all.map((material) => material.signingKeys[0]?.kid));
    const secrets = new Set(all.map((material) => material.cookieSecrets[0]));
    expect(kids.size).toBe(1);
    expect(secrets.size).toBe(1);
  });
});
