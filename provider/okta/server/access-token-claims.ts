/**
 * Reshapes oidc-provider's JWT access tokens into Okta's: `ver`, `cid`, `uid`, `scp` as an array,
 * `sub` = the user's login, the server's groups claim, and a header without `typ`.
 */
import type { AccessToken, ClientCredentials, KoaContextWithOIDC } from 'oidc-provider';
import type { AccountStore } from '../../oidc/accounts.js';
import type { RevocationList } from '../../store/revoked-tokens.js';
import { accessTokenUserClaims, type GroupsClaim } from './token-claims.js';

interface JwtParts {
  header?: Record<string, unknown> | undefined;
  payload: Record<string, unknown>;
}

export function createAccessTokenCustomizer(
  accounts: AccountStore,
  groups: GroupsClaim,
  revoked?: RevocationList,
) {
  return async (ctx: KoaContextWithOIDC, token: AccessToken | ClientCredentials, jwt: JwtParts) => {
    const { payload } = jwt;
    const grantId = 'grantId' in token ? token.grantId : undefined;
    if (revoked && grantId && typeof payload.jti === 'string' && typeof payload.exp === 'number') {
      await revoked.issued(grantId, payload.jti, payload.exp);
    }
    // Okta sends no typ; never "JWT", which strict RFC 9068 verifiers reject.
    jwt.header = { ...jwt.header, typ: undefined };
    const scopes = typeof payload.scope === 'string' ? payload.scope.split(' ') : [];
    const clientId = payload.client_id;
    delete payload.scope;
    delete payload.client_id;
    Object.assign(payload, { ver: 1, cid: clientId, scp: scopes });

    const accountId = 'accountId' in token ? token.accountId : undefined;
    const user = accountId ? accounts.findUserById(accountId) : undefined;
    if (!user) return;
    if ('authTime' in token && typeof token.authTime === 'number') {
      payload.auth_time = token.authTime;
    }
    // The acr of the sign-in the token comes from, kept by its code or refresh token.
    const { entities } = ctx.oidc ?? {};
    const acr = entities?.AuthorizationCode?.acr ?? entities?.RefreshToken?.acr;
    if (typeof acr === 'string') payload.acr = acr;
    Object.assign(payload, accessTokenUserClaims(groups, user));
  };
}
