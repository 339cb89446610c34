/**
 * The Content-Security-Policy of the provider's pages: nothing from anywhere, except the one
 * style element (and any script) that carries this response's nonce; never framed.
 */
import type { Context } from 'koa';
import { randomString } from './random-pool.js';

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

/** For answers that are data, not pages: nothing may load or run, and nothing may frame it. */
export const contentSecurityPolicyForData = "default-src 'none'; frame-ancestors 'none'";

/** This response's nonce, made (with the policy that names it) on first use. */
export function cspNonce(ctx: Context): string {
  const state = ctx.state as Record<symbol, string | undefined>;
  const existing = state[nonceKey];
  if (existing) return existing;
  const nonce = randomString(16, 'base64');
  state[nonceKey] = nonce;
  ctx.set('content-security-policy', contentSecurityPolicy(nonce));
  return nonce;
}
