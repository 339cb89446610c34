/**
 * The device verification pages are tied to the browser session that was shown them. Reached
 * without one, oidc-provider fails deep inside with a TypeError (a 500) while it means to say
 * the form or the sign-in is unknown; these say it first, as a 400.
 */
import type { Middleware } from 'koa';
import type Provider from 'oidc-provider';
import { InvalidRequest } from '../../http/errors.js';

/** The form POST: its session must hold the form's xsrf secret. */
export function deviceFormSession(provider: Provider): Middleware {
  return async (ctx, next) => {
    const session = await provider.Session.get(ctx as never);
    if (!session.state) {
      throw new InvalidRequest(
        'could not find device form details; open the device activation page again',
      );
    }
    return next();
  };
}

/** The resume after the login: its session must be a stored one. */
export function deviceResumeSession(provider: Provider): Middleware {
  return async (ctx, next) => {
    const session = await provider.Session.get(ctx as never);
    if (typeof session.exp !== 'number') {
      throw new InvalidRequest(
        'this device sign-in has expired or was already completed; open the device activation page again',
      );
    }
    return next();
  };
}
