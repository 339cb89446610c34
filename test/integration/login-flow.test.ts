/**
 * The whole Authorization Code + PKCE journey with openid-client 6 as the relying party, over
 * real HTTP: discovery, authorize, the login page, callback, tokens, userinfo, refresh,
 * introspection, revocation and logout.
 */
import { decodeProtectedHeader } from 'jose';
import * as client from 'openid-client';
import { beforeAll, describe, expect, it } from 'vitest';
import { Browser, userPicker } from '../helpers/browser.js';
import { verifyJwt } from '../helpers/jwks.js';
import { seededClient, seededUser, useTestProvider } from '../helpers/provider.js';
import { discoverFor } from '../helpers/relying-party.js';

const provider = useTestProvider();
let config: client.Configuration;
const browser = new Browser();

beforeAll(async () => {
  const web = seededClient(provider.seed, 'web');
  config = await discoverFor(provider.issuer, web);
});

describe('Authorization Code + PKCE with openid-client', () => {
  const state = { tokens: undefined as client.TokenEndpointResponse | undefined, idToken: '' };

  it('logs a seeded user in through the picker and returns Okta-shaped tokens', async () => {
    const web = seededClient(provider.seed, 'web');
    const carol = seededUser(provider.seed, 'carol.lee');
    const redirectUri = web.redirect_uris[0] ?? '';
    const verifier = client.randomPKCECodeVerifier();
    const expectedState = client.randomState();
    const expectedNonce = client.randomNonce();
    const authorizeUrl = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: 'openid profile email groups offline_access',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state: expectedState,
      nonce: expectedNonce,
    });
    expect(authorizeUrl.pathname).toBe('/oauth2/default/v1/authorize');

    const login = await browser.open(authorizeUrl.href);
    expect(login.status).toBe(200);
    expect(login.body).toContain('Sign in');
    const picker = userPicker(login);
    expect(picker?.buttons.map((b) => b.value)).toContain(carol.id);

    const callback = await browser.submit(picker, { user_id: carol.id }, redirectUri);
    expect(callback.url.startsWith(redirectUri)).toBe(true);

    const tokens = await client.authorizationCodeGrant(config, new URL(callback.url), {
      pkceCodeVerifier: verifier,
      expectedState,
      expectedNonce,
      idTokenExpected: true,
    });
    state.tokens = tokens;
    state.idToken = tokens.id_token ?? '';
    expect(tokens.token_type.toLowerCase()).toBe('bearer');
    expect(tokens.expires_in).toBe(3600);
    expect(tokens.refresh_token).toBeTruthy();

    const idToken = await verifyJwt(tokens.id_token ?? '', provider.issuer, web.client_id);
    expect(idToken.protectedHeader.alg).toBe('RS256');
    expect(idToken.protectedHeader.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(idToken.protectedHeader.typ).toBeUndefined();
    expect(idToken.payload).toMatchObject({
      sub: carol.id,
      ver: 1,
      idp: provider.seed.org.id,
      amr: ['pwd'],
      nonce: expectedNonce,
      name: 'Carol Lee',
      preferred_username: carol.login,
      email: carol.email,
      groups: ['Everyone', 'finance'],
    });
    expect(typeof idToken.payload.auth_time).toBe('number');
    expect((idToken.payload.exp ?? 0) - (idToken.payload.iat ?? 0)).toBe(3600);
    // Okta's code-flow ID token is thin: the rest of the profile is at userinfo.
    expect(idToken.payload).not.toHaveProperty('given_name');

    const accessToken = await verifyJwt(tokens.access_token, provider.issuer, 'api://default');
    expect(decodeProtectedHeader(tokens.access_token)).not.toHaveProperty('typ');
    expect(accessToken.payload).toMatchObject({
      ver: 1,
      cid: web.client_id,
      uid: carol.id,
      sub: carol.login,
      groups: ['Everyone', 'finance'],
    });
    expect(accessToken.payload.scp).toEqual(
      expect.arrayContaining(['openid', 'profile', 'email', 'groups', 'offline_access']),
    );
    expect(typeof accessToken.payload.jti).toBe('string');
    expect(accessToken.payload).not.toHaveProperty('nbf');
    expect(accessToken.payload).not.toHaveProperty('scope');
    expect(accessToken.payload).not.toHaveProperty('client_id');
    expect((accessToken.payload.exp ?? 0) - (accessToken.payload.iat ?? 0)).toBe(3600);
  });

  it('answers userinfo for the JWT access token with the scoped profile', async () => {
    const carol = seededUser(provider.seed, 'carol.lee');
    const userinfo = await client.fetchUserInfo(config, state.tokens?.access_token ?? '', carol.id);
    expect(userinfo).toMatchObject({
      sub: carol.id,
      name: 'Carol Lee',
      given_name: 'Carol',
      family_name: 'Lee',
      preferred_username: carol.login,
      email: carol.email,
      email_verified: true,
      groups: ['Everyone', 'finance'],
    });
  });

  it('refreshes the access token with the refresh token', async () => {
    const refreshed = await client.refreshTokenGrant(config, state.tokens?.refresh_token ?? '');
    expect(refreshed.access_token).toBeTruthy();
    expect(refreshed.access_token).not.toBe(state.tokens?.access_token);
    const claims = refreshed.claims();
    expect(claims?.sub).toBe(seededUser(provider.seed, 'carol.lee').id);
  });

  it("introspects the JWT access token in Okta's shape, then revokes it", async () => {
    const carol = seededUser(provider.seed, 'carol.lee');
    const web = seededClient(provider.seed, 'web');
    const token = state.tokens?.access_token ?? '';
    const active = await client.tokenIntrospection(config, token);
    expect(active).toMatchObject({
      active: true,
      token_type: 'Bearer',
      client_id: web.client_id,
      username: carol.login,
      sub: carol.login,
      uid: carol.id,
      iss: provider.issuer,
      aud: 'api://default',
    });
    expect(String(active.scope).split(' ')).toContain('offline_access');

    await client.tokenRevocation(config, token);
    const revoked = await client.tokenIntrospection(config, token);
    expect(revoked).toEqual({ active: false });
    await expect(client.fetchUserInfo(config, token, carol.id)).rejects.toBeInstanceOf(
      client.WWWAuthenticateChallengeError,
    );
  });

  it('introspects and revokes the opaque refresh token through the provider', async () => {
    const refreshToken = state.tokens?.refresh_token ?? '';
    const active = await client.tokenIntrospection(config, refreshToken);
    expect(active.active).toBe(true);
    await client.tokenRevocation(config, refreshToken);
    expect((await client.tokenIntrospection(config, refreshToken)).active).toBe(false);
    await expect(client.refreshTokenGrant(config, refreshToken)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('asks before ending the session when no client is named (a bare link or <img>)', async () => {
    const bare = await browser.open(`${provider.issuer}/v1/logout`);
    expect(bare.status).toBe(200);
    expect(bare.body).toContain('Sign out of Understudy?');
    expect(bare.body).toContain('name="xsrf"');
    // Still signed in: the next authorization request goes straight back with a code.
    const web = seededClient(provider.seed, 'web');
    const again = client.buildAuthorizationUrl(config, {
      redirect_uri: web.redirect_uris[0] ?? '',
      scope: 'openid',
      code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
    });
    const landed = await browser.open(again.href, web.redirect_uris[0]);
    expect(new URL(landed.url).searchParams.get('code')).toBeTruthy();
  });

  it('logs out at /v1/logout straight to the registered post_logout_redirect_uri', async () => {
    const web = seededClient(provider.seed, 'web');
    const target = web.post_logout_redirect_uris[0] ?? '';
    const logoutUrl = client.buildEndSessionUrl(config, {
      id_token_hint: state.idToken,
      post_logout_redirect_uri: target,
      state: 'bye',
    });
    expect(logoutUrl.pathname).toBe('/oauth2/default/v1/logout');
    const landed = await browser.open(logoutUrl.href, target);
    expect(landed.status).toBe(303);
    expect(landed.url).toBe(`${target}?state=bye`);

    // The provider session is gone: the next authorization request shows the login page again.
    const again = client.buildAuthorizationUrl(config, {
      redirect_uri: web.redirect_uris[0] ?? '',
      scope: 'openid',
      code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
      state: client.randomState(),
    });
    const page = await browser.open(again.href, web.redirect_uris[0]);
    expect(page.status).toBe(200);
    expect(page.body).toContain('Pick a seeded user');
  });

  it('logs out with client_id alone (no id_token_hint), as openid-client may send', async () => {
    const web = seededClient(provider.seed, 'web');
    const target = web.post_logout_redirect_uris[0] ?? '';
    const url = new URL(`${provider.issuer}/v1/logout`);
    url.searchParams.set('client_id', web.client_id);
    url.searchParams.set('post_logout_redirect_uri', target);
    const landed = await browser.open(url.href, target);
    expect(landed.status).toBe(303);
    expect(landed.url).toBe(target);
  });

  it('refuses a post_logout_redirect_uri that is not registered', async () => {
    const web = seededClient(provider.seed, 'web');
    const url = new URL(`${provider.issuer}/v1/logout`);
    url.searchParams.set('client_id', web.client_id);
    url.searchParams.set('post_logout_redirect_uri', 'http://evil.example/');
    const page = await browser.open(url.href);
    expect(page.status).toBe(400);
    expect(page.headers.get('location')).toBeNull();
    expect(page.body).toContain('post_logout_redirect_uri not registered');
  });
});
