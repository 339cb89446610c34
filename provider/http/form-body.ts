/**
 * Reads an application/x-www-form-urlencoded body that we answer ourselves, within
 * oidc-provider's own form limit, so every form the host reads has the same bound.
 */
import type { Context } from 'koa';
import { readBody } from './read-body.js';

export const formBodyLimit = 56 * 1024;

/** The form, empty when the request is not a form; a body over the limit is a 413. */
export async function readFormBody(ctx: Context): Promise<URLSearchParams> {
  if (!ctx.is('application/x-www-form-urlencoded')) return new URLSearchParams();
  const body = await readBody(ctx, formBodyLimit);
  return new URLSearchParams(body.toString('utf8'));
}
