/**
 * An issuer mismatch is the most common setup failure, so each authorization server has a
 * /debug page with the exact issuer, and requests on another host are called out once.
 */
import type { Middleware } from 'koa';
import type { SeedAuthorizationServer, SeedClient } from '../../../seed/schema.js';
import { cspNonce } from '../../http/content-security.js';
import { requestOrigin } from '../../http/request-origin.js';
import { renderDebugPage } from '../../views/debug-page.js';

export function issuerDebug(
  urls: { issuer: string; discovery: string; jwks: string },
  server: SeedAuthorizationServer,
  clients: readonly SeedClient[],
): Middleware {
  const { issuer } = urls;
  const issuerOrigin = new URL(issuer).origin;
  return async (ctx) => {
    const origin = requestOrigin(ctx);
    ctx.set('cache-control', 'no-store');
    if (ctx.accepts('html', 'json') === 'json') {
      ctx.body = {
        issuer,
        requestOrigin: origin,
        audience: server.audience,
        issuerMatchesRequest: origin === issuerOrigin,
        discovery: urls.discovery,
      };
      return;
    }
    ctx.type = 'html';
    ctx.body = renderDebugPage(
      {
        issuer,
        discoveryUrl: urls.discovery,
        jwksUrl: urls.jwks,
        requestOrigin: origin,
        audience: server.audience,
        clients,
      },
      cspNonce(ctx),
    );
  };
}

/** How many distinct foreign hosts are named before the warning falls silent. */
export const foreignHostWarnings = 5;

export function warnOnForeignHost(issuer: string): Middleware {
  const issuerOrigin = new URL(issuer).origin;
  const warned = new Set<string>();
  return async (ctx, next) => {
    if (warned.size > foreignHostWarnings) return next();
    const origin = requestOrigin(ctx);
    if (origin === issuerOrigin || warned.has(origin)) return next();
    warned.add(origin);
    if (warned.size > foreignHostWarnings) {
      console.warn(
        `understudy: requests keep arriving on hosts other than ${issuer}'s; no more of them are reported.`,
      );
    } else {
      console.warn(
        `understudy: a request came in on ${origin}, but the issuer is ${issuer}. ` +
          "Clients that discover from one and compare with the other fail; use the issuer's host.",
      );
    }
    return next();
  };
}
