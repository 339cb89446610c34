/**
 * CORS for Okta's org-level APIs, which a SPA calls with the browser's session cookie:
 * credentialed, for trusted origins only, preflights answered here.
 */
import type { Middleware } from 'koa';
import { allowOrigin, answerPreflight } from '../../http/cors.js';
import { OktaApiError } from './api-error.js';

export function credentialedCors(
  trusted: (origin: string) => boolean,
  methods: string,
): Middleware {
  const rule = { allows: trusted, credentials: true, expose: 'X-Okta-Request-Id' };
  return async (ctx, next) => {
    if (answerPreflight(ctx, rule, methods)) return;
    const allowed = allowOrigin(ctx, rule);
    const origin = ctx.get('origin');
    // A POST or DELETE whose body needs no preflight reaches us straight from any page, with
    // the browser's cookies: from an origin we do not trust, it changes nothing.
    const changes = ctx.method !== 'GET' && ctx.method !== 'HEAD';
    if (changes && origin !== '' && !allowed) {
      throw new OktaApiError(
        403,
        'E0000006',
        'You do not have permission to perform the requested action',
        { causes: [`${origin} is not a trusted origin`] },
      );
    }
    await next();
  };
}
