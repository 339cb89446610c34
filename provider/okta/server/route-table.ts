/**
 * One route table per authorization server: every path Understudy answers under
 * /oauth2/{id}, by name, with the steps that run for it. Routes named as oidc-provider names
 * them end in the provider, which answers after the Okta steps beside them (a step may answer
 * first, or reshape the provider's answer on its way out); a path not in the table goes
 * straight to the provider, which answers its own routes (keys, logout confirmation, CORS
 * preflights) or passes it on to the host's 404. A step that finds its path names nothing
 * after all (a resume path of no sign-in) passes it on to the host's 404 the same way.
 */
import Router from '@koa/router';
import type { Middleware } from 'koa';
import compose from 'koa-compose';
import type Provider from 'oidc-provider';
import { oktaApiScopes } from '../../../seed/okta-api-scopes.js';
import type { Seed, SeedAuthorizationServer, SeedClient } from '../../../seed/schema.js';
import { publicJwk, type KeyMaterial } from '../../oidc/keys.js';
import { PayloadTooLarge, unavailable } from '../../http/errors.js';
import { formBodyLimit } from '../../http/form-body.js';
import { type AccountStore, claimsByScope } from '../../oidc/accounts.js';
import { createInteractions, type InteractionAction } from '../../interactions/handlers.js';
import { oktaDiscovery } from './discovery.js';
import { documentCache } from './document-cache.js';
import { deviceAuthorizationInterval } from './device-authorization.js';
import { deviceFormSession, deviceResumeSession } from '../provider-patches/device-form-session.js';
import { immediateLogout } from '../provider-patches/immediate-logout.js';
import { issuerDebug, warnOnForeignHost } from './issuer-debug.js';
import { jwtAccessTokenEndpoints } from './jwt-access-tokens.js';
import { offlineAccessWithoutConsent, onlyInjectedConsent } from './offline-access.js';
import { publicClientBasic } from './public-client-basic.js';
import type { RevocationList } from '../../store/revoked-tokens.js';
import { sessionLifetime } from './lifetimes.js';
import type { SessionCookieOptions } from '../provider-patches/browser-session.js';
import { sessionTokenAuthorize } from './session-token-login.js';
import { groupsClaim } from './token-claims.js';
import type { AutoLogin } from '../../interactions/sign-in-factors.js';
import { createCodeChallenges } from '../authenticators/challenges.js';
import { signInFactors } from '../authenticators/sign-in-factors.js';
import { registerDirectAuthGrants } from '../direct-auth/grants.js';
import { resourceServerInfo } from './resource-server.js';
import { createIdxEngine, type IdxEngine } from '../idx/idx-engine.js';
import { idxCors } from '../idx/idx-routes.js';
import { hostedWidgetPage } from '../idx/hosted-widget.js';
import type { SignInWidget } from '../idx/sign-in-widget.js';
import { registerInteractionCodeGrant } from '../idx/interaction-code-grant.js';
import { idxPaths } from '../idx/idx-paths.js';
import { originAllowed } from '../../http/client-origins.js';
import { unauthorizedGrantType } from './unauthorized-grant-type.js';
import { oktaFindAccount } from './id-token-claims.js';
import type { AdapterFactory } from '../../store/memory-adapter.js';
import type { OutboxStore } from '../../store/outbox.js';
import type { SessionTokenStore } from '../../store/session-tokens.js';

/** Okta's paths for oidc-provider's routes, by oidc-provider's names. */
export const providerPaths = {
  authorization: '/v1/authorize',
  token: '/v1/token',
  jwks: '/v1/keys',
  userinfo: '/v1/userinfo',
  end_session: '/v1/logout',
  introspection: '/v1/introspect',
  revocation: '/v1/revoke',
  device_authorization: '/v1/device/authorize',
  code_verification: '/v1/device/verify',
  pushed_authorization_request: '/v1/par',
} as const;

const paths = {
  ...providerPaths,
  interact: '/v1/interact',
  discovery: '/.well-known/openid-configuration',
  oauth_discovery: '/.well-known/oauth-authorization-server',
  // oidc-provider's own, at the paths it derives from authorization and code_verification:
  // where the sign-in pages send the browser back.
  resume: '/v1/authorize/:uid',
  device_resume: '/v1/device/verify/:uid',
  debug: '/debug',
  interaction: '/interaction/:uid',
  'interaction.login': '/interaction/:uid/login',
  'interaction.confirm': '/interaction/:uid/confirm',
  'interaction.abort': '/interaction/:uid/abort',
} as const;

export type RouteName = keyof typeof paths;

/** Where authorization server `id` lives on the host; its issuer is this under the origin. */
export function authorizationServerPath(id: string): string {
  return `/oauth2/${id}`;
}

/**
 * Okta's org authorization server: its issuer is the origin itself, its endpoints are the same
 * /v1/* paths under /oauth2 (/oauth2/v1/token), and its discovery is at the origin's
 * /.well-known. Its tokens are for Okta's own APIs (/api/v1), as on Okta.
 */
export const orgServerMountPath = '/oauth2';

