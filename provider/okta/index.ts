/**
 * Everything that makes Understudy look like Okta, behind one face: the provider
 * configuration of an Okta custom authorization server, its route table, and Okta's routes at
 * the org root.
 */
export { OktaNotFound } from './api-error.js';
export {
  type ClientCredentialsFastPath,
  clientCredentialsFastPath,
} from './client-credentials-fast-path.js';
export { grantableScopes, oktaConfiguration } from './configuration.js';
export { tokenLifetimes } from './lifetimes.js';
export { revokingGrantJwts } from './jwt-grant-revocation.js';
export { oktaOrgRoutes } from './org-routes.js';
export type { Directory } from './management/directory.js';
export { orgAccessTokenVerifier } from './management/org-access-tokens.js';
export { nextRequestId, oktaRequestId } from './request-id.js';
export {
  authorizationServerPath,
  oktaRoutes,
  orgClientScope,
  orgAuthorizationServer,
  orgServerMountPath,
  orgServerPath,
  pathFor,
  type OktaRoutesOptions,
  type RouteName,
} from './route-table.js';
