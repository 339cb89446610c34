/**
 * Reads an application/x-www-form-urlencoded body in front of oidc-provider and then lets the
 * provider read the same bytes again, because a request we don't answer still goes to it and
 * it must never see an already-consumed stream.
 */
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import type { Context } from 'koa';
import { readBody } from './read-body.js';

// oidc-provider's own form limit, so a body we pass on is one it would have read too.
const limit = 56 * 1024;

export async function readFormBody(ctx: Context): Promise<URLSearchParams> {
  if (!ctx.is('application/x-www-form-urlencoded')) return new URLSearchParams();
  const body = await readBody(ctx, limit);
  ctx.req = replayable(ctx.req, body);
  return new URLSearchParams(body.toString('utf8'));
}

/** Replaces the form body the provider will read (content-length with it). */
export function replaceFormBody(ctx: Context, form: URLSearchParams): void {
  const body = Buffer.from(form.toString());
  ctx.req.headers['content-length'] = String(body.length);
  ctx.req = replayable(ctx.req, body);
}

/** `req` whose body reads as `body` again (its own stream is spent). */
export function replayable(req: IncomingMessage, body: Buffer): IncomingMessage {
  const replay = Readable.from([body]);
  return new Proxy(req, {
    get(target, property, receiver) {
      switch (property) {
        case 'readable':
          return replay.readable;
        case 'readableEncoding':
          return null;
        case 'iterator':
          return replay.iterator.bind(replay);
        case Symbol.asyncIterator:
          return replay[Symbol.asyncIterator].bind(replay);
        default: {
          const value = Reflect.get(target, property, receiver);
          return typeof value === 'function' ? value.bind(target) : value;
        }
      }
    },
  });
}
