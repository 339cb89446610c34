/**
 * Who is calling /api/v1, as Okta decides it: an API token (`Authorization: SSWS <token>`,
 * an administrator's full access), or an access token of the org authorization server
 * (`Authorization: Bearer <at>`), whose scopes are checked route by route.
 */
import type { Context, Middleware } from 'koa';
import type { SeedApiToken } from '../../../seed/schema.js';
import { constantEquals } from '../../http/constant-equals.js';
import { OktaApiError } from '../org/api-error.js';

export type ApiCaller =
  | { kind: 'api-token'; token: SeedApiToken }
  | { kind: 'oauth'; clientId: string; userId: string | undefined; scopes: ReadonlySet<string> };

export interface ApiAuthOptions {
  apiTokens: readonly SeedApiToken[];
  /** The org authorization server's verdict on an access token: its claims, or undefined. */
  verifyAccessToken(
    token: string,
  ): Promise<{ cid?: unknown; uid?: unknown; scp?: unknown } | undefined>;
  /** Whether a user's token still counts: a suspended or deactivated user's does not. */
  userMayAct(userId: string): boolean;
}

const callers = new WeakMap<Context, ApiCaller>();

export function apiAuthentication(options: ApiAuthOptions): Middleware {
  return async (ctx, next) => {
    const header = ctx.get('authorization');
    if (!header) {
      throw new OktaApiError(401, 'E0000004', 'Authentication failed', {
        causes: [
          'Send Authorization: SSWS <API token>, or Bearer <access token of the org authorization server>',
        ],
      });
    }
    const [scheme = '', credential = ''] = header.split(/\s+/, 2);
    const invalid = () => new OktaApiError(401, 'E0000011', 'Invalid token provided');
    if (scheme.toLowerCase() === 'ssws') {
      const token = options.apiTokens.find((candidate) =>
        constantEquals(candidate.token, credential),
      );
      if (!token) throw invalid();
      callers.set(ctx, { kind: 'api-token', token });
    } else if (scheme.toLowerCase() === 'bearer') {
      const claims = await options.verifyAccessToken(credential);
      if (!claims || typeof claims.cid !== 'string') throw invalid();
      if (typeof claims.uid === 'string' && !options.userMayAct(claims.uid)) throw invalid();
      const scopes = Array.isArray(claims.scp)
        ? claims.scp.filter((s) => typeof s === 'string')
        : [];
      callers.set(ctx, {
        kind: 'oauth',
        clientId: claims.cid,
        userId: typeof claims.uid === 'string' ? claims.uid : undefined,
        scopes: new Set(scopes),
      });
    } else {
      throw invalid();
    }
    await next();
  };
}

export function callerOf(ctx: Context): ApiCaller {
  const caller = callers.get(ctx);
  if (!caller) throw new Error('apiAuthentication must run before the Management API routes');
  return caller;
}

/** `okta.users.read` is also granted by `okta.users.manage`, as on Okta. */
export function requireScope(scope: string): Middleware {
  const manage = scope.replace(/\.read$/, '.manage');
  return async (ctx, next) => {
    const caller = callerOf(ctx);
    if (caller.kind === 'oauth' && !caller.scopes.has(scope) && !caller.scopes.has(manage)) {
      throw new OktaApiError(
        403,
        'E0000006',
        'You do not have permission to perform the requested action',
        { causes: [`The access token needs the ${scope} scope`] },
      );
    }
    await next();
  };
}
