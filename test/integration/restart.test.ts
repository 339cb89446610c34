/**
 * Keys persist in the data directory, so what was issued before a restart still verifies:
 * access tokens against /v1/keys, and the ID token as id_token_hint at logout.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as client from 'openid-client';
import { describe, expect, it } from 'vitest';
import { Browser, userPicker } from '../helpers/browser.js';
import { seededClient, seededUser, startTestProvider } from '../helpers/provider.js';

describe('restarting with the same data directory', () => {
  it('accepts tokens and id_token_hint issued before the restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'understudy-restart-'));
    const first = await startTestProvider({ dataDir });
    const web = seededClient(first.seed, 'web');
    const redirectUri = web.redirect_uris[0] ?? '';
    const config = await client.discovery(
      new URL(first.issuer),
      web.client_id,
      undefined,
      client.ClientSecretBasic(web.client_secret ?? ''),
      { execute: [client.allowInsecureRequests] },
    );
    const verifier = client.randomPKCECodeVerifier();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: 'openid',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    const browser = new Browser();
    const login = await browser.open(url.href, redirectUri);
    const picker = userPicker(login);
    const callback = await browser.submit(
      picker,
      { user_id: seededUser(first.seed, 'grace').id },
      redirectUri,
    );
    const tokens = await client.authorizationCodeGrant(config, new URL(callback.url), {
      pkceCodeVerifier: verifier,
    });
    await first.stop();

    const second = await startTestProvider({ dataDir, port: Number(new URL(first.url).port) });
    try {
      expect(second.issuer).toBe(first.issuer);
      const jwks = createRemoteJWKSet(new URL(`${second.issuer}/v1/keys`));
      await jwtVerify(tokens.access_token, jwks, {
        issuer: second.issuer,
        audience: 'api://default',
      });

      const logout = new URL(`${second.issuer}/v1/logout`);
      logout.searchParams.set('id_token_hint', tokens.id_token ?? '');
      logout.searchParams.set('post_logout_redirect_uri', web.post_logout_redirect_uris[0] ?? '');
      const landed = await new Browser().open(logout.href, web.post_logout_redirect_uris[0]);
      expect(landed.status).toBe(303);
      expect(landed.url).toBe(web.post_logout_redirect_uris[0]);
    } finally {
      await second.stop();
    }
  });
});
