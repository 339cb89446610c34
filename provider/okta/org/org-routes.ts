/**
 * Okta's routes at the org root, in one table: /activate for the device flow, and the APIs an
 * Okta browser app calls there: the Classic Authentication API, the Sessions API, and
 * sessionCookieRedirect. Any other /api/v1 path is an Okta-shaped 404 that says so.
 */
import Router from '@koa/router';
import type { Middleware } from 'koa';
import type Provider from 'oidc-provider';
import type { Seed } from '../../../seed/schema.js';
import { originAllowed } from '../../http/client-origins.js';
import { type AccountStore, maySignIn } from '../../oidc/accounts.js';
import { activateRedirect } from './activate.js';
import { credentialedCors } from './trusted-origin-cors.js';
import { OktaApiError } from './api-error.js';
import { orgPaths } from './org-paths.js';
import { authnApi } from './authn-api.js';
import type { SessionCookieOptions } from '../provider-patches/browser-session.js';
import { sessionLifetime } from '../server/lifetimes.js';
import { sessionCookieRedirect } from './session-cookie-redirect.js';
import type { SessionTokenStore } from '../../store/session-tokens.js';
import { sessionsApi } from './sessions-api.js';
import { apiAuthentication, requireScope } from '../management/api-auth.js';
import type { Directory } from '../management/directory.js';
import { groupsApi } from '../management/groups-api.js';
import { usersApi } from '../management/users-api.js';
import { type IdxEngine, idxActions } from '../idx/idx-engine.js';
import { idxCall, idxCors, tokenRedirect } from '../idx/idx-routes.js';
import { idxPaths } from '../idx/idx-paths.js';

export interface OktaOrgRoutesOptions {
  /** The origin the issuers hang off, e.g. https://localhost:4000. */
  issuerBase: string;
  seed: Seed;
  accounts: AccountStore;
  /** The authorization servers' providers; the first one holds sessions the org routes start. */
  providers: () => readonly Provider[];
  sessionTokens: SessionTokenStore;
  cookie: SessionCookieOptions;
  /** Where the first authorization server verifies device codes. */
  verificationPath: string | undefined;
  /** The users and groups the Management API reads and changes. */
  directory: Directory;
  /** When the seed was loaded (ISO): the dates of users and groups it dates not. */
  seededAt: string;
  /** The org authorization server's verdict on a Bearer token at /api/v1. */
  verifyAccessToken: Parameters<typeof apiAuthentication>[0]['verifyAccessToken'];
  /** The IDX sign-ins of authorization server `id` (the org's included). */
  idxFor(serverId: string): IdxEngine | undefined;
  /** A failure injected for the next IDX call (the control plane), if one waits. */
  injectedIdxFailure?:
    (() => Promise<{ error_description?: string | undefined } | undefined>) | undefined;
  /** The widget's files, when the hosted widget is on. */
  widgetAssets?: Middleware | undefined;
}

