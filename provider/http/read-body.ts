import type { IncomingMessage } from 'node:http';
import type { Context } from 'koa';
import { PayloadTooLarge } from './errors.js';

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
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new PayloadTooLarge(limit);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
