/** Okta's endpoint paths under a custom authorization server's issuer. */
export const oktaRoutes = {
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

export const tokenLifetimes = {
  authorizationCode: 300,
  accessToken: 3600,
  idToken: 3600,
  deviceCode: 600,
} as const;

export function issuerFor(issuerBase: string, authorizationServerId: string): string {
  return `${issuerBase}/oauth2/${authorizationServerId}`;
}
