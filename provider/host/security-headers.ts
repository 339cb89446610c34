/**
 * Headers every answer carries, pages above all: the nonce CSP with frame-ancestors 'none'
 * (set before anything renders, so oidc-provider adds the hashes of its own inline scripts
 * to it), no MIME sniffing, no referrer, and X-Frame-Options for browsers without CSP.
 */
import type { Middleware } from 'koa';
import { cspNonce } from '../http/content-security.js';

const fixed = [
  ['x-content-type-options', 'nosniff'],
  ['referrer-policy', 'no-referrer'],
  ['x-frame-options', 'DENY'],
] as const;

export const securityHeaders: Middleware = async (ctx, next) => {
  cspNonce(ctx);
  for (const [name, value] of fixed) ctx.set(name, value);
  await next();
};
