/**
 * Key rotation as Okta does it, seen by a real verifier: @okta/jwt-verifier, with its JWKS
 * cache, verifies tokens signed before and after `understudy keys rotate` (run as a command
 * beside the running server), through two rotations within the hour; and a retired key goes
 * once its tokens have expired.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OktaJwtVerifier from '@okta/jwt-verifier';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { seededClient, seededUser, useTestProvider } from '../helpers/provider.js';

describe('signing key rotation', () => {
  let dataDir: string;
  const provider = useTestProvider(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'understudy-rotation-'));
    // HTTPS: @okta/jwt-verifier refuses an http issuer; the run's CA is trusted (global setup).
    return { https: true, dataDir, control: true };
  });

  const kids = async () =>
    (
      (await (await fetch(`${provider.issuer}/v1/keys`)).json()) as { keys: { kid: string }[] }
    ).keys.map((key) => key.kid);
  const accessToken = async () => {
    const { tokens } = await provider.login({
      user: seededUser(provider.seed, 'carol').id,
      client: seededClient(provider.seed, 'web').client_id,
    });
    return tokens.access_token;
  };
  const rotate = async () => {
    const before = await kids();
    const result = await runCli(['keys', 'rotate', '--data-dir', dataDir]);
    expect(result.code, result.stderr).toBe(0);
    // The running server notices the key file within about a second.
    await expect.poll(kids, { timeout: 5_000, interval: 100 }).toHaveLength(before.length + 1);
    return kids();
  };

  it('verifies tokens from before and after two rotations with a cached JWKS', async () => {
    const verifier = new OktaJwtVerifier({ issuer: provider.issuer, cacheMaxAge: 60 * 60 * 1000 });
    const first = await accessToken();
    expect((await verifier.verifyAccessToken(first, 'api://default')).claims.sub).toBe(
      seededUser(provider.seed, 'carol').login,
    );

    const afterOne = await rotate();
    const second = await accessToken();
    const secondKid = JSON.parse(
      Buffer.from(second.split('.')[0] ?? '', 'base64url').toString(),
    ).kid;
    expect(secondKid).toBe(afterOne[0]);
    await verifier.verifyAccessToken(second, 'api://default');
    await verifier.verifyAccessToken(first, 'api://default');

    // A second rotation within the hour keeps both retired keys published.
    const afterTwo = await rotate();
    expect(afterTwo).toHaveLength(3);
    const third = await accessToken();
    for (const token of [first, second, third])
      await verifier.verifyAccessToken(token, 'api://default');

    const listed = await runCli(['keys', 'list', '--data-dir', dataDir]);
    expect(listed.stdout).toMatch(new RegExp(`${afterTwo[0]}\\s+signing`));
    expect(listed.stdout.match(/retired, published until/g)).toHaveLength(2);
  });

  it('drops a retired key once every token it signed has expired', async () => {
    const before = await kids();
    expect(before.length).toBeGreaterThanOrEqual(3);
    try {
      // An hour and a bit later (the provider's clock), the next rotation leaves only the
      // new key and the one it retires.
      provider.control?.shiftClock(3700);
      const { kid } = (await provider.control?.rotateKeys()) ?? { kid: '' };
      expect(await kids()).toEqual([kid, before[0]]);
    } finally {
      provider.control?.shiftClock(0);
    }
  });
});
