/**
 * A form body read in front of oidc-provider, and then read again by the provider when the
 * request is not answered here: the request it gets is a Proxy whose body streams the same
 * bytes (its own stream is spent). This relies on how oidc-provider reads a body (it iterates
 * `ctx.req` asynchronously after checking `readable`); test/unit/provider/okta/provider-patches
 * pins that with a real provider.
 */
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import type { Context } from 'koa';
import { formBodyLimit } from '../../http/form-body.js';
import { readBody } from '../../http/read-body.js';

/** The form (empty when the request is not one), left for the provider to read again. */
export async function readFormBodyForProvider(ctx: Context): Promise<URLSearchParams> {
  if (!ctx.is('application/x-www-form-urlencoded')) return new URLSearchParams();
  const body = await readBody(ctx, formBodyLimit);
  ctx.req = replayable(ctx.req, body);
  return new URLSearchParams(body.toString('utf8'));
}

/** Replaces the form body the provider will read (content-length with it). */
export function replaceFormBody(ctx: Context, form: URLSearchParams): void {
  const body = Buffer.from(form.toString());
  ctx.req.headers['content-length'] = String(body.length);
  ctx.req = replayable(ctx.req, body);
}

function replayable(req: IncomingMessage, body: Buffer): IncomingMessage {
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
