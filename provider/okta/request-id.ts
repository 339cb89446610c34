/** Okta puts an X-Okta-Request-Id on every answer; support tickets and SDK errors quote it. */
import { randomBytes } from 'node:crypto';
import type { Middleware } from 'koa';

export const oktaRequestId: Middleware = async (ctx, next) => {
  ctx.set('x-okta-request-id', randomBytes(15).toString('base64url'));
  await next();
};
