import type { Context } from 'koa';
import { InvalidRequest } from './errors.js';
import { readBody } from './read-body.js';

const limit = 64 * 1024;

/** Reads a JSON object body; anything else is an invalid_request that says what is wrong. */
export async function readJsonBody(ctx: Context): Promise<Record<string, unknown>> {
  const text = (await readBody(ctx, limit)).toString('utf8');
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new InvalidRequest(`the body is not valid JSON: ${(cause as Error).message}`, { cause });
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new InvalidRequest('the body must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}
