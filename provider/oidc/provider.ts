/**
 * createProvider: one standard oidc-provider instance. Everything here is plain OpenID
 * Connect: seeded clients and accounts, persisted keys, our pages for the device flow, logout
 * and errors. What makes it look like Okta comes in as `overlay`, from okta/.
 */
import Provider, { type ClientMetadata, type Configuration, type FindAccount } from 'oidc-provider';
import type { SeedClient } from '../../seed/schema.js';
import { cspNonce } from '../http/content-security.js';
import { CookieKeys } from '../http/cookie-keys.js';
import { ServiceUnavailable, unavailable } from '../http/errors.js';
import type { AdapterFactory } from '../store/memory-adapter.js';
import {
  renderDeviceSuccess,
  renderUserCodeConfirm,
  renderUserCodeInput,
} from '../views/device-pages.js';
import { renderErrorPage } from '../views/error-page.js';
import { renderLoggedOut } from '../views/logout-pages.js';
import { claimsByScope } from './accounts.js';
import type { KeyMaterial } from './keys.js';
import { signingKey } from './signing-key.js';
import { mergeConfiguration } from './merge-configuration.js';

export interface CreateProviderOptions {
  issuer: string;
  clients: readonly SeedClient[];
  findAccount: FindAccount;
  keys: KeyMaterial;
  adapter: AdapterFactory;
  /** Several providers share one host, so each keeps its cookies under its own names. */
  cookiePrefix: string;
  /**
   * Over HTTPS the cookies are SameSite=None (and Secure), so a session reaches the provider
   * from a page on another site, as in a hidden iframe; over plain http browsers refuse None.
   */
  crossSiteCookies: boolean;
  /** Where the login and consent pages of an interaction are. */
  interactionUrl: (uid: string) => string;
  /** Laid over the standard configuration (nested options merge, the rest replaces). */
  overlay?: Configuration;
  /** The scopes each client may ask for; any, when absent. */
  clientScope?: ((client: SeedClient) => string) | undefined;
}

export function createProvider(options: CreateProviderOptions): Provider {
  const { issuer, keys, cookiePrefix } = options;
  const standard: Configuration = {
    adapter: options.adapter,
    clients: options.clients.map((client) => ({
      ...toClientMetadata(client),
      ...(options.clientScope ? { scope: options.clientScope(client) } : {}),
    })),
    findAccount: options.findAccount,
    jwks: { keys: keys.signingKeys.map(signingKey) },
    cookies: {
      // Keygrip-shaped: oidc-provider takes an instance as well as an array.
      keys: new CookieKeys(keys.cookieSecrets) as unknown as string[],
      long: { httpOnly: true, sameSite: options.crossSiteCookies ? 'none' : 'lax' },
      short: { httpOnly: true, sameSite: options.crossSiteCookies ? 'none' : 'lax' },
      names: {
        session: `${cookiePrefix}_session`,
        interaction: `${cookiePrefix}_interaction`,
        resume: `${cookiePrefix}_resume`,
      },
    },
    claims: { ...claimsByScope },
    scopes: ['openid', 'offline_access'],
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'],
    interactions: { url: (_ctx, interaction) => options.interactionUrl(interaction.uid) },
    features: {
      devInteractions: { enabled: false },
      externalSigningSupport: { enabled: true, ack: 'experimental-01' },
      clientCredentials: { enabled: true },
      introspection: { enabled: true },
      revocation: { enabled: true },
      deviceFlow: {
        enabled: true,
        charset: 'base-20',
        mask: '********',
        userCodeInputSource: (ctx, form, out) => {
          ctx.type = 'html';
          ctx.body = renderUserCodeInput(form, out?.error_description, cspNonce(ctx));
        },
        userCodeConfirmSource: (ctx, form, client, _deviceInfo, userCode) => {
          ctx.type = 'html';
          ctx.body = renderUserCodeConfirm(
            form,
            client.clientName ?? client.clientId,
            userCode,
            cspNonce(ctx),
          );
        },
        successSource: (ctx) => {
          ctx.type = 'html';
          const client = ctx.oidc.client;
          ctx.body = renderDeviceSuccess(
            client?.clientName ?? client?.clientId ?? 'The device',
            cspNonce(ctx),
          );
        },
      },
      rpInitiatedLogout: {
        enabled: true,
        postLogoutSuccessSource: (ctx) => {
          ctx.type = 'html';
          ctx.body = renderLoggedOut(cspNonce(ctx));
        },
      },
    },
    renderError: (ctx, out) => {
      ctx.type = 'html';
      ctx.body = renderErrorPage(
        { error: out.error, error_description: out.error_description },
        cspNonce(ctx),
      );
    },
  };

  const configuration = options.overlay ? mergeConfiguration(standard, options.overlay) : standard;
  const provider = new Provider(issuer, configuration);
  provider.on('server_error', (ctx, error) => {
    // A store that is not answering is an outage (said once where it happens), not a bug:
    // the route table answers it as a 503 once the provider has given up on the request.
    if (error instanceof ServiceUnavailable) {
      (ctx.state as Record<symbol, unknown>)[unavailable] = error;
      return;
    }
    console.error(`understudy: server_error at ${issuer}:`, error);
  });
  return provider;
}

function toClientMetadata(client: SeedClient): ClientMetadata {
  // A service app (client_credentials only) has no redirects, hence no response types.
  const redirects = client.grant_types.some(
    (grant) => grant === 'authorization_code' || grant === 'implicit',
  );
  return {
    client_id: client.client_id,
    ...(client.client_secret === undefined ? {} : { client_secret: client.client_secret }),
    ...(client.jwks === undefined
      ? {}
      : { jwks: { keys: client.jwks.keys.map((key) => ({ ...key })) } }),
    client_name: client.client_name,
    token_endpoint_auth_method: client.token_endpoint_auth_method,
    grant_types: [...client.grant_types],
    response_types: redirects ? [...client.response_types] : [],
    redirect_uris: [...client.redirect_uris],
    post_logout_redirect_uris: [...client.post_logout_redirect_uris],
  };
}
