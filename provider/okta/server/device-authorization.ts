/**
 * Okta's device authorization response always states the polling interval (5 s);
 * oidc-provider leaves it out, which RFC 8628 allows but some device clients do not expect.
 */
import type { Middleware } from 'koa';

export const deviceAuthorizationInterval: Middleware = async (ctx, next) => {
  await next();
  if (ctx.status !== 200) return;
  const body = ctx.body as Record<string, unknown> | undefined;
  if (body && typeof body === 'object' && body.interval === undefined) {
    ctx.body = { ...body, interval: 5 };
  }
};
