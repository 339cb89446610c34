/** Okta puts an X-Okta-Request-Id on every answer; support tickets and SDK errors quote it. */
import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';

// A process-wide random prefix and a counter: unique ids without random bytes per request.
const prefix = randomUUID().replaceAll('-', '').slice(0, 12);
let requests = 0;

function nextRequestId(): string {
  requests += 1;
  return `${prefix}${requests.toString(36)}`;
}

export const oktaRequestId: Middleware = async (ctx, next) => {
  ctx.set('x-okta-request-id', nextRequestId());
  await next();
};
