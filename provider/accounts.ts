/**
 * Seeded users as oidc-provider accounts, and their claims by scope.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Account, FindAccount, KoaContextWithOIDC } from 'oidc-provider';
import type { Seed, SeedUser } from '../seed/schema.js';

/** Which claims each scope releases at userinfo, as Okta's custom authorization servers do. */
export const claimsByScope = {
  openid: ['sub'],
  profile: [
    'name',
    'nickname',
    'preferred_username',
    'given_name',
    'middle_name',
    'family_name',
    'profile',
    'picture',
    'website',
    'gender',
    'birthdate',
    'zoneinfo',
    'locale',
    'updated_at',
  ],
  email: ['email', 'email_verified'],
  address: ['address'],
  phone: ['phone_number', 'phone_number_verified'],
  groups: ['groups'],
} as const satisfies Record<string, readonly string[]>;

/** Okta's code-flow ID token carries only these of the scope claims; the rest is at userinfo. */
const thinIdTokenClaims = new Set(['sub', 'name', 'preferred_username', 'email', 'groups']);

export type UserClaims = { sub: string } & Record<string, unknown>;

export interface AccountStore {
  findAccount: FindAccount;
  findUserById(id: string): SeedUser | undefined;
  findUserByLogin(login: string): SeedUser | undefined;
  /** The user when login and password match, otherwise undefined. */
  authenticate(login: string, password: string): SeedUser | undefined;
  /** Every claim the user has, before scope filtering. */
  profileClaims(user: SeedUser): UserClaims;
}

export function createAccountStore(seed: Seed): AccountStore {
  const byId = new Map(seed.users.map((user) => [user.id, user]));
  const byLogin = new Map(seed.users.map((user) => [user.login.toLowerCase(), user]));
  const updatedAt = Math.floor(Date.now() / 1000);

  const profileClaims = (user: SeedUser): UserClaims => ({
    ...user.claims,
    sub: user.id,
    name: user.name ?? `${user.givenName} ${user.familyName}`,
    preferred_username: user.login,
    given_name: user.givenName,
    family_name: user.familyName,
    locale: user.locale,
    zoneinfo: user.zoneinfo,
    updated_at: updatedAt,
    email: user.email,
    email_verified: true,
    groups: [...user.groups],
  });

  const findAccount: FindAccount = (ctx: KoaContextWithOIDC, id: string): Account | undefined => {
    const user = byId.get(id);
    if (!user) return undefined;
    return {
      accountId: user.id,
      claims(use) {
        const claims = profileClaims(user);
        if (use !== 'id_token') return claims;
        // Only a response that carries no access token gets the full ID token, as on Okta.
        const fat = ctx.oidc?.params?.response_type === 'id_token';
        const idTokenClaims = fat
          ? claims
          : Object.fromEntries(
              Object.entries(claims).filter(([name]) => thinIdTokenClaims.has(name)),
            );
        return { ...idTokenClaims, ...user.claims, sub: user.id, ver: 1, idp: seed.org.id };
      },
    };
  };

  return {
    findAccount,
    findUserById: (id) => byId.get(id),
    findUserByLogin: (login) => byLogin.get(login.trim().toLowerCase()),
    authenticate(login, password) {
      const user = byLogin.get(login.trim().toLowerCase());
      if (!user) return undefined;
      const expected = Buffer.from(user.password);
      const given = Buffer.from(password);
      return expected.length === given.length && timingSafeEqual(expected, given)
        ? user
        : undefined;
    },
    profileClaims,
  };
}
