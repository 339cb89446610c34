/**
 * Discovery and JWKS are what every relying party and verifier fetches first, and they only
 * change when the host is rebuilt (keys rotated, seed changed): each is computed once per
 * host it is asked on, with an ETag (a 304 for a client that has it) and Okta's
 * Cache-Control, and kept for the host to replay before Koa (http/precomputed-answers.ts).
 */
import { createHash } from 'node:crypto';
import type { Middleware } from 'koa';
import type { PrecomputedAnswers } from '../http/precomputed-answers.js';

export function precomputed(answers: PrecomputedAnswers, cacheControl: string): Middleware {
  return async (ctx, next) => {
    await next();
    if (ctx.status !== 200 || ctx.body === undefined || ctx.body === null) return;
    const body = Buffer.isBuffer(ctx.body)
      ? ctx.body
      : Buffer.from(typeof ctx.body === 'string' ? ctx.body : JSON.stringify(ctx.body));
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
    ctx.set('cache-control', cacheControl);
    ctx.set('etag', etag);
    ctx.body = body;
    // The raw Host header, as the replay looks it up.
    answers.remember(ctx.get('host'), ctx.originalUrl, body, etag, ctx.response.headers);
    if (ctx.fresh) {
      ctx.status = 304;
      ctx.body = null;
    }
  };
}
