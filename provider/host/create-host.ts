/**
 * createHost: the Koa host. Its own route (health), whatever the composition root puts in
 * front (the control API), one authorization server per /oauth2/{id}, each with its route
 * table, then Okta's org-level routes; one error boundary around all of it.
 */
import Router from '@koa/router';
import type { RequestListener } from 'node:http';
import Koa, { type Middleware } from 'koa';
import type Provider from 'oidc-provider';
import type { Seed, SeedAuthorizationServer } from '../../seed/schema.js';
import { createAccountStore } from '../oidc/accounts.js';
import { type KeyMaterial, publicJwk } from '../oidc/keys.js';
import { createProvider } from '../oidc/provider.js';
import type { LastLoginStore } from '../store/last-logins.js';
import {
  authorizationServerPath,
  type Directory,
  type IdxEngine,
  type SignInWidget,
  widgetAssets,
  oktaRequestId,
  orgAccessTokenVerifier,
  OktaNotFound,
  oktaConfiguration,
  oktaOrgRoutes,
  oktaRoutes,
  orgAuthorizationServer,
  orgClientScope,
  orgServerMountPath,
  orgServerPath,
  revokingGrantJwts,
  pathFor,
  type RouteName,
} from '../okta/index.js';
import type { AdapterFactory } from '../store/memory-adapter.js';
import type { RevocationList } from '../store/revoked-tokens.js';
import type { AutoLogin } from '../interactions/sign-in-factors.js';
import type { OutboxStore } from '../store/outbox.js';
import type { SessionTokenStore } from '../store/session-tokens.js';
import { CookieKeys } from '../http/cookie-keys.js';
import { errorBoundary } from './error-boundary.js';
import { requestGuards } from './request-guards.js';
import { originForm } from './request-target.js';
import { securityHeaders } from './security-headers.js';

export interface CreateHostOptions {
  /** e.g. http://localhost:4000; each issuer is {issuerBase}/oauth2/{id}. */
  issuerBase: string;
  seed: Seed;
  keys: KeyMaterial;
  /** Storage for each authorization server's provider, by id. */
  storageFor: (serverId: string) => AdapterFactory;
  /** Revoked JWT access tokens of each authorization server, by id. */
  revokedFor: (serverId: string) => RevocationList;
  /** The email and SMS codes sign-ins send, kept across rebuilds like the storage. */
  outbox: OutboxStore;
  /** Okta sessionTokens of the org, kept across rebuilds like the storage. */
  sessionTokens: SessionTokenStore;
  /** When the seeded users last changed (epoch seconds): their `updated_at`. */
  usersUpdatedAt: number;
  /** Changes the users and groups (the Management API); the host is rebuilt with the result. */
  changeDirectory: Directory['change'];
  /** When each user last signed in, kept across rebuilds like the storage. */
  lastLogins: LastLoginStore;
  /** When the seed was loaded (ISO): the date of users and groups the seed does not date. */
  seededAt: string;
  /** No one-click user picker (the seed can ask for that too). */
  requirePassword: boolean;
  /** Served over HTTPS: session cookies may then travel cross-site (SameSite=None; Secure). */
  crossSiteCookies: boolean;
  /** Okta's Sign-In Widget, installed, as the hosted page; Understudy's own page without. */
  signInWidget?: SignInWidget | undefined;
  /** Middleware in front of the authorization servers, inside the error boundary. */
  use?: readonly Middleware[] | undefined;
  /** Steps run first on a route of an authorization server. */
  before?:
    ((route: RouteName, server: SeedAuthorizationServer) => Middleware | undefined) | undefined;
  /** A user to sign in without the login page, asked once per login. */
  autoLogin?: (() => Promise<AutoLogin | undefined>) | undefined;
  /** A failure injected for the next code check (the control plane), if one waits. */
  injectedCodeFailure?:
    (() => Promise<{ error_description?: string | undefined } | undefined>) | undefined;
  /** A failure injected for the next IDX call (the control plane), if one waits. */
  injectedIdxFailure?:
    (() => Promise<{ error_description?: string | undefined } | undefined>) | undefined;
}

export interface UnderstudyHost {
  app: Koa;
  /** The Node request listener: the Koa app's callback. */
  listener: RequestListener;
  /** Issuer of each custom authorization server, by id. */
  issuers: ReadonlyMap<string, string>;
  providers: ReadonlyMap<string, Provider>;
}

