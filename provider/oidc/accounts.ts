/**
 * Seeded users as oidc-provider accounts: lookup, password check, and every claim a user has,
 * with the claims each scope releases.
 */
import type { Account, FindAccount } from 'oidc-provider';
import type { Seed, SeedUser } from '../../seed/schema.js';
import { displayName } from '../../seed/users.js';
import { constantEquals } from '../http/constant-equals.js';

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

export type UserClaims = { sub: string } & Record<string, unknown>;

export interface AccountStore {
  findAccount: FindAccount;
  findUserById(id: string): SeedUser | undefined;
  findUserByLogin(login: string): SeedUser | undefined;
  /** The user when login and password match and the user may sign in, otherwise undefined. */
  authenticate(login: string, password: string): SeedUser | undefined;
  /** The users who may sign in now (Okta's ACTIVE ones), for the login page's picker. */
  signInable(): readonly SeedUser[];
  /** Every standard claim the user has, before scope filtering (okta/ adds its groups claim). */
  profileClaims(user: SeedUser): UserClaims;
  /** Notes a sign-in (Okta's lastLogin). */
  signedIn(userId: string): Promise<void>;
}

export function maySignIn(user: SeedUser): boolean {
  return user.status === 'ACTIVE';
}

/** `updatedAt`: when the users last changed (epoch seconds), their `updated_at` claim. */
export function createAccountStore(
  seed: Seed,
  updatedAt: number,
  lastLogins?: { record(userId: string, at: Date): Promise<void> },
): AccountStore {
  const byId = new Map(seed.users.map((user) => [user.id, user]));
  const byLogin = new Map(seed.users.map((user) => [user.login.toLowerCase(), user]));

  const profileClaims = (user: SeedUser): UserClaims => ({
    ...user.claims,
    sub: user.id,
    name: displayName(user),
    preferred_username: user.login,
    given_name: user.givenName,
    family_name: user.familyName,
    locale: user.locale,
    zoneinfo: user.zoneinfo,
    updated_at: user.lastUpdated ? Math.floor(Date.parse(user.lastUpdated) / 1000) : updatedAt,
    email: user.email,
    email_verified: true,
  });

  // A suspended or deactivated user's sessions and refresh tokens stop working, as on Okta.
  const findAccount: FindAccount = (_ctx, id): Account | undefined => {
    const user = byId.get(id);
    if (!user || !maySignIn(user)) return undefined;
    return { accountId: user.id, claims: () => profileClaims(user) };
  };

  const findUserByLogin = (login: string) => byLogin.get(login.trim().toLowerCase());
  return {
    findAccount,
    findUserById: (id) => byId.get(id),
    findUserByLogin,
    authenticate(login, password) {
      const user = findUserByLogin(login);
      if (!user?.password || !maySignIn(user)) return undefined;
      return constantEquals(user.password, password) ? user : undefined;
    },
    signInable: () => seed.users.filter(maySignIn),
    signedIn: async (userId) => {
      await lastLogins?.record(userId, new Date());
    },
    profileClaims,
  };
}