export function orgAuthorizationServer(issuerBase: string): SeedAuthorizationServer {
  return {
    id: 'org',
    name: 'org',
    audience: issuerBase,
    scopes: [...oktaApiScopes],
    refreshTokenLifetimeSeconds: 7_776_000,
    // Okta's org server puts a groups claim in ID tokens only (an app's "Groups claim filter").
    groupsClaim: { name: 'groups', filter: { type: 'regex', value: '.*' }, include: 'idToken' },
  };
}

/** What a client may ask the org server for: the OIDC scopes, and the Okta API scopes it was granted. */
export function orgClientScope(client: SeedClient): string {
  return [...Object.keys(claimsByScope), 'offline_access', ...client.oktaApiScopes].join(' ');
}

/** Paths at the origin that belong to the org authorization server, relative to its mount. */
export function orgServerPath(path: string): string | undefined {
  if (path === paths.discovery || path === paths.oauth_discovery) return path;
  for (const section of ['/v1/', '/interaction/']) {
    if (path.startsWith(`${orgServerMountPath}${section}`)) {
      return path.slice(orgServerMountPath.length);
    }
  }
  if (path === `${orgServerMountPath}${paths.debug}`) return paths.debug;
  return undefined;
}

export function pathFor(name: RouteName, params: { uid?: string } = {}): string {
  return paths[name].replace(':uid', encodeURIComponent(params.uid ?? ''));
}

export interface OktaRoutesOptions {
  provider: Provider;
  issuer: string;
  server: SeedAuthorizationServer;
  /** Where the server's paths hang off the origin: /oauth2/{id}, or /oauth2 for the org's. */
  mountPath: string;
  seed: Seed;
  accounts: AccountStore;
  keys: KeyMaterial;
  revoked: RevocationList;
  sessionTokens: SessionTokenStore;
  /** How the browser session cookie is set (SameSite=None over HTTPS). */
  cookie: SessionCookieOptions;
  csrfSecret: string;
  /** Steps run first on a route (the control plane's injected failures). */
  before?: ((route: RouteName) => Middleware | undefined) | undefined;
  /** No one-click user picker on the login page. */
  requirePassword: boolean;
  /** The provider's store, where sign-ins keep their progress and codes. */
  storage: AdapterFactory;
  /** Where email and SMS codes go. */
  outbox: OutboxStore;
  /** A user to sign in without the login page, asked once per login. */
  autoLogin?: (() => Promise<AutoLogin | undefined>) | undefined;
  /** A failure injected for the next code check (the control plane), if one waits. */
  injectedCodeFailure?:
    (() => Promise<{ error_description?: string | undefined } | undefined>) | undefined;
  /** Okta's Sign-In Widget, installed, as the hosted page; Understudy's own page without. */
  signInWidget?: SignInWidget | undefined;
}

export interface OktaServerRoutes {
  routes: Middleware;
  /** The server's IDX sign-ins, which the org's /idp/idx routes hand requests to. */
  idx: IdxEngine;
}

/** A store outage oidc-provider answered as server_error goes to the host's boundary as a 503. */
const answerUnavailableStore: Middleware = async (ctx, next) => {
  await next();
  const error = (ctx.state as Record<symbol, unknown>)[unavailable];
  if (error) throw error;
};

/**
 * No route of an authorization server reads a body over the form limit (oidc-provider's own,
 * 56 KiB), and oidc-provider refuses one as a 400 without saying why: the size is a 413.
 */
const bodyWithinFormLimit: Middleware = (ctx, next) => {
  if (Number(ctx.get('content-length')) > formBodyLimit) throw new PayloadTooLarge(formBodyLimit);
  return next();
};

/** Set by a step whose path names nothing after all: the provider passes it on, to the 404. */
const notARoute = Symbol('notARoute');

/**
 * The resume path holds only the sign-in this browser has in progress: the uid in its resume
 * cookie, without a query, as oidc-provider links it. Any other /v1/authorize/{anything} is a
 * path Okta does not have; oidc-provider would answer some of them with a 500 (its error
 * handler reads a client_id from the query, then the parameters the resume never set).
 */
function signInInProgress(provider: Provider): Middleware {
  return (ctx, next) => {
    const uid = ctx.params.uid;
    const resumable =
      ctx.querystring === '' &&
      uid !== undefined &&
      ctx.cookies.get(provider.cookieName('resume')) === uid;
    if (!resumable) (ctx.state as Record<symbol, unknown>)[notARoute] = true;
    return next();
  };
}

