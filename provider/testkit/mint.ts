/**
 * Signs Okta-shaped tokens with the provider's own key, so any verifier that trusts the
 * issuer's /v1/keys accepts them. Negative tests get what they ask for: an expired token, a
 * wrong audience, missing scopes.
 */
import { randomBytes } from 'node:crypto';
import { importJWK, SignJWT } from 'jose';
import type { Seed } from '../../seed/schema.js';
import { claimsByScope, createAccountStore } from '../oidc/accounts.js';
import type { KeyMaterial } from '../oidc/keys.js';
import {
  accessTokenUserClaims,
  claimsByScopeFor,
  groupsClaim,
  identityClaims,
  idTokenUserClaims,
  releasedClaims,
} from '../okta/index.js';
import { findClient, seededUser } from './headless-login.js';

/** Claims the provider's configuration puts under `openid`, so in every ID token. */
const alwaysInIdToken = new Set(['sub', 'ver', 'idp']);

interface MintCommon {
  /** A seeded client id; defaults to the first seeded client. */
  client?: string;
  /** Seconds until expiry; 0 or negative gives a token that has already expired. Default 3600. */
  expiresIn?: number;
  /** Added last, so they can also override the standard claims. */
  claims?: Record<string, unknown>;
  /** Which authorization server's issuer to use; defaults to the first. */
  authorizationServer?: string;
}

export interface MintAccessTokenOptions extends MintCommon {
  /** A seeded user's id or login; leave out for a client-credentials token. */
  user?: string;
  /** Defaults to ["openid", "profile", "email"] for a user, [] for a client. */
  scopes?: string[];
  /** Defaults to the authorization server's audience (api://default). */
  audience?: string;
}

export interface MintIdTokenOptions extends MintCommon {
  /** A seeded user's id or login. */
  user: string;
  /** The granted scopes, which decide the profile claims and groups; default openid profile email. */
  scopes?: string[];
  nonce?: string;
  /** Defaults to the client id. */
  audience?: string;
}

export interface MintContext {
  seed: Seed;
  keys: KeyMaterial;
  issuers: ReadonlyMap<string, string>;
}

export async function mintAccessToken(context: MintContext, options: MintAccessTokenOptions = {}) {
  const { server, issuer } = serverFor(context, options.authorizationServer);
  const client = findClient(context.seed, options.client);
  const user = options.user ? seededUser(context.seed, options.user) : undefined;
  const scopes = options.scopes ?? (user ? ['openid', 'profile', 'email'] : []);
  return sign(context, options.expiresIn, {
    ver: 1,
    jti: `AT.${randomBytes(32).toString('base64url')}`,
    iss: issuer,
    aud: options.audience ?? server.audience,
    cid: client.client_id,
    ...(user
      ? { scp: scopes, ...accessTokenUserClaims(groupsClaim(server), user) }
      : { sub: client.client_id, scp: scopes }),
    ...options.claims,
  });
}

export async function mintIdToken(context: MintContext, options: MintIdTokenOptions) {
  const { seed } = context;
  const { server, issuer } = serverFor(context, options.authorizationServer);
  const client = findClient(seed, options.client);
  const user = seededUser(seed, options.user);
  const now = Math.floor(Date.now() / 1000);
  // What the provider's ID token in the code flow holds for these scopes.
  const groups = groupsClaim(server);
  const identity = identityClaims(groups, createAccountStore(seed, now).profileClaims(user), user);
  const released = releasedClaims(
    claimsByScopeFor(groups, claimsByScope),
    options.scopes ?? ['openid', 'profile', 'email'],
  );
  const userClaims = Object.entries(
    idTokenUserClaims(groups, identity, user, { fat: false, orgId: seed.org.id }),
  ).filter(([name]) => released.has(name) || alwaysInIdToken.has(name) || name in user.claims);
  return sign(context, options.expiresIn, {
    ver: 1,
    jti: `ID.${randomBytes(32).toString('base64url')}`,
    iss: issuer,
    aud: options.audience ?? client.client_id,
    amr: ['pwd'],
    auth_time: now,
    ...Object.fromEntries(userClaims),
    ...(options.nonce ? { nonce: options.nonce } : {}),
    ...options.claims,
  });
}

function serverFor({ seed, issuers }: MintContext, id?: string) {
  const server = id
    ? seed.authorizationServers.find((candidate) => candidate.id === id)
    : seed.authorizationServers[0];
  const issuer = server && issuers.get(server.id);
  if (!server || !issuer) throw new Error(`no authorization server "${id}"`);
  return { server, issuer };
}

async function sign({ keys }: MintContext, expiresIn = 3600, payload: Record<string, unknown>) {
  const [jwk] = keys.signingKeys;
  if (!jwk) throw new Error('no signing key');
  const now = Math.floor(Date.now() / 1000);
  const exp = now + expiresIn;
  // An already-expired token was also issued in the past, an hour before it expired.
  const iat = expiresIn > 0 ? now : exp - 3600;
  return new SignJWT({ ...payload })
    .setProtectedHeader({ kid: jwk.kid, alg: 'RS256' })
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(await importJWK(jwk, 'RS256'));
}
