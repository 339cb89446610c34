import type { Context } from 'koa';

const limit = 64 * 1024;

/** Reads a JSON object body; a SyntaxError or RangeError says what is wrong with it. */
export async function readJsonBody(ctx: Context): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new RangeError('request body too large');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  const parsed: unknown = JSON.parse(text);
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new RangeError('the body must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}