/** The authorization server's requests, relative to its path; the provider answers last. */
export function oktaRoutes(options: OktaRoutesOptions): OktaServerRoutes {
  const { provider, issuer, server, seed, accounts } = options;
  const clients = new Map(seed.clients.map((client) => [client.client_id, client]));
  const prefix = options.mountPath;
  const challenges = createCodeChallenges({ storage: options.storage, outbox: options.outbox });
  const origin = new URL(issuer).origin;
  const idx = createIdxEngine({
    serverId: server.id,
    origin,
    tokenUrl: `${origin}${prefix}${paths.token}`,
    paths: idxPaths,
    provider,
    accounts,
    clients,
    challenges,
    storage: options.storage,
    identifierFirst: seed.signInPage.identifierFirst,
    cookie: options.cookie,
    sessionTtlSeconds: sessionLifetime,
    injectedCodeFailure: options.injectedCodeFailure,
    originAllowed,
  });
  const interactions = createInteractions({
    provider,
    accounts,
    users: accounts.signInable(),
    requirePassword: options.requirePassword,
    clients,
    csrfSecret: options.csrfSecret,
    actionUrl: (action: InteractionAction, uid) =>
      `${prefix}${pathFor(action === 'show' ? 'interaction' : `interaction.${action}`, { uid })}`,
    identifierFirst: seed.signInPage.identifierFirst,
    factors: signInFactors({ clients, challenges }),
    storage: options.storage,
    grantsSilently: ({ params, prompt }) => {
      const client = clients.get(String(params.client_id));
      return (
        client !== undefined &&
        (!client.consentRequired || onlyInjectedConsent(params, prompt.reasons))
      );
    },
    autoLogin: options.autoLogin,
    injectedCodeFailure: options.injectedCodeFailure,
    hostedWidget:
      options.signInWidget &&
      hostedWidgetPage({
        idx,
        widget: options.signInWidget,
        origin,
        clientName: (clientId) => clients.get(clientId)?.client_name ?? clientId,
      }),
  });
  // Handlers behind oidc-provider's token route, which runs them as its own grant types; their
  // tokens are a code flow's for the same server.
  const issuing = {
    accounts,
    findAccount: oktaFindAccount(accounts, seed.org.id, groupsClaim(server)),
    audience: server.audience,
    resourceServer: resourceServerInfo(server),
  };
  registerDirectAuthGrants(provider, {
    ...issuing,
    clients,
    challenges,
    storage: options.storage,
  });
  registerInteractionCodeGrant(provider, { ...issuing, store: idx.store });
  const jwt = jwtAccessTokenEndpoints({
    issuer,
    audience: server.audience,
    publicKeys: { keys: options.keys.signingKeys.map(publicJwk) },
    accounts,
    clients,
    revoked: options.revoked,
    groups: groupsClaim(server),
  });

  const router = new Router();
  const route = (methods: string[], name: RouteName, ...steps: Middleware[]) => {
    const first = options.before?.(name);
    router.register(paths[name], methods, first ? [first, ...steps] : steps, { name });
  };
  router.use(warnOnForeignHost(issuer));

  // Okta's own Cache-Control for these; a client revalidates cheaply with the ETag.
  const discoveryCache = 'max-age=86400, must-revalidate';
  route(['GET'], 'discovery', documentCache(discoveryCache), oktaDiscovery('openid'));
  route(['GET'], 'oauth_discovery', documentCache(discoveryCache), oktaDiscovery('oauth'));
  // Short, because `understudy keys rotate` takes effect at once (new tokens, new kid).
  route(['GET'], 'jwks', documentCache('max-age=300, must-revalidate'));
  route(
    ['GET'],
    'authorization',
    sessionTokenAuthorize({
      provider,
      sessionTokens: options.sessionTokens,
      sessionTtlSeconds: sessionLifetime,
      cookie: options.cookie,
    }),
    offlineAccessWithoutConsent,
  );
  route(['GET'], 'resume', signInInProgress(provider));
  route(['POST'], 'token', unauthorizedGrantType);
  route(
    ['OPTIONS', 'POST'],
    'interact',
    idxCors(
      (from) => from === origin || seed.clients.some((client) => originAllowed(client, from)),
    ),
    (ctx) => idx.interact(ctx),
  );
  route(['POST'], 'device_authorization', deviceAuthorizationInterval);
  route(['POST'], 'code_verification', deviceFormSession(provider));
  route(['GET'], 'device_resume', deviceResumeSession(provider));
  route(['GET', 'POST'], 'userinfo', jwt.userinfo);
  route(['POST'], 'introspection', publicClientBasic(clients), jwt.introspection);
  route(['POST'], 'revocation', publicClientBasic(clients), jwt.revocation);
  route(['GET', 'POST'], 'end_session', immediateLogout(provider));
  // Understudy's own pages, which never reach the provider.
  route(
    ['GET'],
    'debug',
    issuerDebug(
      {
        issuer,
        discovery: `${issuer}${paths.discovery}`,
        jwks: `${new URL(issuer).origin}${prefix}${paths.jwks}`,
      },
      server,
      seed.clients,
    ),
  );
  route(['GET'], 'interaction', interactions.show);
  route(['POST'], 'interaction.login', interactions.login);
  route(['POST'], 'interaction.confirm', interactions.confirm);
  route(['POST'], 'interaction.abort', interactions.abort);

  const providerRoutes = compose(provider.middleware);
  // The router's middleware types the context it adds params to; the host passes a plain one.
  const routes = compose([
    answerUnavailableStore,
    bodyWithinFormLimit,
    router.routes() as unknown as Middleware,
    (ctx, next) =>
      (ctx.state as Record<symbol, unknown>)[notARoute] ? next() : providerRoutes(ctx, next),
  ]);
  return { routes, idx };
}
