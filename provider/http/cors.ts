/**
 * The CORS headers of every answer Understudy makes itself (oidc-provider sets its own on its
 * routes): which Origin is echoed, whether credentials may come along, which headers a page may
 * read, and how a preflight is answered. Origins are always echoed exactly (only a public document
 * says `*`, to a request that names no origin).
 */
import type { Context } from 'koa';

export interface CorsRule {
  /** Whether a page on this origin may read the answer. */
  allows(origin: string): boolean;
  /** The browser's cookies come along (Okta's org APIs with the session cookie). */
  credentials?: boolean;
  /** Response headers the page may read. */
  expose?: string;
  /** A public document: `*` to a request without an Origin, as oidc-provider answers it. */
  public?: boolean;
}

/** Public documents (discovery, JWKS): any origin, without credentials. */
export const anyOrigin: CorsRule = { allows: () => true, public: true };

/** Sets the answer's CORS headers for the request's Origin; whether that origin is allowed. */
export function allowOrigin(ctx: Context, rule: CorsRule): boolean {
  ctx.vary('origin');
  const origin = ctx.get('origin');
  if (origin === '' && rule.public) ctx.set('access-control-allow-origin', '*');
  if (origin === '' || !rule.allows(origin)) return false;
  ctx.set('access-control-allow-origin', origin);
  if (rule.credentials) ctx.set('access-control-allow-credentials', 'true');
  if (rule.expose && !isPreflight(ctx)) ctx.set('access-control-expose-headers', rule.expose);
  return true;
}

export function isPreflight(ctx: Context): boolean {
  return ctx.method === 'OPTIONS' && ctx.get('access-control-request-method') !== '';
}

/**
 * Answers a preflight (204), allowing `methods` and the headers asked for when the origin is
 * allowed; false when the request is not a preflight.
 */
export function answerPreflight(ctx: Context, rule: CorsRule, methods: string): boolean {
  if (!isPreflight(ctx)) return false;
  if (allowOrigin(ctx, rule)) {
    ctx.set('access-control-allow-methods', methods);
    const headers = ctx.get('access-control-request-headers');
    if (headers) ctx.set('access-control-allow-headers', headers);
    ctx.set('access-control-max-age', '3600');
  }
  ctx.status = 204;
  return true;
}
