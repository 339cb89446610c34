/**
 * Okta's cursor paging: `limit` (clamped to the collection's maximum) and an opaque `after`,
 * with `link: <…>; rel="self"` on every page and `rel="next"` on all but the last. Items are
 * ordered by id, so a cursor stays valid while others are added or removed.
 */
import type { Context } from 'koa';
import { OktaApiError } from '../org/api-error.js';
import { queryValue } from './query.js';

export interface PageLimits {
  defaultLimit: number;
  maxLimit: number;
}

export function readLimit(ctx: Context, limits: PageLimits): number {
  const text = queryValue(ctx, 'limit');
  if (text === undefined) return limits.defaultLimit;
  if (!text || !/^\d+$/.test(text) || Number(text) < 1) {
    throw new OktaApiError(400, 'E0000001', 'Api validation failed: limit', {
      causes: ['limit: must be a positive whole number'],
    });
  }
  return Math.min(Number(text), limits.maxLimit);
}

/** One page of `items`, and the link headers that lead on from it. */
export function page<T extends { id: string }>(
  ctx: Context,
  origin: string,
  items: readonly T[],
  limits: PageLimits,
): T[] {
  const limit = readLimit(ctx, limits);
  const cursor = queryValue(ctx, 'after');
  const after = cursor === undefined ? undefined : decodeCursor(cursor);
  const sorted = [...items].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const rest = after === undefined ? sorted : sorted.filter((item) => item.id > after);
  const shown = rest.slice(0, limit);
  const self = new URL(ctx.path, origin);
  for (const [name, value] of Object.entries(ctx.query)) {
    for (const one of Array.isArray(value) ? value : [value ?? '']) {
      self.searchParams.append(name, one);
    }
  }
  ctx.append('link', `<${self.href}>; rel="self"`);
  const last = shown.at(-1);
  if (last && rest.length > shown.length) {
    const next = new URL(self);
    next.searchParams.set('after', encodeCursor(last.id));
    next.searchParams.set('limit', String(limit));
    ctx.append('link', `<${next.href}>; rel="next"`);
  }
  return shown;
}

function encodeCursor(id: string): string {
  return Buffer.from(id).toString('base64url');
}

function decodeCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString();
  if (!/^[A-Za-z0-9]{20}$/.test(id)) {
    throw new OktaApiError(400, 'E0000001', 'Api validation failed: after', {
      causes: ['after: is not a cursor from a link header of this list'],
    });
  }
  return id;
}
