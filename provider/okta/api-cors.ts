/**
 * CORS for Okta's org-level APIs, which a SPA calls with the browser's session cookie:
 * credentialed, for trusted origins only, exact origin echoed, preflights answered here.
 */
import type { Middleware } from 'koa';
import { OktaApiError } from './api-error.js';

export function credentialedCors(
  trusted: (origin: string) => boolean,
  methods: string,
): Middleware {
  return async (ctx, next) => {
    const origin = ctx.get('origin');
    ctx.vary('origin');
    const allowed = origin !== '' && trusted(origin);
    // A POST or DELETE whose body needs no preflight reaches us straight from any page, with
    // the browser's cookies: from an origin we do not trust, it changes nothing.
    const changes = ctx.method !== 'GET' && ctx.method !== 'HEAD' && ctx.method !== 'OPTIONS';
    if (changes && origin !== '' && !allowed) {
      throw new OktaApiError(
        403,
        'E0000006',
        'You do not have permission to perform the requested action',
        {
          causes: [`${origin} is not a trusted origin`],
        },
      );
    }
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
