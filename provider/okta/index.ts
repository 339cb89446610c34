/**
 * Everything that makes Understudy look like Okta, behind one face: the provider
 * configuration of an Okta custom authorization server, its route table, the claims of its
 * tokens, and Okta's routes at the org root. Where a new endpoint goes: ./README.md.
 */
export { OktaNotFound } from './org/api-error.js';
export { oktaConfiguration } from './server/configuration.js';
export { tokenLifetimes } from './server/lifetimes.js';
export { revokingGrantJwts } from './server/jwt-grant-revocation.js';
export { oktaOrgRoutes } from './org/org-routes.js';
export type { Directory } from './management/directory.js';
export type { IdxEngine } from './idx/idx-engine.js';
export {
  locateSignInWidget,
  type SignInWidget,
  SignInWidgetMissing,
  widgetAssets,
} from './idx/sign-in-widget.js';
export { orgAccessTokenVerifier } from './management/org-access-tokens.js';
export { oktaRequestId } from './org/request-id.js';
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
} from './server/route-table.js';
export { totp } from './authenticators/totp.js';
export {
  accessTokenUserClaims,
  claimsByScopeFor,
  groupsClaim,
  identityClaims,
  idTokenUserClaims,
  releasedClaims,
} from './server/token-claims.js';
