/** How long things live on an Okta custom authorization server (Okta's defaults). */
export const tokenLifetimes = {
  authorizationCode: 300,
  accessToken: 3600,
  idToken: 3600,
  deviceCode: 600,
} as const;

/** How long a browser session lasts, and what the Sessions API's refresh extends it by. */
export const sessionLifetime = 14 * 24 * 3600;
