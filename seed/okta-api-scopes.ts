/**
 * The scopes of Okta's own APIs, which an app may be granted at the org authorization server.
 * Apart from the schema so the provider reads them without loading zod at start-up.
 */
export const oktaApiScopes = [
  'okta.users.read',
  'okta.users.manage',
  'okta.groups.read',
  'okta.groups.manage',
] as const;
