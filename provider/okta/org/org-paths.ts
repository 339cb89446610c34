import { idxPaths, widgetAssetsPath } from '../idx/idx-paths.js';

/**
 * Okta's paths at the org root, spelled once: the org route table registers them and every
 * `_links` entry points at them through `orgPathFor`.
 */
export const orgPaths = {
  activate: '/activate',
  authn: '/api/v1/authn',
  session: '/api/v1/sessions/me',
  sessionRefresh: '/api/v1/sessions/me/lifecycle/refresh',
  sessionCookieRedirect: '/login/sessionCookieRedirect',
  users: '/api/v1/users',
  user: '/api/v1/users/:user',
  userLifecycle: '/api/v1/users/:user/lifecycle/:operation',
  userGroups: '/api/v1/users/:user/groups',
  groups: '/api/v1/groups',
  group: '/api/v1/groups/:group',
  groupUsers: '/api/v1/groups/:group/users',
  groupUser: '/api/v1/groups/:group/users/:user',
  groupApps: '/api/v1/groups/:group/apps',
  tokenRedirect: idxPaths.tokenRedirect,
  widgetAssets: `${widgetAssetsPath}/{*file}`,
} as const;

export type OrgPathName = keyof typeof orgPaths;

/** The path of `name` with its parameters filled in (each one URL-encoded). */
export function orgPathFor(name: OrgPathName, params: Record<string, string> = {}): string {
  return orgPaths[name].replace(/:(\w+)/g, (_, key: string) => {
    const value = params[key];
    if (value === undefined) throw new Error(`${orgPaths[name]} needs :${key}`);
    return encodeURIComponent(value);
  });
}
