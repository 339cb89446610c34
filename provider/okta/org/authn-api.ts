/**
 * Okta's Classic Authentication API for a custom sign-in form (okta-auth-js
 * signInWithCredentials and signIn): username and password in, a one-time sessionToken out.
 */
import type { Middleware } from 'koa';
import type { SeedUser } from '../../../seed/schema.js';
import type { AccountStore } from '../../oidc/accounts.js';
import { OktaApiError } from './api-error.js';
import { readOktaJson } from './okta-json-body.js';
import type { SessionTokenStore } from '../../store/session-tokens.js';

export function authnApi(options: {
  accounts: AccountStore;
  sessionTokens: SessionTokenStore;
  /** When the seed was loaded: the password date of a user the seed dates not. */
  seededAt: string;
}): Middleware {
  return async (ctx) => {
    const body = await readOktaJson(ctx);
    const { username, password } = body;
    if (typeof username !== 'string' || typeof password !== 'string') {
      throw new OktaApiError(400, 'E0000001', 'Api validation failed: authRequest', {
        causes: ['username and password are required strings'],
      });
    }
    const user = options.accounts.authenticate(username, password);
    // The same answer for an unknown user as for a wrong password, as on Okta.
    if (!user) throw new OktaApiError(401, 'E0000004', 'Authentication failed');
    await options.accounts.signedIn(user.id);
    const { sessionToken, expiresAt } = await options.sessionTokens.issue(user.id);
    ctx.set('cache-control', 'no-store');
    ctx.body = {
      expiresAt: expiresAt.toISOString(),
      status: 'SUCCESS',
      sessionToken,
      _embedded: { user: embeddedUser(user, options.seededAt) },
    };
  };
}

function embeddedUser(user: SeedUser, seededAt: string) {
  return {
    id: user.id,
    passwordChanged: user.passwordChanged ?? seededAt,
    profile: {
      login: user.login,
      firstName: user.givenName,
      lastName: user.familyName,
      locale: user.locale,
      timeZone: user.zoneinfo,
    },
  };
}
