import type { IncomingMessage } from 'node:http';
import type { Context } from 'koa';
import { ClientClosedRequest, PayloadTooLarge } from './errors.js';

/** The raw request body, refused with a 413 as soon as it grows past `limit` bytes. */
export async function readBody(ctx: Context, limit: number): Promise<Buffer> {
  const declared = Number(ctx.get('content-length'));
  if (declared > limit) throw new PayloadTooLarge(limit);
  return readRequestBody(ctx.req, limit);
}

/** The same from the Node request, before any Koa context exists. */
export async function readRequestBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    // Past the limit the request is left open, not destroyed (as a plain for-await would, and
    // the socket with it): the 413 is answered first, then the rest is read off
    // (http/lingering-response). The iterator is also what a replayed body (okta's
    // provider-patches) stands in for.
    for await (const chunk of req.iterator({ destroyOnReturn: false })) {
      size += (chunk as Buffer).length;
      if (size > limit) throw new PayloadTooLarge(limit);
      chunks.push(chunk as Buffer);
    }
  } catch (error) {
    if (error instanceof PayloadTooLarge) throw error;
    // The request itself failed: the client hung up before it was whole.
    throw new ClientClosedRequest({ cause: error });
  }
  return Buffer.concat(chunks, size);
}
