/**
 * The authorization server as the resource server of its access tokens: Okta's JWTs for its
 * audience, with every scope the server may grant. Read by the provider's configuration and by
 * the grants Understudy adds (Direct Authentication), so both issue the same tokens.
 */
import type { ResourceServer } from 'oidc-provider';
import type { SeedAuthorizationServer } from '../../../seed/schema.js';
import { claimsByScope } from '../../oidc/accounts.js';
import { tokenLifetimes } from './lifetimes.js';

/** The server as the resource server of its access tokens: Okta's JWTs for its audience. */
export function resourceServerInfo(server: SeedAuthorizationServer): ResourceServer {
  return {
    audience: server.audience,
    scope: grantableScopes(server),
    accessTokenFormat: 'jwt',
    accessTokenTTL: tokenLifetimes.accessToken,
    jwt: { sign: { alg: 'RS256' } },
  };
}

/** Every scope the server's access tokens may carry: its resource server's `scope`. */
export function grantableScopes(server: SeedAuthorizationServer): string {
  return [...Object.keys(claimsByScope), 'offline_access', ...server.scopes].join(' ');
}
