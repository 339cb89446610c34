/**
 * What oidc-provider's configuration needs to answer as an Okta custom authorization server:
 * Okta's paths, token lifetimes and claims, JWT access tokens for the server's audience,
 * refresh tokens for offline_access, trusted origins, and the immediate logout.
 */
import type Provider from 'oidc-provider';
import { type Configuration, errors } from 'oidc-provider';
import type { Seed, SeedAuthorizationServer } from '../../../seed/schema.js';
import { originAllowed } from '../../http/client-origins.js';
import type { RevocationList } from '../../store/revoked-tokens.js';
import { createLoadExistingGrant } from '../../interactions/grants.js';
import { type AccountStore, claimsByScope } from '../../oidc/accounts.js';
import { createAccessTokenCustomizer } from './access-token-claims.js';
import { oktaFindAccount } from './id-token-claims.js';
import { deferLogout } from '../provider-patches/immediate-logout.js';
import { allowImplicitOnLocalhost } from '../provider-patches/implicit-on-localhost.js';
import { sessionLifetime, tokenLifetimes } from './lifetimes.js';
import { injectedConsentParam } from './offline-access.js';
import { registerPostMessageMode } from './post-message-mode.js';
import { providerPaths } from './route-table.js';
import { resourceServerInfo } from './resource-server.js';
import { claimsByScopeFor, groupsClaim } from './token-claims.js';
import { loginPolicy } from '../authenticators/login-policy.js';
import { oktaAcrValues } from '../authenticators/policy.js';

export interface OktaConfigurationOptions {
  server: SeedAuthorizationServer;
  seed: Seed;
  accounts: AccountStore;
  /** Revoked JWT access tokens; a revoked grant revokes the ones it issued. */
  revoked: RevocationList;
  /**
   * The org authorization server: its tokens stay Bearer tokens even when a DPoP proof comes
   * along (okta-sdk-nodejs always sends one), as for an Okta service app without DPoP required.
   */
  org?: boolean;
}

export interface OktaSetup {
  /** Laid over the standard provider configuration. */
  overlay: Configuration;
  /** What the configuration cannot say, applied to the provider once it exists. */
  adapt(provider: Provider): void;
}

export function oktaConfiguration({
  server,
  seed,
  accounts,
  revoked,
  org = false,
}: OktaConfigurationOptions): OktaSetup {
  const seedClients = new Map(seed.clients.map((client) => [client.client_id, client]));
  const customClaimNames = [...new Set(seed.users.flatMap((user) => Object.keys(user.claims)))];
  const groups = groupsClaim(server);

  const isFirstParty = (clientId: string) => seedClients.get(clientId)?.consentRequired === false;

  const overlay: Configuration = {
    routes: providerPaths,
    // Okta's discovery lists the server's own scopes too.
    scopes: ['openid', 'offline_access', ...server.scopes],
    loadExistingGrant: createLoadExistingGrant(isFirstParty),
    findAccount: oktaFindAccount(accounts, seed.org.id, groups),
    interactions: { policy: loginPolicy(seedClients, accounts) },
    acrValues: Object.keys(oktaAcrValues),
    // Okta always puts auth_time in its ID tokens.
    clientDefaults: { require_auth_time: true },
    claims: {
      ...claimsByScopeFor(groups, claimsByScope),
      acr: null,
      sid: null,
      iss: null,
      // Under `openid` so they reach the ID token; claims() leaves them out of userinfo.
      openid: ['sub', 'ver', 'idp', 'amr', 'auth_time', ...customClaimNames],
    },
    extraParams: [injectedConsentParam],
    pkce: {
      required: (_ctx, client) =>
        client.tokenEndpointAuthMethod === 'none' ||
        seedClients.get(client.clientId)?.requirePkce === true,
    },
    features: {
      ...(org ? { dPoP: { enabled: false } } : {}),
      introspection: { allowedPolicy: mayIntrospect },
      revocation: { allowedPolicy: allowOwnTokens },
      rpInitiatedLogout: { logoutSource: deferLogout },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => server.audience,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resourceIndicator) => {
          if (resourceIndicator !== server.audience) {
            throw new errors.InvalidTarget(
              `this authorization server only issues tokens for ${server.audience}`,
            );
          }
          return resourceServerInfo(server);
        },
      },
    },
    formats: { customizers: { jwt: createAccessTokenCustomizer(accounts, groups, revoked) } },
    clientBasedCORS: (_ctx, origin, client) => {
      const seedClient = seedClients.get(client.clientId);
      return seedClient !== undefined && originAllowed(seedClient, origin);
    },
    // Okta rotates the refresh tokens of browser apps, which cannot keep a secret.
    rotateRefreshToken: (ctx) => ctx.oidc.client?.tokenEndpointAuthMethod === 'none',
    ttl: {
      AccessToken: tokenLifetimes.accessToken,
      AuthorizationCode: tokenLifetimes.authorizationCode,
      ClientCredentials: tokenLifetimes.accessToken,
      DeviceCode: tokenLifetimes.deviceCode,
      IdToken: tokenLifetimes.idToken,
      Interaction: 3600,
      RefreshToken: server.refreshTokenLifetimeSeconds,
      Grant: Math.max(server.refreshTokenLifetimeSeconds, sessionLifetime),
      Session: sessionLifetime,
      BackchannelAuthenticationRequest: 600,
    },
  };
  return {
    overlay,
    adapt(provider) {
      allowImplicitOnLocalhost(provider);
      registerPostMessageMode(provider, seedClients);
    },
  };
}

/** Confidential clients (resource servers) may introspect any token; public ones their own. */
function mayIntrospect(
  _ctx: unknown,
  client: { clientId: string; tokenEndpointAuthMethod?: string | undefined },
  token: { clientId?: string | undefined },
): boolean {
  return client.tokenEndpointAuthMethod !== 'none' || token.clientId === client.clientId;
}

/** Clients may revoke their own tokens only. */
function allowOwnTokens(
  _ctx: unknown,
  client: { clientId: string },
  token: { clientId?: string | undefined },
): boolean {
  return token.clientId === client.clientId;
}
