/**
 * Discovery and JWKS are what every relying party and verifier fetches first, and they only
 * change when the host is rebuilt (keys rotated, seed changed), which makes a new route table
 * and so a new cache. The first request on a host computes the document through the route
 * table; later ones are answered from its bytes by this, the route's first step, with an ETag
 * (a 304 for a client that has it), Okta's Cache-Control and the same CORS as the first.
 */
import { createHash } from 'node:crypto';
import type { Middleware } from 'koa';
import { allowOrigin, anyOrigin } from '../../http/cors.js';

interface Document {
  body: Buffer;
  etag: string;
  type: string;
}

// Keyed by the Host header (discovery names the host it was asked on); past a few hosts,
// documents are computed each time rather than kept for any Host a client cares to send.
const maxHosts = 8;

export function documentCache(cacheControl: string): Middleware {
  const byHost = new Map<string, Document>();
  return async (ctx, next) => {
    let document = byHost.get(ctx.host);
    if (!document) {
      await next();
      if (ctx.status !== 200 || ctx.body === undefined || ctx.body === null) return;
      const body = Buffer.isBuffer(ctx.body)
        ? ctx.body
        : Buffer.from(typeof ctx.body === 'string' ? ctx.body : JSON.stringify(ctx.body));
      const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
      document = { body, etag, type: ctx.response.get('content-type') };
      if (byHost.size < maxHosts) byHost.set(ctx.host, document);
    }
    allowOrigin(ctx, anyOrigin);
    ctx.set('cache-control', cacheControl);
    ctx.set('etag', document.etag);
    ctx.type = document.type;
    ctx.body = document.body;
    // RFC 9110 §13.1.2, not Koa's ctx.fresh: fetch() sends `Cache-Control: no-cache` with a
    // conditional request, which ctx.fresh reads as "never fresh".
    if (matchesEtag(ctx.get('if-none-match'), document.etag)) {
      ctx.status = 304;
      ctx.body = null;
    }
  };
}

/** If-None-Match's weak comparison: any listed tag, W/ or not, or `*`. */
function matchesEtag(header: string, etag: string): boolean {
  if (!header) return false;
  return header
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .some((tag) => tag === etag || tag === '*');
}
