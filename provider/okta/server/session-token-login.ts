/**
 * `/v1/authorize?sessionToken=…`: a custom sign-in form's one-time token signs its user in
 * without the login page, with prompt=none too (the hidden iframe of token.getWithoutPrompt).
 * The token becomes a browser session before the provider sees the request, in the same
 * request, so the flow needs no redirect through the login pages (and no cookie set in a
 * third-party frame before the answer). A spent or expired token gets login_required through
 * the requested response mode (prompt=none), or a readable page.
 */
import type { Context, Middleware } from 'koa';
import type Provider from 'oidc-provider';
import { UnderstudyError } from '../../http/errors.js';
import {
  type SessionCookieOptions,
  startBrowserSession,
} from '../provider-patches/browser-session.js';
import type { SessionTokenStore } from '../../store/session-tokens.js';

export function sessionTokenAuthorize(options: {
  provider: Provider;
  sessionTokens: SessionTokenStore;
  sessionTtlSeconds: number;
  cookie: SessionCookieOptions;
}): Middleware {
  const { provider } = options;
  const sessionCookie = provider.cookieName('session');
  return async (ctx, next) => {
    const query = new URLSearchParams(ctx.querystring);
    const token = query.get('sessionToken');
    if (token === null) return next();
    query.delete('sessionToken');
    ctx.querystring = query.toString();
    const silent = (query.get('prompt') ?? '').split(' ').includes('none');
    const accountId = await options.sessionTokens.consume(token);
    if (accountId) {
      await startBrowserSession(provider, ctx, accountId, options.sessionTtlSeconds, {
        ...options.cookie,
        fresh: true,
      });
    } else if (!silent) {
      throw new UnderstudyError(
        401,
        'login_required',
        'This session token is invalid, has expired or was already used. Sign in again.',
      );
    }
    // The provider reads the session this request carries: the new one, or none at all (so
    // a spent token with prompt=none is login_required even for a signed-in browser).
    presentCookies(ctx, sessionCookie, accountId ? setCookiePairs(ctx, sessionCookie) : []);
    return next();
  };
}

/** The `name=value` pairs of cookie `name` (and its signature) this response is setting. */
function setCookiePairs(ctx: Context, name: string): string[] {
  const headers = [ctx.res.getHeader('set-cookie') ?? []].flat().map(String);
  return headers
    .map((header) => header.split(';')[0] ?? '')
    .filter((pair) => pair.startsWith(`${name}=`) || pair.startsWith(`${name}.sig=`));
}

/** Replaces cookie `name` (and its signature) in the request with `pairs`. */
function presentCookies(ctx: Context, name: string, pairs: readonly string[]): void {
  const others = ctx
    .get('cookie')
    .split(';')
    .map((pair) => pair.trim())
    .filter(
      (pair) => pair !== '' && !pair.startsWith(`${name}=`) && !pair.startsWith(`${name}.sig=`),
    );
  ctx.req.headers.cookie = [...others, ...pairs].join('; ');
}
