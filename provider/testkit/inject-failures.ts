/**
 * Makes the next authorize or token request fail with a chosen OAuth error, the way the real
 * endpoint would report it: a redirect back to a registered redirect_uri, or a JSON error.
 */
import type { Middleware } from 'koa';
import type { SeedClient } from '../../seed/schema.js';
import type { ControlState } from './control-state.js';

export function injectFailures(
  control: ControlState,
  paths: { authorize: string; token: string },
  clients: ReadonlyMap<string, SeedClient>,
): Middleware {
  const authorize = paths.authorize.toLowerCase();
  const token = paths.token.toLowerCase();
  return async (ctx, next) => {
    const path = ctx.path.toLowerCase();
    if (path === authorize && ctx.method === 'GET') {
      const failure = control.takeFailure('authorize');
      if (!failure) return next();
      const redirectUri = String(ctx.query.redirect_uri ?? '');
      const client = clients.get(String(ctx.query.client_id ?? ''));
      // Only a registered redirect_uri may receive the error, as on the real endpoint.
      if (!client?.redirect_uris.includes(redirectUri)) {
        ctx.status = 400;
        ctx.body = failure;
        return;
      }
      const target = new URL(redirectUri);
      target.searchParams.set('error', failure.error);
      if (failure.error_description) {
        target.searchParams.set('error_description', failure.error_description);
      }
      if (typeof ctx.query.state === 'string') target.searchParams.set('state', ctx.query.state);
      ctx.redirect(target.href);
      return;
    }
    if (path === token && ctx.method === 'POST') {
      const failure = control.takeFailure('token');
      if (!failure) return next();
      ctx.status = failure.error === 'invalid_client' ? 401 : 400;
      ctx.set('cache-control', 'no-store');
      ctx.body = failure;
      return;
    }
    return next();
  };
}
