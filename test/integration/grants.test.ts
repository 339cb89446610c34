/**
 * The other ways in: a third-party client's consent page, client_credentials for services,
 * a public client's PKCE, and the Okta paths for device authorization and PAR.
 */
import * as client from 'openid-client';
import { describe, expect, it } from 'vitest';
import type { SeedClient } from '../../seed/schema.js';
import { Browser, formPostingTo } from '../helpers/browser.js';
import { verifyJwt } from '../helpers/jwks.js';
import {
  seededClient,
  seededUser,
  seedWithClients,
  startTestProvider,
  tvAppClient,
  useTestProvider,
} from '../helpers/provider.js';
import {
  buildAuthorization,
  discoverFor,
  redeemCallback,
  signInAndRedeem,
  signInWithPicker,
} from '../helpers/relying-party.js';

const provider = useTestProvider();

const discover = (seedClient: SeedClient) => discoverFor(provider.issuer, seedClient);

describe('consent', () => {
  it('shows a real consent page to a client marked as needing consent', async () => {
    const partner = seededClient(provider.seed, 'partner');
    const config = await discover(partner);
    const redirectUri = partner.redirect_uris[0] ?? '';
    const start = await buildAuthorization(config, redirectUri, { scope: 'openid email' });
    const browser = new Browser();
    const consent = await signInWithPicker(browser, start, seededUser(provider.seed, 'hannah').id);
    expect(consent.status).toBe(200);
    expect(consent.body).toContain('Allow access?');
    expect(consent.body).toContain('Partner Reports (third party)');
    expect(consent.body).toContain('<code>email</code>');

    const allow = formPostingTo(consent, '/confirm');
    const callback = await browser.submit(allow, {}, redirectUri);
    expect(new URL(callback.url).searchParams.get('code')).toBeTruthy();
  });

  it('remembers consent: offline_access asks once, and a refresh token comes every time', async () => {
    const partner = seededClient(provider.seed, 'partner');
    const config = await discover(partner);
    const redirectUri = partner.redirect_uris[0] ?? '';
    const browser = new Browser();
    const user = seededUser(provider.seed, 'grace').id;
    const first = await buildAuthorization(config, redirectUri, { scope: 'openid offline_access' });
    const consent = await signInWithPicker(browser, first, user);
    expect(consent.body).toContain('Allow access?');
    const firstCallback = await browser.submit(formPostingTo(consent, '/confirm'), {}, redirectUri);
    const firstTokens = await redeemCallback(config, first, firstCallback.url);
    expect(firstTokens.refresh_token).toBeTruthy();

    const second = await buildAuthorization(config, redirectUri, {
      scope: 'openid offline_access',
    });
    const secondCallback = await browser.open(second.url.href, redirectUri);
    expect(secondCallback.url.startsWith(redirectUri)).toBe(true);
    const secondTokens = await redeemCallback(config, second, secondCallback.url);
    expect(secondTokens.refresh_token).toBeTruthy();
  });

  it('skips consent for first-party clients', async () => {
    const web = seededClient(provider.seed, 'web');
    const config = await discover(web);
    const start = await buildAuthorization(config, web.redirect_uris[0] ?? '', {
      scope: 'openid email offline_access',
    });
    const callback = await signInWithPicker(
      new Browser(),
      start,
      seededUser(provider.seed, 'sarah').id,
    );
    expect(callback.status).toBe(303);
    expect(new URL(callback.url).searchParams.get('code')).toBeTruthy();
  });
});

describe('client_credentials', () => {
  it('issues an Okta-shaped JWT for the service client', async () => {
    const service = seededClient(provider.seed, 'service');
    const config = await discover(service);
    const tokens = await client.clientCredentialsGrant(config, { scope: 'expenses:read' });
    const { payload, protectedHeader } = await verifyJwt(
      tokens.access_token,
      provider.issuer,
      'api://default',
    );
    expect(protectedHeader.typ).toBeUndefined();
    expect(payload).toMatchObject({ ver: 1, cid: service.client_id, sub: service.client_id });
    expect(payload.scp).toEqual(['expenses:read']);
    expect(payload).not.toHaveProperty('uid');
  });

  it('rejects a wrong client secret', async () => {
    const service = seededClient(provider.seed, 'service');
    const config = await discover({ ...service, client_secret: 'wrong-secret-value' });
    const failure = await client.clientCredentialsGrant(config, {}).catch((error) => error);
    expect(failure).toBeInstanceOf(client.WWWAuthenticateChallengeError);
    expect(failure.status).toBe(401);
    expect(failure.cause[0].parameters.error).toBe('invalid_client');
  });
});

