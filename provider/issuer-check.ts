/**
 * An issuer mismatch is the most common setup failure, so each authorization server has a
 * /debug page with the exact issuer, and requests on another host are called out once.
 */
import type { Middleware } from 'koa';
import type { Seed, SeedAuthorizationServer } from '../seed/schema.js';
import { renderDebugPage } from './views/debug-page.js';
import { requestOrigin } from './http/request-origin.js';

export function issuerCheck(
  mountPath: string,
  issuer: string,
  server: SeedAuthorizationServer,
  seed: Seed,
): Middleware {
  const issuerOrigin = new URL(issuer).origin;
  const warned = new Set<string>();
  const debugPath = `${mountPath}/debug`;
  return async (ctx, next) => {
    if (ctx.path !== debugPath && !ctx.path.startsWith(`${mountPath}/`)) return next();
    const origin = requestOrigin(ctx);
    if (ctx.path === debugPath && ctx.method === 'GET') {
      const facts = {
        issuer,
        requestOrigin: origin,
        audience: server.audience,
        issuerMatchesRequest: origin === issuerOrigin,
        discovery: `${issuer}/.well-known/openid-configuration`,
      };
      ctx.set('cache-control', 'no-store');
      if (ctx.accepts('html', 'json') === 'json') {
        ctx.body = facts;
        return;
      }
      ctx.type = 'html';
      ctx.body = renderDebugPage({
        issuer,
        requestOrigin: origin,
        audience: server.audience,
        clients: seed.clients,
      });
      return;
    }
    if (origin !== issuerOrigin && !warned.has(origin)) {
      warned.add(origin);
      console.warn(
        `understudy: a request came in on ${origin}, but the issuer is ${issuer}. ` +
          "Clients that discover from one and compare with the other fail; use the issuer's host.",
      );
    }
    return next();
  };
}
