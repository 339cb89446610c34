/**
 * Revocation that holds: a replayed code or a revoked refresh token revokes everything its
 * grant issued, JWT access tokens included, and a revoked JWT stays revoked across a restart
 * of the compiled CLI; userinfo after the restart answers what it answered before.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SeedClient } from '../../seed/schema.js';
import { loadSeed } from '../../seed/load.js';
import { Browser } from '../helpers/browser.js';
import { startCli } from '../helpers/cli.js';
import { basicAuth } from '../helpers/introspect.js';
import { seededClient, seededUser, useTestProvider } from '../helpers/provider.js';
import {
  buildAuthorization,
  discoverFor,
  redeemCallback,
  signInWithPicker,
} from '../helpers/relying-party.js';

function endpoints(issuer: string, web: SeedClient) {
  const form = (path: string, fields: Record<string, string>) =>
    fetch(`${issuer}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
        authorization: basicAuth(web.client_id, web.client_secret),
      },
      body: new URLSearchParams(fields),
    });
  return {
    token: (fields: Record<string, string>) => form('/v1/token', fields),
    introspect: async (token: string) =>
      ((await (await form('/v1/introspect', { token })).json()) as { active: boolean }).active,
    revoke: (token: string) => form('/v1/revoke', { token }),
    userinfo: (token: string) =>
      fetch(`${issuer}/v1/userinfo`, { headers: { authorization: `Bearer ${token}` } }),
  };
}

async function codeFor(issuer: string, web: SeedClient, userId: string, scope: string) {
  const config = await discoverFor(issuer, web);
  const start = await buildAuthorization(config, web.redirect_uris[0] ?? '', { scope });
  const callback = await signInWithPicker(new Browser(), start, userId);
  return {
    code: new URL(callback.url).searchParams.get('code') ?? '',
    start,
    callback: new URL(callback.url),
  };
}

describe('revocation', () => {
  const provider = useTestProvider();
  let web: SeedClient;
  let api: ReturnType<typeof endpoints>;
  beforeAll(() => {
    web = seededClient(provider.seed, 'web');
    api = endpoints(provider.issuer, web);
  });

  it('a replayed code revokes the JWT access token and the refresh token it produced', async () => {
    const { code, start } = await codeFor(
      provider.issuer,
      web,
      seededUser(provider.seed, 'alice').id,
      'openid profile offline_access',
    );
    const redeem = () =>
      api.token({
        grant_type: 'authorization_code',
        code,
        redirect_uri: start.redirectUri,
        code_verifier: start.verifier,
      });
    const first = (await (await redeem()).json()) as {
      access_token: string;
      refresh_token: string;
    };
    expect(await api.introspect(first.access_token)).toBe(true);
    expect((await api.userinfo(first.access_token)).status).toBe(200);

    const replay = await redeem();
    expect(replay.status).toBe(400);
    expect(await api.introspect(first.access_token)).toBe(false);
    expect(await api.introspect(first.refresh_token)).toBe(false);
    const userinfo = await api.userinfo(first.access_token);
    expect(userinfo.status).toBe(401);
    expect(userinfo.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('revoking a refresh token revokes the access tokens of its grant, as on Okta', async () => {
    const { code, start } = await codeFor(
      provider.issuer,
      web,
      seededUser(provider.seed, 'frank').id,
      'openid offline_access',
    );
    const tokens = (await (
      await api.token({
        grant_type: 'authorization_code',
        code,
        redirect_uri: start.redirectUri,
        code_verifier: start.verifier,
      })
    ).json()) as { access_token: string; refresh_token: string };
    const refreshed = (await (
      await api.token({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token })
    ).json()) as { access_token: string };
    expect(await api.introspect(refreshed.access_token)).toBe(true);

    expect((await api.revoke(tokens.refresh_token)).status).toBe(200);
    expect(await api.introspect(tokens.access_token)).toBe(false);
    expect(await api.introspect(refreshed.access_token)).toBe(false);
  });
});

describe('revocation across a restart of the CLI', () => {
  it('keeps a revoked JWT revoked, and userinfo answers the same claims', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'understudy-revocation-'));
    const first = await startCli(['--port', '0', '--data-dir', dataDir]);
    const seed = await loadSeed();
    const web = seededClient(seed, 'web');
    const grace = seededUser(seed, 'grace');
    let revoked: string;
    let kept: string;
    let claimsBefore: unknown;
    try {
      const config = await discoverFor(first.issuer, web);
      const signIn = async () => {
        const { start, callback } = await codeFor(
          first.issuer,
          web,
          grace.id,
          'openid profile email',
        );
        return redeemCallback(config, start, callback);
      };
      revoked = (await signIn()).access_token;
      kept = (await signIn()).access_token;
      const api = endpoints(first.issuer, web);
      expect((await api.revoke(revoked)).status).toBe(200);
      expect(await api.introspect(revoked)).toBe(false);
      claimsBefore = await (await api.userinfo(kept)).json();
      expect(claimsBefore).toMatchObject({
        sub: grace.id,
        email: grace.email,
        name: expect.any(String),
      });
    } finally {
      await first.stop();
    }

    const port = new URL(first.issuer).port;
    const second = await startCli(['--port', port, '--data-dir', dataDir]);
    try {
      expect(second.issuer).toBe(first.issuer);
      const api = endpoints(second.issuer, web);
      expect(await api.introspect(revoked)).toBe(false);
      expect((await api.userinfo(revoked)).status).toBe(401);
      expect(await api.introspect(kept)).toBe(true);
      const claimsAfter = (await (await api.userinfo(kept)).json()) as Record<string, unknown>;
      expect(claimsAfter).toEqual(claimsBefore);
    } finally {
      await second.stop();
    }
  });
});