describe('public clients', () => {
  it('requires PKCE of the SPA, and lets it exchange the code with no secret', async () => {
    const spa = seededClient(provider.seed, 'spa');
    const config = await discover(spa);
    const redirectUri = spa.redirect_uris[0] ?? '';

    const noPkce = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: 'openid',
    });
    const refused = await new Browser().open(noPkce.href, redirectUri);
    expect(new URL(refused.url).searchParams.get('error')).toBe('invalid_request');

    const tokens = await signInAndRedeem(
      config,
      redirectUri,
      seededUser(provider.seed, 'alice').id,
    );
    expect(tokens.access_token).toBeTruthy();
  });

  it('answers CORS for the SPA origin at userinfo and revoke with its JWT access token', async () => {
    const spa = seededClient(provider.seed, 'spa');
    const config = await discover(spa);
    const tokens = await signInAndRedeem(
      config,
      spa.redirect_uris[0] ?? '',
      seededUser(provider.seed, 'alice').id,
    );
    const userinfo = (origin: string) =>
      fetch(`${provider.issuer}/v1/userinfo`, {
        headers: { authorization: `Bearer ${tokens.access_token}`, origin },
      });
    const allowed = await userinfo('http://localhost:3000');
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
    const foreign = await userinfo('http://evil.example');
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();

    const revoke = await fetch(`${provider.issuer}/v1/revoke`, {
      method: 'POST',
      headers: {
        origin: 'http://localhost:3000',
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ client_id: spa.client_id, token: tokens.access_token }),
    });
    expect(revoke.status).toBe(200);
    expect(revoke.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
  });

  it('answers CORS for the SPA origin at the token endpoint', async () => {
    const spa = seededClient(provider.seed, 'spa');
    const response = await fetch(`${provider.issuer}/v1/token`, {
      method: 'POST',
      headers: {
        origin: 'http://localhost:3000',
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: spa.client_id,
        code: 'nope',
        code_verifier: client.randomPKCECodeVerifier(),
        redirect_uri: spa.redirect_uris[0] ?? '',
      }),
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
  });
});

describe('Okta endpoint paths', () => {
  it("serves device authorization at /v1/device/authorize in Okta's shape", async () => {
    const withDevice = await startTestProvider({ seed: await seedWithClients([tvAppClient]) });
    try {
      const response = await fetch(`${withDevice.issuer}/v1/device/authorize`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ client_id: 'tv-app', scope: 'openid profile' }),
      });
      expect(response.status).toBe(200);
      const body = (await response.json()) as Record<string, unknown>;
      expect(body).toMatchObject({ expires_in: 600 });
      expect(body.user_code).toMatch(/^[A-Z]{8}$/);
      expect(typeof body.device_code).toBe('string');
      expect(String(body.verification_uri)).toContain('/oauth2/default/v1/device/verify');
    } finally {
      await withDevice.stop();
    }
  });

  it('accepts pushed authorization requests at /v1/par', async () => {
    const web = seededClient(provider.seed, 'web');
    const config = await discover(web);
    const url = await client.buildAuthorizationUrlWithPAR(config, {
      redirect_uri: web.redirect_uris[0] ?? '',
      scope: 'openid',
      code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
    });
    expect(url.pathname).toBe('/oauth2/default/v1/authorize');
    expect(url.searchParams.get('request_uri')).toMatch(/^urn:ietf:params:oauth:request_uri:/);
  });

  it("answers 404 with Okta's error shape under an unknown authorization server", async () => {
    const origin = new URL(provider.issuer).origin;
    const response = await fetch(`${origin}/oauth2/unknown/.well-known/openid-configuration`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ errorCode: 'E0000007' });
  });
});
