/**
 * oidc-provider computes its discovery document and only lets configuration add fields, so the
 * Okta-shaped values are applied to the response on its way out.
 */
import type { Middleware } from 'koa';

const clientAuthMethods = [
  'client_secret_basic',
  'client_secret_post',
  'client_secret_jwt',
  'private_key_jwt',
  'none',
];

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

export function oktaDiscovery(mountPath: string): Middleware {
  const openidPath = `${mountPath}/.well-known/openid-configuration`;
  const oauthPath = `${mountPath}/.well-known/oauth-authorization-server`;
  return async (ctx, next) => {
    await next();
    const isOpenid = ctx.path === openidPath;
    if ((!isOpenid && ctx.path !== oauthPath) || ctx.status !== 200) return;
    const body = ctx.body as Record<string, unknown>;
    const document: Record<string, unknown> = {
      ...body,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      token_endpoint_auth_methods_supported: clientAuthMethods,
      introspection_endpoint_auth_methods_supported: clientAuthMethods,
      revocation_endpoint_auth_methods_supported: clientAuthMethods,
      claims_supported: isOpenid
        ? [...new Set([...idTokenClaims, ...((body.claims_supported as string[]) ?? [])])]
        : accessTokenClaims,
      code_challenge_methods_supported: ['S256'],
    };
    if (!isOpenid) delete document.userinfo_endpoint;
    ctx.body = document;
  };
}
