/**
 * createProvider: one oidc-provider instance per seeded authorization server, configured as a
 * plain, standard provider plus the Okta-shaped pieces from ./okta.
 */
import Provider, { type ClientMetadata, type Configuration, errors } from 'oidc-provider';
import type { Seed, SeedAuthorizationServer, SeedClient } from '../seed/schema.js';
import { type AccountStore, claimsByScope } from './accounts.js';
import { originAllowed } from './http/client-origins.js';
import { createLoadExistingGrant } from './interactions/grants.js';
import type { KeyMaterial } from './keys.js';
import type { AdapterFactory } from './memory-adapter.js';
import { createAccessTokenCustomizer } from './okta/access-token-claims.js';
import { deferLogout } from './okta/immediate-logout.js';
import { injectedConsentParam } from './okta/offline-access.js';
import { allowImplicitOnLocalhost } from './okta/implicit-on-localhost.js';
import { oktaRoutes, tokenLifetimes } from './okta/routes.js';
import {
  renderDeviceSuccess,
  renderUserCodeConfirm,
  renderUserCodeInput,
} from './views/device-pages.js';
import { renderErrorPage } from './views/error-page.js';
import { renderLoggedOut } from './views/logout-pages.js';

export interface CreateProviderOptions {
  issuer: string;
  /** Path the provider is mounted at on the host app, e.g. /oauth2/default. */
  mountPath: string;
  server: SeedAuthorizationServer;
  seed: Seed;
  accounts: AccountStore;
  keys: KeyMaterial;
  adapter: AdapterFactory;
}

const twoWeeks = 14 * 24 * 3600;

export function createProvider(options: CreateProviderOptions): Provider {
  const { issuer, mountPath, server, seed, accounts, keys, adapter } = options;
  const seedClients = new Map(seed.clients.map((client) => [client.client_id, client]));
  const isFirstParty = (clientId: string) => seedClients.get(clientId)?.consentRequired === false;
  const customClaimNames = [...new Set(seed.users.flatMap((user) => Object.keys(user.claims)))];
  const allScopes = [...Object.keys(claimsByScope), 'offline_access', ...server.scopes].join(' ');
  const cookiePrefix = `understudy_${server.id}`;

  const configuration: Configuration = {
    adapter,
    clients: seed.clients.map(toClientMetadata),
    findAccount: accounts.findAccount,
    jwks: { keys: keys.signingKeys.map((key) => ({ ...key })) },
    cookies: {
      keys: [...keys.cookieSecrets],
      names: {
        session: `${cookiePrefix}_session`,
        interaction: `${cookiePrefix}_interaction`,
        resume: `${cookiePrefix}_resume`,
      },
    },
    routes: oktaRoutes,
    claims: {
      acr: null,
      sid: null,
      iss: null,
      ...claimsByScope,
      // Under `openid` so they reach the ID token; claims() leaves them out of userinfo.
      openid: ['sub', 'ver', 'idp', 'amr', 'auth_time', ...customClaimNames],
    },
    scopes: ['openid', 'offline_access'],
    extraParams: [injectedConsentParam],
    interactions: {
      url: (_ctx, interaction) => `${mountPath}/interaction/${interaction.uid}`,
    },
    loadExistingGrant: createLoadExistingGrant(isFirstParty),
    pkce: {
      required: (_ctx, client) =>
        client.tokenEndpointAuthMethod === 'none' ||
        seedClients.get(client.clientId)?.requirePkce === true,
    },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: { enabled: true, allowedPolicy: mayIntrospect },
      revocation: { enabled: true, allowedPolicy: allowOwnTokens },
      deviceFlow: {
        enabled: true,
        charset: 'base-20',
        mask: '********',
        userCodeInputSource: (ctx, form, out) => {
          ctx.type = 'html';
          ctx.body = renderUserCodeInput(form, out?.error_description);
        },
        userCodeConfirmSource: (ctx, form, client, _deviceInfo, userCode) => {
          ctx.type = 'html';
          ctx.body = renderUserCodeConfirm(form, client.clientName ?? client.clientId, userCode);
        },
        successSource: (ctx) => {
          ctx.type = 'html';
          const client = ctx.oidc.client;
          ctx.body = renderDeviceSuccess(client?.clientName ?? client?.clientId ?? 'The device');
        },
      },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: deferLogout,
        postLogoutSuccessSource: (ctx) => {
          ctx.type = 'html';
          ctx.body = renderLoggedOut();
        },
      },
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
          return {
            audience: server.audience,
            scope: allScopes,
            accessTokenFormat: 'jwt',
            accessTokenTTL: tokenLifetimes.accessToken,
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
    },
    formats: { customizers: { jwt: createAccessTokenCustomizer(accounts) } },
    clientBasedCORS: (_ctx, origin, client) => {
      const seedClient = seedClients.get(client.clientId);
      return seedClient !== undefined && originAllowed(seedClient, origin);
    },
    rotateRefreshToken: (ctx) => ctx.oidc.client?.tokenEndpointAuthMethod === 'none',
    ttl: {
      AccessToken: tokenLifetimes.accessToken,
      AuthorizationCode: tokenLifetimes.authorizationCode,
      ClientCredentials: tokenLifetimes.accessToken,
      DeviceCode: tokenLifetimes.deviceCode,
      IdToken: tokenLifetimes.idToken,
      Interaction: 3600,
      RefreshToken: server.refreshTokenLifetimeSeconds,
      Grant: Math.max(server.refreshTokenLifetimeSeconds, twoWeeks),
      Session: twoWeeks,
      BackchannelAuthenticationRequest: 600,
    },
    discovery: {
      introspection_endpoint_auth_methods_supported: [
        'client_secret_basic',
        'client_secret_post',
        'none',
      ],
    },
    renderError: (ctx, out) => {
      ctx.type = 'html';
      ctx.body = renderErrorPage({
        error: out.error,
        error_description: out.error_description,
      });
    },
  };

  const provider = new Provider(issuer, configuration);
  allowImplicitOnLocalhost(provider);
  provider.on('server_error', (_ctx, error) => {
    console.error(`understudy: server_error at ${server.id}:`, error);
  });
  return provider;
}

function toClientMetadata(client: SeedClient): ClientMetadata {
  return {
    client_id: client.client_id,
    ...(client.client_secret === undefined ? {} : { client_secret: client.client_secret }),
    client_name: client.client_name,
    token_endpoint_auth_method: client.token_endpoint_auth_method,
    grant_types: [...client.grant_types],
    response_types: [...client.response_types],
    redirect_uris: [...client.redirect_uris],
    post_logout_redirect_uris: [...client.post_logout_redirect_uris],
    // Okta always puts auth_time in its ID tokens.
    require_auth_time: true,
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
