/**
 * Okta accepts its own JWT access tokens at /v1/userinfo, /v1/introspect and /v1/revoke;
 * oidc-provider refuses structured tokens at all three. Requests carrying a JWS are answered
 * here with Okta's response shapes; everything else (opaque refresh tokens) goes on to the
 * provider.
 */
import { decodeJwt } from 'jose';
import type { Context, Middleware } from 'koa';
import type { SeedClient } from '../../../seed/schema.js';
import { originAllowed } from '../../http/client-origins.js';
import { allowOrigin } from '../../http/cors.js';
import { UnderstudyError } from '../../http/errors.js';
import { readFormBodyForProvider } from '../provider-patches/replayable-body.js';
import { requestOrigin } from '../../http/request-origin.js';
import { type AccountStore, claimsByScope } from '../../oidc/accounts.js';
import { accessTokenVerifier } from './access-token-verifier.js';
import { authenticateClient } from './client-auth.js';
import {
  claimsByScopeFor,
  type GroupsClaim,
  identityClaims,
  releasedClaims,
} from './token-claims.js';
import type { RevocationList } from '../../store/revoked-tokens.js';

export interface JwtAccessTokenOptions {
  issuer: string;
  audience: string;
  publicKeys: { keys: Record<string, unknown>[] };
  accounts: AccountStore;
  clients: ReadonlyMap<string, SeedClient>;
  revoked: RevocationList;
  /** The server's groups claim: at userinfo with the `groups` scope, as in its ID tokens. */
  groups: GroupsClaim;
}

const jwsPattern = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

export function jwtAccessTokenEndpoints(options: JwtAccessTokenOptions): {
  userinfo: Middleware;
  introspection: Middleware;
  revocation: Middleware;
} {
  const verify = accessTokenVerifier({ ...options, publicKeys: options.publicKeys.keys });
  const releasedBy = claimsByScopeFor(options.groups, claimsByScope);

  /** What the provider's CORS would do for these answers, which never reach it. */
  function allowClientOrigin(ctx: Context, client: SeedClient | undefined) {
    allowOrigin(ctx, {
      allows: (origin) => client !== undefined && originAllowed(client, origin),
      expose: 'WWW-Authenticate',
    });
  }

  /** The client of a token-carrying POST, authenticated as the provider would. */
  async function tokenRequest(ctx: Context) {
    const body = await readFormBodyForProvider(ctx);
    const token = body.get('token') ?? '';
    if (!jwsPattern.test(token)) return undefined;
    const client = authenticateClient(ctx, body, options.clients);
    allowClientOrigin(ctx, client);
    return { client, token };
  }

  const userinfo: Middleware = async (ctx, next) => {
    const token = /^Bearer\s+(\S+)$/i.exec(ctx.get('authorization'))?.[1];
    if (!token || !jwsPattern.test(token)) return next();
    const claimed = decodeClaimsUnverified(token);
    allowClientOrigin(
      ctx,
      typeof claimed?.cid === 'string' ? options.clients.get(claimed.cid) : undefined,
    );
    const payload = await verify(token);
    const user = payload?.uid ? options.accounts.findUserById(payload.uid) : undefined;
    if (!payload || (await options.revoked.has(payload.jti)) || !user) {
      throw bearerError(ctx, 401, 'invalid_token', 'The access token is invalid.');
    }
    const scopes = payload.scp ?? [];
    if (!scopes.includes('openid')) {
      throw bearerError(
        ctx,
        403,
        'insufficient_scope',
        'The access token must provide access to at least one of these scopes - openid',
      );
    }
    const released = releasedClaims(releasedBy, scopes);
    const claims = identityClaims(options.groups, options.accounts.profileClaims(user), user);
    ctx.set('cache-control', 'no-store');
    ctx.body = {
      ...Object.fromEntries(Object.entries(claims).filter(([name]) => released.has(name))),
      ...user.claims,
      sub: user.id,
    };
  };

  const introspection: Middleware = async (ctx, next) => {
    const request = await tokenRequest(ctx);
    if (!request) return next();
    const { client, token } = request;
    const payload = await verify(token);
    ctx.set('cache-control', 'no-store');
    const foreign =
      client.token_endpoint_auth_method === 'none' && payload?.cid !== client.client_id;
    if (!payload || (await options.revoked.has(payload.jti)) || foreign) {
      ctx.body = { active: false };
      return;
    }
    const { scp = [], cid, uid, ...rest } = payload;
    ctx.body = {
      active: true,
      scope: scp.join(' '),
      username: uid ? payload.sub : cid,
      ...rest,
      token_type: 'Bearer',
      client_id: cid,
      ...(uid ? { uid } : undefined),
    };
  };

  const revocation: Middleware = async (ctx, next) => {
    const request = await tokenRequest(ctx);
    if (!request) return next();
    const { client, token } = request;
    // Like Okta, revoking an invalid, expired or foreign token is still a success.
    const payload = await verify(token, true);
    if (payload && payload.cid === client.client_id)
      await options.revoked.revoke(payload.jti, payload.exp);
    ctx.status = 200;
    ctx.body = '';
  };

  return { userinfo, introspection, revocation };
}

/** Only to pick the CORS client; the token is verified before anything is answered from it. */
function decodeClaimsUnverified(token: string): Record<string, unknown> | undefined {
  try {
    return decodeJwt(token);
  } catch {
    return undefined;
  }
}

function bearerError(ctx: Context, status: number, error: string, description: string) {
  const realm = requestOrigin(ctx);
  return new UnderstudyError(status, error, description, {
    headers: {
      'www-authenticate': `Bearer authorization_uri="${realm}", realm="${realm}", scope="openid", error="${error}", error_description="${description}", resource=""`,
    },
  });
}
