/**
 * Headers every answer carries, pages above all: the nonce CSP with frame-ancestors 'none'
 * (set before anything renders, so oidc-provider adds the hashes of its own inline scripts
 * to it), no MIME sniffing, no referrer, and X-Frame-Options for browsers without CSP.
 */
import type { Middleware } from 'koa';
import { cspNonce } from '../http/content-security.js';

export const securityHeaders: Middleware = async (ctx, next) => {
  cspNonce(ctx);
  ctx.set('x-content-type-options', 'nosniff');
  ctx.set('referrer-policy', 'no-referrer');
  ctx.set('x-frame-options', 'DENY');
  await next();
};