export function oktaOrgRoutes(options: OktaOrgRoutesOptions): Middleware {
  const { seed, providers } = options;
  const trusted = (origin: string) => seed.clients.some((client) => originAllowed(client, origin));
  const registered = (url: URL) =>
    seed.clients.some((client) =>
      client.redirect_uris.some((uri) => new URL(uri).href === url.href),
    );
  const sessions = sessionsApi({
    providers,
    accounts: options.accounts,
    orgId: seed.org.id,
    sessionTtlSeconds: sessionLifetime,
    cookie: options.cookie,
    origin: () => options.issuerBase,
  });
  const cors = credentialedCors(trusted, 'GET, POST, DELETE');

  const router = new Router();
  const route = (path: string, methods: string[], name: string, ...steps: Middleware[]) =>
    router.register(path, methods, steps, { name });

  if (options.verificationPath) {
    route(orgPaths.activate, ['GET'], 'activate', activateRedirect(options.verificationPath));
  }
  route(
    orgPaths.authn,
    ['OPTIONS', 'POST'],
    'authn',
    cors,
    authnApi({
      accounts: options.accounts,
      sessionTokens: options.sessionTokens,
      seededAt: options.seededAt,
    }),
  );
  route(orgPaths.session, ['OPTIONS', 'GET'], 'session', cors, sessions.get);
  route(orgPaths.session, ['DELETE'], 'session.close', cors, sessions.close);
  route(orgPaths.sessionRefresh, ['OPTIONS', 'POST'], 'session.refresh', cors, sessions.refresh);
  const [first] = providers();
  if (first) {
    route(
      orgPaths.sessionCookieRedirect,
      ['GET'],
      'session_cookie_redirect',
      sessionCookieRedirect({
        provider: first,
        sessionTokens: options.sessionTokens,
        mayRedirectTo: (url) => registered(url) || trusted(url.origin),
        sessionTtlSeconds: sessionLifetime,
        cookie: options.cookie,
      }),
    );
  }
  const idx = {
    idxFor: options.idxFor,
    trusted: (origin: string) => origin === options.issuerBase || trusted(origin),
    injectedFailure: options.injectedIdxFailure,
  };
  const idxRoute = idxCors(idx.trusted);
  for (const action of idxActions) {
    route(idxPaths[action], ['OPTIONS', 'POST'], `idx.${action}`, idxRoute, idxCall(idx, action));
  }
  route(orgPaths.tokenRedirect, ['GET'], 'token_redirect', tokenRedirect(idx));
  if (options.widgetAssets) {
    route(orgPaths.widgetAssets, ['GET', 'HEAD'], 'widget_assets', options.widgetAssets);
  }
  managementRoutes(router, options);
  router.all('not_emulated', '/api/v1/{*rest}', (ctx) => {
    throw new OktaApiError(
      404,
      'E0000007',
      `Not found: Resource not found: ${ctx.path} (${ctx.method}); Understudy does not emulate this Okta API`,
    );
  });

  // The router's middleware types the context it adds params to; the host passes a plain one.
  return router.routes() as unknown as Middleware;
}

/** The Management API's users and groups, each route with the scope a Bearer token needs. */
function managementRoutes(router: Router, options: OktaOrgRoutesOptions) {
  const shared = {
    directory: options.directory,
    origin: options.issuerBase,
    seededAt: options.seededAt,
  };
  const users = usersApi(shared);
  const groups = groupsApi(shared);
  const authenticated = apiAuthentication({
    apiTokens: options.seed.apiTokens,
    verifyAccessToken: options.verifyAccessToken,
    userMayAct: (userId) => {
      const user = options.accounts.findUserById(userId);
      return user !== undefined && maySignIn(user);
    },
  });
  const route = (path: string, method: string, name: string, scope: string, step: Middleware) =>
    router.register(path, [method], [authenticated, requireScope(scope), step], { name });

  route(orgPaths.users, 'GET', 'users.list', 'okta.users.read', users.list);
  route(orgPaths.users, 'POST', 'users.create', 'okta.users.manage', users.create);
  route(orgPaths.user, 'GET', 'users.get', 'okta.users.read', users.get);
  route(orgPaths.user, 'POST', 'users.update', 'okta.users.manage', users.update);
  route(orgPaths.user, 'PUT', 'users.replace', 'okta.users.manage', users.replace);
  route(orgPaths.user, 'DELETE', 'users.delete', 'okta.users.manage', users.remove);
  route(orgPaths.userLifecycle, 'POST', 'users.lifecycle', 'okta.users.manage', users.lifecycle);
  route(orgPaths.userGroups, 'GET', 'users.groups', 'okta.users.read', users.groups);
  route(orgPaths.groups, 'GET', 'groups.list', 'okta.groups.read', groups.list);
  route(orgPaths.groups, 'POST', 'groups.create', 'okta.groups.manage', groups.create);
  route(orgPaths.group, 'GET', 'groups.get', 'okta.groups.read', groups.get);
  route(orgPaths.group, 'PUT', 'groups.replace', 'okta.groups.manage', groups.replace);
  route(orgPaths.group, 'DELETE', 'groups.delete', 'okta.groups.manage', groups.remove);
  route(orgPaths.groupUsers, 'GET', 'groups.users', 'okta.groups.read', groups.members);
  route(orgPaths.groupUser, 'PUT', 'groups.users.add', 'okta.groups.manage', groups.addMember);
  route(
    orgPaths.groupUser,
    'DELETE',
    'groups.users.remove',
    'okta.groups.manage',
    groups.removeMember,
  );
}
