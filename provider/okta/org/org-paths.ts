/**
 * Okta's paths at the org root, spelled once: the org route table registers them and every
 * `_links` entry points at them through `orgPathFor`.
 */
/** Where the hosted Sign-In Widget's files are served. */
export const widgetAssetsPath = '/okta-signin-widget';

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
  idxIntrospect: '/idp/idx/introspect',
  idxIdentify: '/idp/idx/identify',
  idxChallenge: '/idp/idx/challenge',
  idxAnswer: '/idp/idx/challenge/answer',
  idxPoll: '/idp/idx/challenge/poll',
  idxResend: '/idp/idx/challenge/resend',
  idxCancel: '/idp/idx/cancel',
  tokenRedirect: '/login/token/redirect',
  widgetAssets: `${widgetAssetsPath}/{*file}`,
} as const;

/** The IDX paths, by the engine's names for them. */
export const idxPaths = {
  introspect: orgPaths.idxIntrospect,
  identify: orgPaths.idxIdentify,
  challenge: orgPaths.idxChallenge,
  answer: orgPaths.idxAnswer,
  poll: orgPaths.idxPoll,
  resend: orgPaths.idxResend,
  cancel: orgPaths.idxCancel,
  tokenRedirect: orgPaths.tokenRedirect,
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
