/**
 * The claims Okta puts in a user's tokens, in one place: the provider's ID tokens, access
 * tokens and userinfo, and the test kit's minted tokens all read them from here, so a minted
 * token says what an issued one says.
 */
import { everyoneGroupName } from '../../../seed/everyone.js';
import type { SeedAuthorizationServer, SeedGroupsClaim, SeedUser } from '../../../seed/schema.js';
import type { UserClaims } from '../../oidc/accounts.js';

/** Claims a code-flow ID token carries (Okta's thin token); the rest is at userinfo. */
export const thinIdTokenClaims = ['sub', 'name', 'preferred_username', 'email'] as const;

/** The user's groups as Okta names them: the built-in Everyone first, then the seed's. */
export function userGroups(user: SeedUser): string[] {
  return [everyoneGroupName, ...user.groups];
}

export interface GroupsClaim {
  name: string;
  /** In the ID token and at userinfo, when the `groups` scope is granted. */
  inIdToken: boolean;
  /** In the access token, whatever the scopes. */
  inAccessToken: boolean;
  /** The claim for a user: the groups that pass the filter, nothing when none does. */
  of(user: SeedUser): Record<string, string[]>;
}

/** The server's groups claim, its filter compiled once. */
export function groupsClaim(server: Pick<SeedAuthorizationServer, 'groupsClaim'>): GroupsClaim {
  const { name, filter, include } = server.groupsClaim;
  const passes = groupFilter(filter);
  return {
    name,
    inIdToken: include !== 'accessToken',
    inAccessToken: include !== 'idToken',
    of(user) {
      const values = userGroups(user).filter(passes);
      return values.length > 0 ? { [name]: values } : {};
    },
  };
}

function groupFilter({ type, value }: SeedGroupsClaim['filter']): (group: string) => boolean {
  const wanted = value.toLowerCase();
  switch (type) {
    case 'startsWith':
      return (group) => group.toLowerCase().startsWith(wanted);
    case 'equals':
      return (group) => group.toLowerCase() === wanted;
    case 'contains':
      return (group) => group.toLowerCase().includes(wanted);
    case 'regex': {
      // Okta matches the whole name (Java's Pattern.matches), not a part of it.
      const pattern = new RegExp(`^(?:${value})$`, 'u');
      return (group) => pattern.test(group);
    }
  }
}

/** What a user adds to an access token: Okta's `uid`, `sub` = login, groups, custom claims. */
export function accessTokenUserClaims(claim: GroupsClaim, user: SeedUser): Record<string, unknown> {
  return {
    uid: user.id,
    sub: user.login,
    ...(claim.inAccessToken ? claim.of(user) : undefined),
    ...user.claims,
  };
}

/** A user's profile claims with the server's groups claim, before scope filtering. */
export function identityClaims(
  claim: GroupsClaim,
  profile: UserClaims,
  user: SeedUser,
): UserClaims {
  return claim.inIdToken ? { ...profile, ...claim.of(user) } : profile;
}

/**
 * An ID token's user claims: Okta's thin set in the code flow (the rest is at userinfo), all of
 * them when no access token comes along (`response_type=id_token`); `ver` and `idp` always.
 */
export function idTokenUserClaims(
  claim: GroupsClaim,
  identity: UserClaims,
  user: SeedUser,
  options: { fat: boolean; orgId: string },
): Record<string, unknown> {
  const thin = new Set<string>([...thinIdTokenClaims, claim.name]);
  const claims = options.fat
    ? identity
    : Object.fromEntries(Object.entries(identity).filter(([name]) => thin.has(name)));
  return { ...claims, ...user.claims, sub: user.id, ver: 1, idp: options.orgId };
}

/** Which claims each scope releases at userinfo and in an ID token, for this server's claim. */
export function claimsByScopeFor(
  claim: GroupsClaim,
  standard: Readonly<Record<string, readonly string[]>>,
): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(standard).map(([scope, claims]) => [
      scope,
      scope === 'groups' ? (claim.inIdToken ? [claim.name] : []) : [...claims],
    ]),
  );
}

/** The claims these scopes release, by a server's `claimsByScopeFor`. */
export function releasedClaims(
  byScope: Readonly<Record<string, readonly string[]>>,
  scopes: readonly string[],
): Set<string> {
  return new Set(
    scopes.flatMap((scope) => (Object.hasOwn(byScope, scope) ? (byScope[scope] ?? []) : [])),
  );
}
