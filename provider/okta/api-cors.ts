/**
 * CORS for Okta's org-level APIs, which a SPA calls with the browser's session cookie:
 * credentialed, for trusted origins only, exact origin echoed, preflights answered here.
 */
import type { Middleware } from 'koa';

export function credentialedCors(
  trusted: (origin: string) => boolean,
  methods: string,
): Middleware {
  return async (ctx, next) => {
    const origin = ctx.get('origin');
    ctx.vary('origin');
    const allowed = origin !== '' && trusted(origin);
    if (allowed) {
      ctx.set('access-control-allow-origin', origin);
      ctx.set('access-control-allow-credentials', 'true');
    }
    if (ctx.method === 'OPTIONS' && ctx.get('access-control-request-method')) {
      if (allowed) {
        ctx.set('access-control-allow-methods', methods);
        const headers = ctx.get('access-control-request-headers');
        if (headers) ctx.set('access-control-allow-headers', headers);
        ctx.set('access-control-max-age', '3600');
      }
      ctx.status = 204;
      return;
    }
    if (allowed) ctx.set('access-control-expose-headers', 'X-Okta-Request-Id');
    await next();
  };
}
