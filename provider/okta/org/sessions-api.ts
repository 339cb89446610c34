/**
 * Okta's Sessions API for the signed-in browser (okta-auth-js session.exists/get/refresh and
 * closeSession): the provider's session, read from its cookie, in Okta's shape.
 */
import type { Context, Middleware } from 'koa';
import type Provider from 'oidc-provider';
import { displayName } from '../../../seed/users.js';
import type { AccountStore } from '../../oidc/accounts.js';
import { OktaApiError } from './api-error.js';
import { orgPathFor, orgPaths } from './org-paths.js';
import { hasSecondFactor } from '../authenticators/factors.js';
import {
  type BrowserSession,
  endBrowserSession,
  findBrowserSession,
  type SessionCookieOptions,
  saveBrowserSession,
} from '../provider-patches/browser-session.js';

export interface SessionsApiOptions {
  /** The authorization servers' providers, first one first: whose session this is. */
  providers: () => readonly Provider[];
  accounts: AccountStore;
  orgId: string;
  sessionTtlSeconds: number;
  cookie: SessionCookieOptions;
  /** e.g. https://localhost:4000, for the _links. */
  origin(ctx: Context): string;
}

export function sessionsApi(options: SessionsApiOptions) {
  const current = async (ctx: Context) => {
    for (const provider of options.providers()) {
      const session = await findBrowserSession(provider, ctx);
      if (session) return { provider, session };
    }
    throw new OktaApiError(404, 'E0000007', 'Not found: Resource not found: me (Session)');
  };

  const shape = (ctx: Context, session: BrowserSession) => {
    const user = options.accounts.findUserById(session.accountId ?? '');
    const origin = options.origin(ctx);
    const secondFactor = hasSecondFactor(session.amr);
    const iso = (seconds: number | undefined) =>
      seconds === undefined ? null : new Date(seconds * 1000).toISOString();
    ctx.set('cache-control', 'no-store');
    return {
      id: `102${session.uid}`,
      userId: session.accountId,
      login: user?.login ?? session.accountId,
      createdAt: iso(session.iat),
      expiresAt: iso(session.exp),
      status: 'ACTIVE',
      lastPasswordVerification: iso(session.loginTs),
      lastFactorVerification: secondFactor ? iso(session.loginTs) : null,
      amr: session.amr ?? ['pwd'],
      idp: { id: options.orgId, type: 'OKTA' },
      mfaActive: secondFactor,
      _links: {
        self: { href: `${origin}${orgPaths.session}`, hints: { allow: ['GET', 'DELETE'] } },
        refresh: {
          href: `${origin}${orgPaths.sessionRefresh}`,
          hints: { allow: ['POST'] },
        },
        user: {
          name: user ? displayName(user) : undefined,
          href: `${origin}${orgPathFor('user', { user: 'me' })}`,
          hints: { allow: ['GET'] },
        },
      },
    };
  };

  const get: Middleware = async (ctx) => {
    const { session } = await current(ctx);
    ctx.body = shape(ctx, session);
  };

  const refresh: Middleware = async (ctx) => {
    const { provider, session } = await current(ctx);
    await saveBrowserSession(provider, ctx, session, options.sessionTtlSeconds, options.cookie);
    ctx.body = shape(ctx, session);
  };

  // Okta has one session per browser; here each authorization server has its own: end all.
  const close: Middleware = async (ctx) => {
    await current(ctx);
    for (const provider of options.providers()) {
      const session = await findBrowserSession(provider, ctx);
      if (session) await endBrowserSession(provider, ctx, session, options.cookie);
    }
    ctx.status = 204;
  };

  return { get, refresh, close };
}
