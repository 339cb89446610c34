/**
 * Users and groups in the JSON Okta's Management API answers with: ids, statuses, the
 * timestamps, the profile, credentials without the password, and the `_links` of the
 * lifecycle operations that apply to the user's status.
 */
import { everyoneGroupName, isEveryone } from '../../../seed/everyone.js';
import { groupId } from '../../../seed/groups.js';
import { orgPathFor } from '../org/org-paths.js';
import type { Seed, SeedGroup, SeedUser, UserStatus } from '../../../seed/schema.js';

export interface DirectoryView {
  /** e.g. http://localhost:4000, for the _links. */
  origin: string;
  /** When the seed's users were loaded: the times of a user or group the seed dates not. */
  seededAt: string;
  /** When each user last signed in. */
  lastLogins: ReadonlyMap<string, string>;
}

export const everyoneGroupId = groupId({ name: everyoneGroupName });

/** Which lifecycle operations Okta offers in each status. */
const operations: Record<UserStatus, readonly string[]> = {
  STAGED: ['activate', 'deactivate'],
  PROVISIONED: ['reactivate', 'deactivate'],
  ACTIVE: ['suspend', 'deactivate', 'expirePassword'],
  RECOVERY: ['deactivate'],
  PASSWORD_EXPIRED: ['expirePassword', 'deactivate'],
  LOCKED_OUT: ['unlock', 'deactivate'],
  SUSPENDED: ['unsuspend', 'deactivate'],
  DEPROVISIONED: ['activate'],
};

const lifecyclePath: Record<string, string> = {
  activate: 'activate',
  reactivate: 'reactivate',
  deactivate: 'deactivate',
  suspend: 'suspend',
  unsuspend: 'unsuspend',
  unlock: 'unlock',
  expirePassword: 'expire_password',
};

export function oktaUser(user: SeedUser, view: DirectoryView) {
  const links: Record<string, unknown> = {
    self: { href: `${view.origin}${orgPathFor('user', { user: user.id })}` },
  };
  for (const operation of operations[user.status]) {
    const path = orgPathFor('userLifecycle', {
      user: user.id,
      operation: lifecyclePath[operation] ?? operation,
    });
    links[operation] = { href: `${view.origin}${path}`, method: 'POST' };
  }
  const created = user.created ?? view.seededAt;
  return {
    id: user.id,
    status: user.status,
    created,
    activated: user.activated ?? (user.status === 'STAGED' ? null : created),
    statusChanged: user.statusChanged ?? null,
    lastLogin: view.lastLogins.get(user.id) ?? null,
    lastUpdated: user.lastUpdated ?? created,
    passwordChanged: user.password === undefined ? null : (user.passwordChanged ?? created),
    type: { id: 'oty1understudyuser0' },
    profile: oktaProfile(user),
    credentials: {
      ...(user.password === undefined ? {} : { password: {} }),
      provider: { type: 'OKTA', name: 'OKTA' },
    },
    _links: links,
  };
}

/** Okta's profile attribute names for the seed's fields, then the user's other attributes. */
export function oktaProfile(user: SeedUser): Record<string, unknown> {
  return {
    ...user.profile,
    firstName: user.givenName,
    lastName: user.familyName,
    ...(user.name === undefined ? {} : { displayName: user.name }),
    locale: user.locale,
    timezone: user.zoneinfo,
    email: user.email,
    login: user.login,
  };
}

export interface GroupEntry {
  group: SeedGroup;
  /** The built-in Everyone group: every user, read-only. */
  builtIn: boolean;
}

/**
 * Okta's built-in Everyone, which holds every user (described as the seed declares it, if it
 * does), then the seed's other groups.
 */
export function groupEntries(seed: Seed): GroupEntry[] {
  const declared = seed.groups.find((group) => isEveryone(group.name));
  return [
    {
      group: {
        id: declared?.id ?? everyoneGroupId,
        name: everyoneGroupName,
        description: declared?.description ?? 'All users in your organization',
        ...(declared?.created ? { created: declared.created } : {}),
        ...(declared?.lastUpdated ? { lastUpdated: declared.lastUpdated } : {}),
      },
      builtIn: true,
    },
    ...seed.groups
      .filter((group) => !isEveryone(group.name))
      .map((group) => ({ group, builtIn: false })),
  ];
}

export function members(seed: Seed, entry: GroupEntry): SeedUser[] {
  return entry.builtIn
    ? [...seed.users]
    : seed.users.filter((user) => user.groups.includes(entry.group.name));
}

export function oktaGroup(entry: GroupEntry, view: DirectoryView) {
  const { group } = entry;
  const id = groupId(group);
  const created = group.created ?? view.seededAt;
  return {
    id,
    created,
    lastUpdated: group.lastUpdated ?? created,
    lastMembershipUpdated: group.lastMembershipUpdated ?? created,
    objectClass: ['okta:user_group'],
    type: entry.builtIn ? 'BUILT_IN' : 'OKTA_GROUP',
    profile: { name: group.name, description: group.description ?? null },
    _links: {
      logo: [],
      users: { href: `${view.origin}${orgPathFor('groupUsers', { group: id })}` },
      apps: { href: `${view.origin}${orgPathFor('groupApps', { group: id })}` },
    },
  };
}
