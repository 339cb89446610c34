/**
 * oidc-provider computes its discovery document and only lets configuration add fields, so the
 * Okta-shaped values are applied to the response on its way out.
 */
import type { Middleware } from 'koa';
import { postMessageMode } from './post-message-mode.js';

// What the seed can register and the provider checks; Okta also offers client_secret_jwt.
// A private_key_jwt client (a service app) authenticates at the token endpoint only here.
const clientAuthMethods = ['client_secret_basic', 'client_secret_post', 'none'];
const tokenAuthMethods = ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'];

const idTokenClaims = [
  'iss',
  'ver',
  'sub',
  'aud',
  'iat',
  'exp',
  'jti',
  'auth_time',
  'amr',
  'idp',
  'nonce',
  'name',
  'nickname',
  'preferred_username',
  'given_name',
  'middle_name',
  'family_name',
  'email',
  'email_verified',
  'profile',
  'zoneinfo',
  'locale',
  'address',
  'phone_number',
  'picture',
  'website',
  'gender',
  'birthdate',
  'updated_at',
  'at_hash',
  'c_hash',
];

const accessTokenClaims = ['ver', 'jti', 'iss', 'aud', 'iat', 'exp', 'cid', 'uid', 'scp', 'sub'];

/** Reshapes the provider's discovery answer: `openid` for OIDC, `oauth` for RFC 8414. */
export function oktaDiscovery(document: 'openid' | 'oauth'): Middleware {
  const isOpenid = document === 'openid';
  return async (ctx, next) => {
    await next();
    if (ctx.status !== 200) return;
    const body = ctx.body as Record<string, unknown>;
    const shaped: Record<string, unknown> = {
      ...body,
      response_modes_supported: ['query', 'fragment', 'form_post', postMessageMode],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      token_endpoint_auth_methods_supported: tokenAuthMethods,
      introspection_endpoint_auth_methods_supported: clientAuthMethods,
      revocation_endpoint_auth_methods_supported: clientAuthMethods,
      claims_supported: isOpenid
        ? [...new Set([...idTokenClaims, ...((body.claims_supported as string[]) ?? [])])]
        : accessTokenClaims,
      code_challenge_methods_supported: ['S256'],
    };
    if (!isOpenid) delete shaped.userinfo_endpoint;
    ctx.body = shaped;
  };
}
