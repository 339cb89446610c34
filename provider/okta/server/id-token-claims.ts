/**
 * Okta's ID tokens: `ver` and `idp` always, the server's groups claim, and in the code flow
 * only a thin set of the profile claims (the rest is at userinfo); a response without an access
 * token (`response_type=id_token`) carries them all.
 */
import type { FindAccount, KoaContextWithOIDC } from 'oidc-provider';
import { type AccountStore, maySignIn } from '../../oidc/accounts.js';
import { type GroupsClaim, identityClaims, idTokenUserClaims } from './token-claims.js';

export function oktaFindAccount(
  accounts: AccountStore,
  orgId: string,
  groups: GroupsClaim,
): FindAccount {
  return (ctx: KoaContextWithOIDC, id: string) => {
    const user = accounts.findUserById(id);
    // Suspended or deactivated: its sessions and refresh tokens stop working, as on Okta.
    if (!user || !maySignIn(user)) return undefined;
    return {
      accountId: user.id,
      claims(use) {
        const identity = identityClaims(groups, accounts.profileClaims(user), user);
        if (use !== 'id_token') return identity;
        const fat = ctx.oidc?.params?.response_type === 'id_token';
        return idTokenUserClaims(groups, identity, user, { fat, orgId }) as typeof identity;
      },
    };
  };
}
