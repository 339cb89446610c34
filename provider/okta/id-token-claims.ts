/**
 * Okta's ID tokens: `ver` and `idp` always, and in the code flow only a thin set of the
 * profile claims (the rest is at userinfo); a response without an access token
 * (`response_type=id_token`) carries them all.
 */
import type { FindAccount, KoaContextWithOIDC } from 'oidc-provider';
import { type AccountStore, maySignIn } from '../oidc/accounts.js';

const thinIdTokenClaims = new Set(['sub', 'name', 'preferred_username', 'email', 'groups']);

export function oktaFindAccount(accounts: AccountStore, orgId: string): FindAccount {
  return (ctx: KoaContextWithOIDC, id: string) => {
    const user = accounts.findUserById(id);
    // Suspended or deactivated: its sessions and refresh tokens stop working, as on Okta.
    if (!user || !maySignIn(user)) return undefined;
    return {
      accountId: user.id,
      claims(use) {
        const claims = accounts.profileClaims(user);
        if (use !== 'id_token') return claims;
        const fat = ctx.oidc?.params?.response_type === 'id_token';
        const idTokenClaims = fat
          ? claims
          : Object.fromEntries(
              Object.entries(claims).filter(([name]) => thinIdTokenClaims.has(name)),
            );
        return { ...idTokenClaims, ...user.claims, sub: user.id, ver: 1, idp: orgId };
      },
    };
  };
}
