/**
 * The scopes a direct grant's tokens carry, decided as the authorize endpoint decides them for
 * a first-party app: the requested ones the server knows (others are left out, as oidc-provider
 * leaves them out of a code), offline_access only for a client allowed refresh tokens, and on
 * the org server the Okta API scopes only for the apps granted them (invalid_scope otherwise,
 * as oidc-provider answers client_credentials).
 */
import { errors, type ResourceServer, type TokenEndpointGrantContext } from 'oidc-provider';

export function grantedScopes(
  ctx: TokenEndpointGrantContext,
  scope: string,
  resourceServer: ResourceServer,
): string[] {
  const { client } = ctx.oidc;
  const requested = [...new Set(scope.split(' ').filter(Boolean))];
  const known = new Set(resourceServer.scope.split(' '));
  const allowList = client.scope === undefined ? undefined : new Set(client.scope.split(' '));
  const denied = requested.find((name) => known.has(name) && allowList && !allowList.has(name));
  if (denied !== undefined) throw new errors.InvalidScope('requested scope is not allowed', denied);
  const granted = requested.filter(
    (name) =>
      known.has(name) && (name !== 'offline_access' || client.grantTypeAllowed('refresh_token')),
  );
  if (granted.length === 0) {
    throw new errors.InvalidScope(
      'none of the requested scopes is configured on this authorization server',
      scope,
    );
  }
  return granted;
}
