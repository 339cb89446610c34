/**
 * The guard on pages that need a signed-in user: anyone else is sent to sign in and brought
 * back, and the access token is refreshed shortly before it expires while the pages are used.
 */
import type { NextFunction, Request, Response } from 'express';
import * as client from 'openid-client';
import { recordRefresh } from './flow-record.js';
import type { Oidc } from './oidc.js';
import { isProviderUnreachable, providerUnreachable } from './provider-outage.js';
import { destroySession, toTokenSet } from './session.js';

/** The app's expiry check: an access token within a minute of its end is refreshed first. */
export function needsRefresh(tokens: { expiresAt: number }, now = Date.now()): boolean {
  return tokens.expiresAt - now <= 60_000;
}

export function requireLogin(oidc: Oidc, issuer: string) {
  return async (req: Request, res: Response, next: NextFunction) => {
    if (!req.session.user || !req.session.tokens) {
      return res.redirect(`/login?returnTo=${encodeURIComponent(req.originalUrl)}`);
    }
    // A signed-in page must not come back from the cache after logout (Back button).
    res.set('cache-control', 'no-store');
    const tokens = req.session.tokens;
    if (!needsRefresh(tokens)) return next();
    try {
      if (!tokens.refreshToken) throw new RefreshRefused();
      const configuration = await oidc.configuration();
      const refreshed = await client
        .refreshTokenGrant(configuration, tokens.refreshToken)
        .catch((error: unknown) => {
          throw isProviderUnreachable(error)
            ? providerUnreachable(issuer, { cause: error })
            : error;
        });
      const renewed = toTokenSet(refreshed);
      req.session.tokens = {
        ...renewed,
        // Okta may leave these out of a refresh response; the ones we have stay valid.
        refreshToken: renewed.refreshToken ?? tokens.refreshToken,
        idToken: renewed.idToken || tokens.idToken,
      };
      // The lesson shows every refresh: old and new access token, and whether it rotated.
      if (req.session.flow) {
        req.session.flow = recordRefresh(req.session.flow, {
          endpoint: configuration.serverMetadata().token_endpoint ?? '',
          clientId: configuration.clientMetadata().client_id,
          before: { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken },
          after: {
            accessToken: renewed.accessToken,
            refreshToken: renewed.refreshToken,
            expiresIn: refreshed.expiresIn(),
            scope: renewed.scope,
          },
        });
      }
      return next();
    } catch (error) {
      // Only a refused refresh ends the session; a provider blip is an error page, not a logout.
      const refused =
        error instanceof RefreshRefused ||
        (error instanceof client.ResponseBodyError && error.error === 'invalid_grant');
      if (!refused) throw error;
      await destroySession(req);
      res.redirect('/?notice=session_expired');
    }
  };
}

class RefreshRefused extends Error {}
