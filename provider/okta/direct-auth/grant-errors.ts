/**
 * How the direct grants refuse a request: oidc-provider's own errors, so its error handler
 * answers them at /v1/token as it answers its own grants' (`{error, error_description}`).
 * oidc-provider's InvalidGrant always says "grant request is invalid"; these say what Okta says.
 */
import { errors, type KoaContextWithOIDC } from 'oidc-provider';

/** Okta's words for a wrong username, password or code, and for a user who may not sign in. */
export const invalidCredentials = 'The credentials provided were invalid.';

export function invalidGrant(description: string): errors.OIDCProviderError {
  const error = new errors.InvalidGrant();
  error.error_description = description;
  return error;
}

/** The named form parameters, as strings; invalid_request naming the ones that are missing. */
export function requireParams<const Name extends string>(
  ctx: KoaContextWithOIDC,
  ...names: Name[]
): Record<Name, string> {
  const params = (ctx.oidc.params ?? {}) as Record<string, unknown>;
  const missing = names.filter((name) => typeof params[name] !== 'string' || params[name] === '');
  if (missing.length > 0) {
    const list = new Intl.ListFormat('en').format(missing.map((name) => `'${name}'`));
    throw new errors.InvalidRequest(
      `missing required parameter${missing.length > 1 ? 's' : ''} ${list}`,
    );
  }
  return Object.fromEntries(names.map((name) => [name, params[name]])) as Record<Name, string>;
}
