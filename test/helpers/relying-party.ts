/**
 * openid-client 6 as a relying party of a test provider: discovery for a seeded client, and a
 * sign-in through the real login page that stops at the redirect back to the client.
 */
import * as client from 'openid-client';
import type { SeedClient } from '../../seed/schema.js';
import { Browser, type Page, passwordForm, userPicker } from './browser.js';

export function discoverFor(issuer: string, seedClient: SeedClient): Promise<client.Configuration> {
  const auth = seedClient.client_secret
    ? client.ClientSecretBasic(seedClient.client_secret)
    : client.None();
  return client.discovery(new URL(issuer), seedClient.client_id, undefined, auth, {
    execute: [client.allowInsecureRequests],
  });
}

export interface AuthorizationStart {
  url: URL;
  redirectUri: string;
  verifier: string;
  state: string;
  nonce: string;
}

/** A fresh authorization request with PKCE (S256), state and nonce. */
export async function buildAuthorization(
  config: client.Configuration,
  redirectUri: string,
  params: Record<string, string> = {},
): Promise<AuthorizationStart> {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: 'openid profile email',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...params,
  });
  return { url, redirectUri, verifier, state, nonce };
}

/**
 * An authorization request built by hand, for what a relying party would not send or for a
 * code nobody redeems: response_type=code and RFC 7636's example S256 challenge, then `params`.
 */
export function buildAuthorizeUrl(issuer: string, params: Record<string, string>): URL {
  const url = new URL(`${issuer}/v1/authorize`);
  url.search = new URLSearchParams({
    response_type: 'code',
    code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    code_challenge_method: 'S256',
    ...params,
  }).toString();
  return url;
}

/** The token request for the redirect back: its code, checked against `start`'s PKCE, state and nonce. */
export function redeemCallback(
  config: client.Configuration,
  start: AuthorizationStart,
  callback: string | URL,
) {
  return client.authorizationCodeGrant(config, new URL(callback), {
    pkceCodeVerifier: start.verifier,
    expectedState: start.state,
    expectedNonce: start.nonce,
  });
}

/** Opens the authorization URL, picks `userId` on the login page, and returns the callback. */
export async function signInWithPicker(
  browser: Browser,
  start: AuthorizationStart,
  userId: string,
): Promise<Page> {
  const login = await browser.open(start.url.href, start.redirectUri);
  return browser.submit(userPicker(login), { user_id: userId }, start.redirectUri);
}

/** The whole code flow for one user: tokens as openid-client returns them. */
export async function signInAndRedeem(
  config: client.Configuration,
  redirectUri: string,
  userId: string,
  params: Record<string, string> = {},
) {
  const start = await buildAuthorization(config, redirectUri, params);
  const callback = await signInWithPicker(new Browser(), start, userId);
  return redeemCallback(config, start, callback.url);
}

/** The whole code flow with the login page's password form: tokens as openid-client returns them. */
export async function signInWithPassword(
  config: client.Configuration,
  redirectUri: string,
  credentials: { username: string; password: string },
  params: Record<string, string> = {},
) {
  const start = await buildAuthorization(config, redirectUri, params);
  const browser = new Browser();
  const login = await browser.open(start.url.href, start.redirectUri);
  const callback = await browser.submit(
    passwordForm(login),
    { identifier: credentials.username, 'credentials.passcode': credentials.password },
    start.redirectUri,
  );
  return redeemCallback(config, start, callback.url);
}
