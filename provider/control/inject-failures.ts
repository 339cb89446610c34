/**
 * Makes the next authorize or token request fail with a chosen OAuth error, the way the real
 * endpoint would report it: a redirect back to a registered redirect_uri, or a JSON error.
 */
import type { Middleware } from 'koa';
import type { SeedClient } from '../../seed/schema.js';
import { UnderstudyError } from '../http/errors.js';
import type { ControlStateStore } from './control-state.js';

const injected = 'injected by the Understudy control API';

/** The step to run first on a route, for the routes that can be made to fail. */
export function injectedFailures(
  control: ControlStateStore,
  clients: readonly SeedClient[],
): (route: string) => Middleware | undefined {
  const byId = new Map(clients.map((client) => [client.client_id, client]));

  const authorization: Middleware = async (ctx, next) => {
    const failure = await control.takeFailure('authorize');
    if (!failure) return next();
    const redirectUri = String(ctx.query.redirect_uri ?? '');
    const client = byId.get(String(ctx.query.client_id ?? ''));
    // Only a registered redirect_uri may receive the error, as on the real endpoint.
    if (!client?.redirect_uris.includes(redirectUri)) {
      throw new UnderstudyError(400, failure.error, failure.error_description ?? injected);
    }
    const target = new URL(redirectUri);
    target.searchParams.set('error', failure.error);
    if (failure.error_description) {
      target.searchParams.set('error_description', failure.error_description);
    }
    if (typeof ctx.query.state === 'string') target.searchParams.set('state', ctx.query.state);
    ctx.redirect(target.href);
  };

  const token: Middleware = async (_ctx, next) => {
    const failure = await control.takeFailure('token');
    if (!failure) return next();
    throw new UnderstudyError(
      failure.error === 'invalid_client' ? 401 : 400,
      failure.error,
      failure.error_description ?? injected,
    );
  };

  return (route) => {
    if (route === 'authorization') return authorization;
    if (route === 'token') return token;
    return undefined;
  };
}
