/**
 * Okta's Groups API (/api/v1/groups): list with q, filter and search, create, read, replace,
 * delete, and membership. Memberships live on the users (their `groups`), so a change shows in
 * the next token's `groups` claim; the built-in Everyone holds every user and cannot change.
 */
import type { Context, Middleware } from 'koa';
import { groupId } from '../../../seed/groups.js';
import type { Seed, SeedGroup } from '../../../seed/schema.js';
import { findUser } from '../../../seed/users.js';
import { OktaApiError } from '../org/api-error.js';
import { readOktaJson } from '../org/okta-json-body.js';
import { applyChange, type ManagementApiOptions, now } from './directory.js';
import { duplicate, forbidden, notFound, validationError } from './errors.js';
import { matches } from './expression.js';
import { newOktaId } from './ids.js';
import { groupEntries, members, oktaGroup, oktaUser, type GroupEntry } from './okta-json.js';
import { page } from './paging.js';
import { listQuery } from './query.js';
import { isRecord } from './user-input.js';

const groupLimits = { defaultLimit: 10_000, maxLimit: 10_000 };
/** What Okta lets a groups `filter` name (search may name any attribute). */
const filterAttributes = new Set(['type', 'id', 'created', 'lastupdated', 'lastmembershipupdated']);
const memberLimits = { defaultLimit: 1_000, maxLimit: 1_000 };

export function groupsApi(options: ManagementApiOptions) {
  const { directory, origin, seededAt } = options;
  const view = { origin, seededAt, lastLogins: new Map<string, string>() };

  const find = (ctx: Context, seed: Seed = directory.current()): GroupEntry => {
    const id = String(ctx.params.group ?? '');
    const entry = groupEntries(seed).find((candidate) => groupId(candidate.group) === id);
    if (!entry) throw notFound(id, 'Group');
    return entry;
  };
  const builtIn = () => forbidden('The built-in Everyone group cannot be changed');

  const profileOf = async (ctx: Context) => {
    const body = await readOktaJson(ctx);
    const profile = body.profile;
    if (!isRecord(profile) || typeof profile.name !== 'string' || profile.name.trim() === '') {
      throw validationError('name', ['name: The field cannot be left blank']);
    }
    if (
      profile.description !== undefined &&
      profile.description !== null &&
      typeof profile.description !== 'string'
    ) {
      throw validationError('description', ['description: must be a string']);
    }
    return {
      name: profile.name.trim(),
      description: typeof profile.description === 'string' ? profile.description : undefined,
    };
  };
  const duplicateName = (seed: Seed, name: string, except?: string) => {
    const taken = groupEntries(seed).some(
      (entry) =>
        entry.group.name.toLowerCase() === name.toLowerCase() && entry.group.name !== except,
    );
    if (taken) throw duplicate('name');
  };

  const list: Middleware = async (ctx) => {
    const { q, filter, search } = listQuery(ctx, filterAttributes);
    const candidates = groupEntries(directory.current())
      .map((entry) => oktaGroup(entry, view))
      .filter(
        (group) =>
          (q === undefined || group.profile.name.toLowerCase().startsWith(q)) &&
          (!filter || matches(filter, group)) &&
          (!search || matches(search, group)),
      );
    ctx.body = page(ctx, origin, candidates, groupLimits);
  };

  const answer = (ctx: Context, seed: Seed, id: string) => {
    const entry = groupEntries(seed).find((candidate) => groupId(candidate.group) === id);
    if (!entry) throw notFound(id, 'Group');
    ctx.body = oktaGroup(entry, view);
  };

  const create: Middleware = async (ctx) => {
    const profile = await profileOf(ctx);
    const id = newOktaId('00g');
    const time = now();
    const seed = await applyChange(directory, (latest) => {
      duplicateName(latest, profile.name);
      const group: SeedGroup = {
        id,
        ...profile,
        created: time,
        lastUpdated: time,
        lastMembershipUpdated: time,
      };
      return { ...latest, groups: [...latest.groups, group] };
    });
    answer(ctx, seed, id);
  };

  const get: Middleware = async (ctx) => {
    ctx.body = oktaGroup(find(ctx), view);
  };

  /** A rename carries the members, the demo's teams and the admin group along. */
  const replace: Middleware = async (ctx) => {
    const profile = await profileOf(ctx);
    const time = now();
    let id = '';
    const seed = await applyChange(directory, (latest) => {
      const entry = find(ctx, latest);
      if (entry.builtIn) throw builtIn();
      id = groupId(entry.group);
      const old = entry.group.name;
      duplicateName(latest, profile.name, old);
      const rename = (name: string) => (name === old ? profile.name : name);
      return {
        ...latest,
        groups: latest.groups.map((group) =>
          group === entry.group ? { ...group, id, ...profile, lastUpdated: time } : group,
        ),
        users: latest.users.map((user) => ({ ...user, groups: user.groups.map(rename) })),
        teams: latest.teams.map((team) => ({ ...team, group: rename(team.group) })),
        ...(latest.adminGroup === undefined ? {} : { adminGroup: rename(latest.adminGroup) }),
      };
    });
    answer(ctx, seed, id);
  };

  const remove: Middleware = async (ctx) => {
    await applyChange(directory, (latest) => {
      const entry = find(ctx, latest);
      if (entry.builtIn) throw builtIn();
      const { name } = entry.group;
      const uses = [
        ...latest.teams
          .filter((team) => team.group === name)
          .map((team) => `the demo team "${team.id}"`),
        ...(latest.adminGroup === name ? ["the seed's adminGroup"] : []),
      ];
      if (uses.length > 0) {
        throw new OktaApiError(400, 'E0000001', 'Api validation failed: group', {
          causes: [`The group is used by ${uses.join(' and ')} in the seed; change the seed first`],
        });
      }
      return {
        ...latest,
        groups: latest.groups.filter((group) => group !== entry.group),
        users: latest.users.map((user) => ({
          ...user,
          groups: user.groups.filter((g) => g !== name),
        })),
      };
    });
    ctx.status = 204;
  };

  const listMembers: Middleware = async (ctx) => {
    const seed = directory.current();
    const users = members(seed, find(ctx, seed));
    const lastLogins = await directory.lastLogins.get(users.map((user) => user.id));
    const shown = users.map((user) => oktaUser(user, { ...view, lastLogins }));
    ctx.body = page(ctx, origin, shown, memberLimits);
  };

  const membership =
    (add: boolean): Middleware =>
    async (ctx) => {
      const time = now();
      await applyChange(directory, (latest) => {
        const entry = find(ctx, latest);
        if (entry.builtIn) throw builtIn();
        const userName = String(ctx.params.user ?? '');
        const user = findUser(latest.users, userName);
        if (!user) throw notFound(userName, 'User');
        const { name } = entry.group;
        const groups = add
          ? [...new Set([...user.groups, name])]
          : user.groups.filter((group) => group !== name);
        return {
          ...latest,
          users: latest.users.map((candidate) =>
            candidate === user ? { ...user, groups } : candidate,
          ),
          groups: latest.groups.map((group) =>
            group === entry.group
              ? { ...group, id: groupId(group), lastMembershipUpdated: time }
              : group,
          ),
        };
      });
      ctx.status = 204;
    };

  return {
    list,
    create,
    get,
    replace,
    remove,
    members: listMembers,
    addMember: membership(true),
    removeMember: membership(false),
  };
}
