/**
 * okta-auth-js session.setCookieAndRedirect(sessionToken, url): spends the sessionToken, sets
 * the browser session cookie, and sends the browser on, to a registered redirect URI or a
 * trusted origin only.
 */
import type { Middleware } from 'koa';
import type Provider from 'oidc-provider';
import { InvalidRequest, UnderstudyError } from '../../http/errors.js';
import {
  type SessionCookieOptions,
  startBrowserSession,
} from '../provider-patches/browser-session.js';
import type { SessionTokenStore } from '../../store/session-tokens.js';

export function sessionCookieRedirect(options: {
  provider: Provider;
  sessionTokens: SessionTokenStore;
  /** A registered redirect URI, or a URL on a trusted origin. */
  mayRedirectTo(url: URL): boolean;
  sessionTtlSeconds: number;
  cookie: SessionCookieOptions;
}): Middleware {
  return async (ctx) => {
    const { token, redirectUrl } = ctx.query;
    if (typeof redirectUrl !== 'string' || !URL.canParse(redirectUrl)) {
      throw new InvalidRequest('redirectUrl must be an absolute URL');
    }
    const target = new URL(redirectUrl);
    if (!options.mayRedirectTo(target)) {
      throw new InvalidRequest(
        `redirectUrl ${target.href} is neither a registered redirect URI nor on a trusted origin`,
      );
    }
    const accountId =
      typeof token === 'string' ? await options.sessionTokens.consume(token) : undefined;
    if (!accountId) {
      throw new UnderstudyError(
        401,
        'login_required',
        'This session token is invalid, has expired or was already used. Sign in again.',
      );
    }
    await startBrowserSession(
      options.provider,
      ctx,
      accountId,
      options.sessionTtlSeconds,
      options.cookie,
    );
    ctx.redirect(target.href);
  };
}
