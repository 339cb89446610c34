/**
 * createServer: the Koa host. It mounts each authorization server at /oauth2/{id}, puts the
 * Okta-shaped middleware and the login pages in front of it, and is the one error boundary.
 */
import Koa, { type Context, type Middleware } from 'koa';
import mount from 'koa-mount';
import type Provider from 'oidc-provider';
import { SeedError } from '../seed/errors.js';
import type { Seed } from '../seed/schema.js';
import { createAccountStore } from './accounts.js';
import { createInteractionRouter } from './interactions/router.js';
import { type KeyMaterial, publicJwk } from './keys.js';
import { issuerCheck } from './issuer-check.js';
import { activateRedirect } from './okta/activate.js';
import { deviceAuthorizationInterval } from './okta/device-authorization.js';
import { oktaDiscovery } from './okta/discovery.js';
import { immediateLogout } from './okta/immediate-logout.js';
import { jwtAccessTokenEndpoints } from './okta/jwt-access-tokens.js';
import { offlineAccessWithoutConsent } from './okta/offline-access.js';
import type { RevokedTokens } from './okta/revoked-tokens.js';
import { issuerFor, oktaRoutes } from './okta/routes.js';
import type { AdapterFactory } from './memory-adapter.js';
import { createProvider } from './provider.js';
import { controlApi } from './testkit/control-api.js';
import type { ControlState } from './testkit/control-state.js';
import type { UnderstudyControl } from './testkit/controller.js';
import { injectFailures } from './testkit/inject-failures.js';
import { renderErrorPage } from './views/error-page.js';

export interface CreateServerOptions {
  /** e.g. http://localhost:4000; each issuer is {issuerBase}/oauth2/{id}. */
  issuerBase: string;
  seed: Seed;
  keys: KeyMaterial;
  /** Storage for each authorization server's provider, by id. */
  storageFor: (serverId: string) => AdapterFactory;
  /** Revoked JWT access tokens of each authorization server, by id. */
  revokedFor: (serverId: string) => RevokedTokens;
  /** The control API and its state, when enabled. */
  control?: { state: ControlState; api: UnderstudyControl } | undefined;
}

export interface UnderstudyServer {
  app: Koa;
  /** Issuer of each authorization server, by id. */
  issuers: ReadonlyMap<string, string>;
  providers: ReadonlyMap<string, Provider>;
}

export function createServer(options: CreateServerOptions): UnderstudyServer {
  const { issuerBase, seed, keys, storageFor, revokedFor, control } = options;
  const app = new Koa();
  // koa-mount runs the provider on this app's ctx.cookies, so both must sign with the same keys.
  app.keys = [...keys.cookieSecrets];
  app.silent = true;

  const accounts = createAccountStore(seed);
  const clients = new Map(seed.clients.map((client) => [client.client_id, client]));
  const publicKeys = { keys: keys.signingKeys.map(publicJwk) };
  const issuers = new Map<string, string>();
  const providers = new Map<string, Provider>();

  app.use(errorBoundary);
  app.use(health);
  if (control) app.use(controlApi(control.api));

  for (const server of seed.authorizationServers) {
    const issuer = issuerFor(issuerBase, server.id);
    const mountPath = `/oauth2/${server.id}`;
    const provider = createProvider({
      issuer,
      mountPath,
      server,
      seed,
      accounts,
      keys,
      adapter: storageFor(server.id),
    });
    issuers.set(server.id, issuer);
    providers.set(server.id, provider);

    const interactions = createInteractionRouter({
      mountPath,
      provider,
      accounts,
      users: seed.users,
      clients,
      csrfSecret: keys.cookieSecrets[0] ?? '',
      control: control?.state,
    });
    app.use(issuerCheck(mountPath, issuer, server, seed));
    app.use(interactions.routes());
    if (control) {
      app.use(
        injectFailures(
          control.state,
          {
            authorize: `${mountPath}${oktaRoutes.authorization}`,
            token: `${mountPath}${oktaRoutes.token}`,
          },
          clients,
        ),
      );
    }
    app.use(oktaDiscovery(mountPath));
    app.use(deviceAuthorizationInterval(`${mountPath}${oktaRoutes.device_authorization}`));
    app.use(offlineAccessWithoutConsent(`${mountPath}${oktaRoutes.authorization}`));
    app.use(immediateLogout(provider));
    app.use(
      jwtAccessTokenEndpoints({
        mountPath,
        issuer,
        audience: server.audience,
        publicKeys,
        accounts,
        clients,
        revoked: revokedFor(server.id),
        routes: oktaRoutes,
      }),
    );
    app.use(mount(mountPath, provider));
  }

  const first = seed.authorizationServers[0];
  if (first) app.use(activateRedirect(`/oauth2/${first.id}${oktaRoutes.code_verification}`));
  app.use(unknownAuthorizationServer);
  return { app, issuers, providers };
}

/**
 * oidc-provider validates static clients on first use; do it up front so a seed client it
 * refuses stops start-up with the seed path instead of failing the first login.
 */
export async function assertClientsAccepted(
  { providers }: UnderstudyServer,
  seed: Seed,
  source: string,
): Promise<void> {
  const problems: string[] = [];
  for (const provider of providers.values()) {
    for (const [index, client] of seed.clients.entries()) {
      try {
        await provider.Client.find(client.client_id);
      } catch (error) {
        const { error_description, message } = error as {
          error_description?: string;
          message: string;
        };
        problems.push(`clients[${index}]: ${error_description ?? message}`);
      }
    }
    if (problems.length) throw new SeedError(source, problems);
  }
}

const health: Middleware = async (ctx, next) => {
  if (ctx.path !== '/health') return next();
  ctx.set('cache-control', 'no-store');
  ctx.body = { status: 'ok' };
};

/** Okta's answer for a path under no authorization server. */
const unknownAuthorizationServer: Middleware = async (ctx) => {
  ctx.status = 404;
  ctx.body = {
    errorCode: 'E0000007',
    errorSummary: `Not found: Resource not found: ${ctx.path} (${ctx.method})`,
    errorLink: 'E0000007',
    errorId: 'understudy',
    errorCauses: [],
  };
};

interface ProtocolError {
  status?: number;
  statusCode?: number;
  expose?: boolean;
  error?: string;
  error_description?: string;
  message?: string;
}

/**
 * Errors that escape our own routes (the provider answers its own) become the OAuth error
 * code and a readable page or JSON body; internals are logged, never shown.
 */
async function errorBoundary(ctx: Context, next: () => Promise<unknown>) {
  try {
    await next();
  } catch (caught) {
    const err = (caught ?? {}) as ProtocolError;
    const status = err.status ?? err.statusCode ?? 500;
    const exposed = status < 500 && err.expose !== false;
    if (!exposed) console.error('understudy: unhandled error', caught);
    const body = exposed
      ? {
          error: err.error ?? (status === 404 ? 'not_found' : 'invalid_request'),
          error_description: err.error_description ?? err.message,
        }
      : { error: 'server_error', error_description: 'oops! something went wrong' };
    ctx.status = exposed ? status : 500;
    ctx.set('cache-control', 'no-store');
    if (ctx.accepts('json', 'html') === 'html') {
      ctx.type = 'html';
      ctx.body = renderErrorPage({
        ...body,
        hint:
          (caught as Error)?.name === 'SessionNotFound'
            ? 'This sign-in has expired or was already completed. Go back to the application and sign in again.'
            : undefined,
      });
    } else {
      ctx.body = body;
    }
  }
}
