/**
 * Identity Engine's paths at the org root, spelled once: the org route table registers them
 * (`org/org-paths.ts` lists them with the org's other paths) and the IDX answers link to them.
 */
export const idxPaths = {
  introspect: '/idp/idx/introspect',
  identify: '/idp/idx/identify',
  challenge: '/idp/idx/challenge',
  answer: '/idp/idx/challenge/answer',
  poll: '/idp/idx/challenge/poll',
  resend: '/idp/idx/challenge/resend',
  cancel: '/idp/idx/cancel',
  /** Where the hosted widget's browser goes back into the authorization request. */
  tokenRedirect: '/login/token/redirect',
} as const;

export type IdxPaths = typeof idxPaths;

/** Where the hosted Sign-In Widget's files are served. */
export const widgetAssetsPath = '/okta-signin-widget';
