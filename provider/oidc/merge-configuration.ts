import type { Configuration } from 'oidc-provider';

/**
 * Lays `overlay` over `base`: nested option objects merge key by key, anything else (arrays,
 * functions, values) is replaced, as oidc-provider itself merges a configuration over its
 * defaults.
 */
export function mergeConfiguration(base: Configuration, overlay: Configuration): Configuration {
  return merge(base as Record<string, unknown>, overlay as Record<string, unknown>);
}

function merge(base: Record<string, unknown>, overlay: Record<string, unknown>) {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overlay)) {
    const current = merged[key];
    merged[key] = isOptionObject(current) && isOptionObject(value) ? merge(current, value) : value;
  }
  return merged;
}

function isOptionObject(value: unknown): value is Record<string, unknown> {
  return Object.prototype.toString.call(value) === '[object Object]';
}