export function createHost(options: CreateHostOptions): UnderstudyHost {
  const { issuerBase, seed, keys, sessionTokens } = options;
  const cookie = { httpOnly: true, sameSite: options.crossSiteCookies ? 'none' : 'lax' } as const;
  const app = new Koa();
  // The providers run on this app's ctx.cookies, so both must sign with the same keys.
  // Koa hands app.keys to its cookies as they are: a Keygrip-shaped object works as well.
  app.keys = new CookieKeys(keys.cookieSecrets) as unknown as string[];
  app.silent = true;

  const { signInWidget } = options;
  const accounts = createAccountStore(seed, options.usersUpdatedAt, options.lastLogins);
  const issuers = new Map<string, string>();
  const providers = new Map<string, Provider>();
  const servers = new Map<string, Middleware>();
  const idxEngines = new Map<string, IdxEngine>();
  const orgServer = orgAuthorizationServer(issuerBase);

  const buildServer = (server: SeedAuthorizationServer, isOrg: boolean) => {
    const prefix = isOrg ? orgServerMountPath : authorizationServerPath(server.id);
    const issuer = isOrg ? issuerBase : `${issuerBase}${prefix}`;
    const revoked = options.revokedFor(server.id);
    const okta = oktaConfiguration({ server, seed, accounts, revoked, org: isOrg });
    const provider = createProvider({
      issuer,
      clients: seed.clients,
      findAccount: accounts.findAccount,
      keys,
      adapter: revokingGrantJwts(options.storageFor(server.id), revoked),
      cookiePrefix: `understudy_${server.id}`,
      crossSiteCookies: options.crossSiteCookies,
      interactionUrl: (uid) => `${prefix}${pathFor('interaction', { uid })}`,
      overlay: okta.overlay,
      // Okta API scopes only for the apps granted them, as an Okta admin grants them.
      clientScope: isOrg ? orgClientScope : undefined,
    });
    okta.adapt(provider);
    const { routes, idx } = oktaRoutes({
      provider,
      issuer,
      server,
      mountPath: prefix,
      seed,
      accounts,
      keys,
      revoked,
      sessionTokens,
      cookie,
      csrfSecret: keys.cookieSecrets[0] ?? '',
      requirePassword: options.requirePassword || seed.requirePassword,
      storage: options.storageFor(server.id),
      outbox: options.outbox,
      before: options.before && ((route) => options.before?.(route, server)),
      autoLogin: options.autoLogin,
      injectedCodeFailure: options.injectedCodeFailure,
      signInWidget,
    });
    return { provider, routes, idx, issuer, prefix };
  };

  for (const server of seed.authorizationServers) {
    const built = buildServer(server, false);
    issuers.set(server.id, built.issuer);
    providers.set(server.id, built.provider);
    servers.set(built.prefix, built.routes);
    idxEngines.set(server.id, built.idx);
  }
  // The org server is built on its first request: most apps never call it, and a provider
  // costs milliseconds of every start and of every rebuild.
  let orgBuilt: ReturnType<typeof buildServer> | undefined;
  const orgRoutes: Middleware = (ctx, next) =>
    (orgBuilt ??= buildServer(orgServer, true)).routes(ctx, next);

  const root = new Router();
  root.get('health', '/health', (ctx) => {
    ctx.set('cache-control', 'no-store');
    ctx.body = { status: 'ok' };
  });
  const [first] = seed.authorizationServers;
  const orgApis = oktaOrgRoutes({
    issuerBase,
    seed,
    accounts,
    // The org server's sessions count too, once it has any.
    providers: () => [...providers.values(), ...(orgBuilt ? [orgBuilt.provider] : [])],
    sessionTokens,
    cookie,
    verificationPath:
      first && `${authorizationServerPath(first.id)}${pathFor('code_verification')}`,
    directory: {
      current: () => seed,
      change: options.changeDirectory,
      lastLogins: options.lastLogins,
    },
    seededAt: options.seededAt,
    idxFor: (serverId) =>
      serverId === orgServer.id
        ? (orgBuilt ??= buildServer(orgServer, true)).idx
        : idxEngines.get(serverId),
    injectedIdxFailure: options.injectedIdxFailure,
    widgetAssets: signInWidget && widgetAssets(signInWidget),
    verifyAccessToken: orgAccessTokenVerifier({
      issuer: issuerBase,
      publicKeys: keys.signingKeys.map(publicJwk),
      revoked: options.revokedFor(orgServer.id),
    }),
  });

  app.use(securityHeaders);
  app.use(oktaRequestId);
  app.use(errorBoundary);
  app.use(requestGuards);
  app.use(root.routes());
  for (const middleware of options.use ?? []) app.use(middleware);
  app.use(mountAuthorizationServers(servers, orgRoutes));
  app.use(orgApis);
  app.use((ctx) => {
    throw new OktaNotFound(ctx.method, ctx.path);
  });
  const callback = app.callback();
  const listener: RequestListener = (req, res) => {
    if (req.url !== undefined) req.url = originForm(req.url);
    void callback(req, res);
  };
  return { app, listener, issuers, providers };
}

/**
 * One lookup by the first two path segments, then the server's routes with the path relative
 * to it, as koa-mount would do for each server in turn; what no custom server claims may be
 * the org server's (/oauth2/v1/*, and discovery at the origin).
 */
function mountAuthorizationServers(
  servers: ReadonlyMap<string, Middleware>,
  org: Middleware,
): Middleware {
  return async (ctx, next) => {
    const path = ctx.path;
    const end = path.indexOf('/', path.indexOf('/', 1) + 1);
    const prefix = end < 0 ? path : path.slice(0, end);
    const custom = servers.get(prefix);
    const orgPath = custom ? undefined : orgServerPath(path);
    const server = custom ?? (orgPath === undefined ? undefined : org);
    if (!server) return next();
    // oidc-provider builds its URLs from the mount path, as under koa-mount.
    (ctx as { mountPath?: string }).mountPath = custom ? prefix : orgServerMountPath;
    ctx.path = orgPath ?? (end < 0 ? '/' : path.slice(end));
    try {
      await server(ctx, async () => {
        ctx.path = path;
        await next();
      });
    } finally {
      ctx.path = path;
    }
  };
}
