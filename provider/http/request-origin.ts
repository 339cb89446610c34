import type { Context } from 'koa';

/** Scheme and host the request came in on (Koa 3's ctx.origin is the Origin header). */
export function requestOrigin(ctx: Context): string {
  return `${ctx.protocol}://${ctx.host}`;
}
