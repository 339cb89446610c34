/**
 * Okta's Classic Authentication API for a custom sign-in form (okta-auth-js
 * signInWithCredentials and signIn): username and password in, a one-time sessionToken out.
 */
import type { Context, Middleware } from 'koa';
import type { SeedUser } from '../../seed/schema.js';
import { UnderstudyError } from '../http/errors.js';
import { readJsonBody } from '../http/json-body.js';
import type { AccountStore } from '../oidc/accounts.js';
import { OktaApiError } from './api-error.js';
import type { SessionTokenStore } from '../store/session-tokens.js';

export function authnApi(options: {
  accounts: AccountStore;
  sessionTokens: SessionTokenStore;
  /** When the seeded passwords were set (the process start). */
  passwordChanged: Date;
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
      _embedded: { user: embeddedUser(user, options.passwordChanged) },
    };
  };
}

function embeddedUser(user: SeedUser, passwordChanged: Date) {
  return {
    id: user.id,
    passwordChanged: passwordChanged.toISOString(),
    profile: {
      login: user.login,
      firstName: user.givenName,
      lastName: user.familyName,
      locale: user.locale,
      timeZone: user.zoneinfo,
    },
  };
}

/** A JSON body, or Okta's E0000003 for anything that is not one. */
export async function readOktaJson(ctx: Context): Promise<Record<string, unknown>> {
  try {
    return await readJsonBody(ctx);
  } catch (error) {
    if (error instanceof UnderstudyError && error.status === 413) throw error;
    throw new OktaApiError(400, 'E0000003', 'The request body was not well-formed.', {
      cause: error,
    });
  }
}
