/**
 * The device verification form is tied to the browser session that was shown it. Posted
 * without one, oidc-provider fails deep inside with a TypeError (a 500) while it means to say
 * the form is unknown; this says it first, as a 400.
 */
import type { Middleware } from 'koa';
import type Provider from 'oidc-provider';
import { InvalidRequest } from '../http/errors.js';

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
