/**
 * The Content-Security-Policy of the provider's pages: nothing from anywhere, except the one
 * style element (and any script) that carries this response's nonce; never framed.
 */
import type { Context } from 'koa';
import { randomBytes } from 'node:crypto';

const nonceKey = Symbol('cspNonce');

export function contentSecurityPolicy(nonce: string, frameAncestors = "'none'"): string {
  return [
    "default-src 'none'",
    `style-src 'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
    "img-src 'self' data:",
    "base-uri 'none'",
    `frame-ancestors ${frameAncestors}`,
  ].join('; ');
}

/**
 * The policy of a page that runs Okta's Sign-In Widget: its script and stylesheet from this
 * server, the IDX calls to it, its fonts and images, and the style elements it adds under the
 * nonce it is given.
 */
export function widgetContentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'none'",
    `style-src 'self' 'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
    "connect-src 'self'",
    "font-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    // No form-action: the widget leaves by a form GET that redirects on to the app.
    "frame-ancestors 'none'",
  ].join('; ');
}

/** This response's nonce, made (with the policy that names it) on first use. */
export function cspNonce(ctx: Context): string {
  const state = ctx.state as Record<symbol, string | undefined>;
  const existing = state[nonceKey];
  if (existing) return existing;
  const nonce = randomBytes(16).toString('base64');
  state[nonceKey] = nonce;
  ctx.set('content-security-policy', contentSecurityPolicy(nonce));
  return nonce;
}
