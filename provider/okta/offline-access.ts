/**
 * Okta issues a refresh token whenever `offline_access` is asked for; oidc-provider drops the
 * scope unless `prompt` includes `consent`. This adds `consent` to such requests, and the
 * interaction routes grant it silently for first-party clients.
 */
import type { Middleware } from 'koa';

export function offlineAccessWithoutConsent(authorizePath: string): Middleware {
  const path = authorizePath.toLowerCase();
  return async (ctx, next) => {
    if (ctx.method === 'GET' && ctx.path.toLowerCase().replace(/\/$/, '') === path) {
      const query = new URLSearchParams(ctx.querystring);
      const scopes = (query.get('scope') ?? '').split(' ');
      const prompts = (query.get('prompt') ?? '').split(' ').filter(Boolean);
      if (
        scopes.includes('offline_access') &&
        !prompts.includes('none') &&
        !prompts.includes('consent') &&
        query.getAll('prompt').length <= 1
      ) {
        query.set('prompt', [...prompts, 'consent'].join(' '));
        ctx.querystring = query.toString();
      }
    }
    await next();
  };
}
