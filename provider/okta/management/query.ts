/**
 * A list's query: `q`, `filter` and `search` (parsed once, with what each resource lets a
 * filter name), and single values however often a parameter is repeated (the first counts).
 */
import type { Context } from 'koa';
import { OktaApiError } from '../org/api-error.js';
import { ExpressionError, type Operator, parseExpression } from './expression.js';

export function queryValue(ctx: Context, name: string): string | undefined {
  const value = ctx.query[name];
  return Array.isArray(value) ? value[0] : value;
}

const filterOperators = new Set<Operator>(['eq', 'gt', 'ge', 'lt', 'le']);

/** `filterAttributes`: what `filter` may name (lower case); `search` may name anything. */
export function listQuery(ctx: Context, filterAttributes: ReadonlySet<string>) {
  const filter = queryValue(ctx, 'filter');
  const search = queryValue(ctx, 'search');
  try {
    return {
      filter:
        filter === undefined
          ? undefined
          : parseExpression(filter, {
              operators: filterOperators,
              attributes: (name) => filterAttributes.has(name.toLowerCase()),
            }),
      search: search === undefined ? undefined : parseExpression(search),
      q: queryValue(ctx, 'q')?.toLowerCase(),
    };
  } catch (error) {
    if (!(error instanceof ExpressionError)) throw error;
    throw new OktaApiError(400, 'E0000031', 'Invalid search criteria.', {
      causes: [error.message],
    });
  }
}
