/**
 * Okta's Users API (/api/v1/users): create, read, list with q, filter and search, update,
 * replace, the lifecycle operations, delete in two steps, and a user's groups.
 */
import type { Context, Middleware } from 'koa';
import { groupId } from '../../../seed/groups.js';
import type { Seed, SeedUser, UserStatus } from '../../../seed/schema.js';
import { findUser } from '../../../seed/users.js';
import { OktaApiError } from '../org/api-error.js';
import { readOktaJson } from '../org/okta-json-body.js';
import { callerOf } from './api-auth.js';
import { applyChange, type ManagementApiOptions, now } from './directory.js';
import { duplicate, notFound, validationError, wrongStatus } from './errors.js';
import { matches } from './expression.js';
import { newActivationToken, newOktaId } from './ids.js';
import { type DirectoryView, groupEntries, oktaGroup, oktaUser } from './okta-json.js';
import { page } from './paging.js';
import { listQuery, queryValue } from './query.js';
import { passwordFrom, userFromProfile, withoutProfile } from './user-input.js';

const userLimits = { defaultLimit: 200, maxLimit: 200 };
/** What Okta lets a users `filter` name (search may name any attribute). */
const filterAttributes = new Set([
  'status',
  'lastupdated',
  'id',
  'created',
  'activated',
  'statuschanged',
  'passwordchanged',
  'type.id',
  'profile.login',
  'profile.email',
  'profile.firstname',
  'profile.lastname',
]);

type Operation = (user: SeedUser, time: string) => SeedUser;

const setStatus = (user: SeedUser, status: UserStatus, time: string): SeedUser => ({
  ...user,
  status,
  statusChanged: time,
  lastUpdated: time,
  ...(status === 'ACTIVE' && !user.activated ? { activated: time } : {}),
});

/** Okta's lifecycle operations, each allowed from the statuses Okta allows it from. */
const lifecycle = new Map<string, Operation>([
  [
    'activate',
    (user, time) => {
      if (user.status === 'ACTIVE') {
        throw new OktaApiError(
          403,
          'E0000016',
          'Activation failed because the user is already active',
        );
      }
      if (user.status !== 'STAGED' && user.status !== 'DEPROVISIONED') throw wrongStatus();
      return setStatus(user, user.password === undefined ? 'PROVISIONED' : 'ACTIVE', time);
    },
  ],
  [
    'reactivate',
    (user, time) => {
      if (user.status !== 'PROVISIONED') throw wrongStatus();
      return { ...user, lastUpdated: time };
    },
  ],
  [
    'deactivate',
    (user, time) => {
      if (user.status === 'DEPROVISIONED') throw wrongStatus();
      return setStatus(user, 'DEPROVISIONED', time);
    },
  ],
  [
    'suspend',
    (user, time) => {
      if (user.status !== 'ACTIVE') throw wrongStatus();
      return setStatus(user, 'SUSPENDED', time);
    },
  ],
  [
    'unsuspend',
    (user, time) => {
      if (user.status !== 'SUSPENDED') throw wrongStatus();
      return setStatus(user, 'ACTIVE', time);
    },
  ],
  [
    'unlock',
    (user, time) => {
      if (user.status !== 'LOCKED_OUT') throw wrongStatus();
      return setStatus(user, 'ACTIVE', time);
    },
  ],
  [
    'expire_password',
    (user, time) => {
      if (user.status !== 'ACTIVE' && user.status !== 'PASSWORD_EXPIRED') throw wrongStatus();
      return setStatus(user, 'PASSWORD_EXPIRED', time);
    },
  ],
]);

export function usersApi(options: ManagementApiOptions) {
  const { directory, origin } = options;

  const view = async (users: readonly SeedUser[]): Promise<DirectoryView> => ({
    origin,
    seededAt: options.seededAt,
    lastLogins: await directory.lastLogins.get(users.map((user) => user.id)),
  });
  const answer = async (ctx: Context, user: SeedUser) => {
    ctx.body = oktaUser(user, await view([user]));
  };

  /** The user the path names: an id, a login, or `me` (the caller's own user). */
  const target = (ctx: Context, seed: Seed): SeedUser => {
    const name = String(ctx.params.user ?? '');
    if (name === 'me') {
      const caller = callerOf(ctx);
      const owner =
        caller.kind === 'api-token' ? (caller.token.user ?? seed.users[0]?.id) : caller.userId;
      const user = owner ? findUser(seed.users, owner) : undefined;
      if (!user) throw notFound('me', 'User');
      return user;
    }
    const user = findUser(seed.users, name);
    if (!user) throw notFound(name, 'User');
    return user;
  };

  /** Replaces the path's user in the latest seed with what `edit` makes of it (or removes it). */
  const changeUser = async (
    ctx: Context,
    edit: (user: SeedUser, seed: Seed) => SeedUser | undefined,
  ): Promise<SeedUser | undefined> => {
    let id = '';
    const seed = await applyChange(directory, (latest) => {
      const user = target(ctx, latest);
      id = user.id;
      const changed = edit(user, latest);
      const users = changed
        ? latest.users.map((existing) => (existing.id === user.id ? changed : existing))
        : latest.users.filter((existing) => existing.id !== user.id);
      return { ...latest, users };
    });
    return seed.users.find((user) => user.id === id);
  };

  const list: Middleware = async (ctx) => {
    const { q, filter, search } = listQuery(ctx, filterAttributes);
    const { users } = directory.current();
    const shown = await view(users);
    const candidates = users
      .map((user) => oktaUser(user, shown))
      .filter((user) => {
        // Okta leaves deactivated users out of a plain list; a filter or search may ask for them.
        if (!filter && !search && user.status === 'DEPROVISIONED') return false;
        if (q !== undefined) {
          const { firstName, lastName, email } = user.profile as Record<string, unknown>;
          const starts = (value: unknown) =>
            typeof value === 'string' && value.toLowerCase().startsWith(q);
          if (![firstName, lastName, email].some(starts)) return false;
        }
        return (!filter || matches(filter, user)) && (!search || matches(search, user));
      });
    ctx.body = page(ctx, origin, candidates, userLimits);
  };

  const create: Middleware = async (ctx) => {
    const body = await readOktaJson(ctx);
    const activate = queryValue(ctx, 'activate') !== 'false';
    const password = passwordFrom(body.credentials);
    const fields = userFromProfile(body.profile, undefined, false);
    const groupIds = body.groupIds ?? [];
    if (!Array.isArray(groupIds) || groupIds.some((id) => typeof id !== 'string')) {
      throw validationError('groupIds', ['groupIds: must be a list of group ids']);
    }
    const id = newOktaId('00u');
    const time = now();
    const status: UserStatus = !activate ? 'STAGED' : password ? 'ACTIVE' : 'PROVISIONED';
    const seed = await applyChange(directory, (latest) => {
      if (findUser(latest.users, fields.login ?? '')) throw duplicate('login');
      const entries = groupEntries(latest);
      const groups = new Set<string>();
      for (const wanted of groupIds as string[]) {
        const entry = entries.find((candidate) => groupId(candidate.group) === wanted);
        if (!entry) throw validationError('groupIds', [`groupIds: no group with id ${wanted}`]);
        // Everyone holds every user already.
        if (!entry.builtIn) groups.add(entry.group.name);
      }
      const user = {
        ...fields,
        id,
        groups: [...groups],
        status,
        ...(password === undefined ? {} : { password, passwordChanged: time }),
        created: time,
        lastUpdated: time,
        ...(status === 'STAGED' ? {} : { statusChanged: time }),
        ...(status === 'ACTIVE' ? { activated: time } : {}),
      };
      return { ...latest, users: [...latest.users, user] };
    });
    const user = seed.users.find((candidate) => candidate.id === id);
    if (!user) throw new Error('the new user is missing from the seed its change produced');
    await answer(ctx, user);
  };

  const get: Middleware = async (ctx) => {
    await answer(ctx, target(ctx, directory.current()));
  };

  /** POST (partial: the attributes given replace theirs) and PUT (the profile replaced whole). */
  const update =
    (partial: boolean): Middleware =>
    async (ctx) => {
      const body = await readOktaJson(ctx);
      const password = passwordFrom(body.credentials);
      if (!partial && body.profile === undefined) {
        throw validationError('profile', ['profile: is required']);
      }
      const time = now();
      const user = await changeUser(ctx, (current, latest) => {
        let next: SeedUser = current;
        if (body.profile !== undefined) {
          const kept = partial ? current : withoutProfile(current);
          next = { ...kept, ...userFromProfile(body.profile, current, partial) } as SeedUser;
          const login = next.login.toLowerCase();
          const taken = latest.users.some(
            (other) => other.id !== current.id && other.login.toLowerCase() === login,
          );
          if (taken) throw duplicate('login');
        }
        if (password !== undefined) next = { ...next, password, passwordChanged: time };
        return { ...next, lastUpdated: time };
      });
      if (!user) throw notFound(String(ctx.params.user), 'User');
      await answer(ctx, user);
    };

  const activation = (ctx: Context) => {
    if (queryValue(ctx, 'sendEmail') !== 'false') return {};
    const activationToken = newActivationToken();
    return { activationUrl: `${origin}/welcome/${activationToken}`, activationToken };
  };

  /** POST /api/v1/users/{id}/lifecycle/{operation}. */
  const runLifecycle: Middleware = async (ctx) => {
    const name = String(ctx.params.operation);
    const operation = lifecycle.get(name);
    if (!operation) {
      throw new OktaApiError(
        404,
        'E0000007',
        `Not found: Resource not found: lifecycle/${name}; Understudy does not emulate this operation`,
      );
    }
    const time = now();
    const user = await changeUser(ctx, (current) => operation(current, time));
    if (!user) throw notFound(String(ctx.params.user), 'User');
    if (name === 'expire_password') return answer(ctx, user);
    ctx.body = name === 'activate' || name === 'reactivate' ? activation(ctx) : {};
  };

  /** The first DELETE deactivates, the second deletes, as on Okta. */
  const remove: Middleware = async (ctx) => {
    const time = now();
    await changeUser(ctx, (current) =>
      current.status === 'DEPROVISIONED' ? undefined : setStatus(current, 'DEPROVISIONED', time),
    );
    ctx.status = 204;
  };

  const groups: Middleware = async (ctx) => {
    const seed = directory.current();
    const user = target(ctx, seed);
    const shown: DirectoryView = { origin, seededAt: options.seededAt, lastLogins: new Map() };
    ctx.body = groupEntries(seed)
      .filter((entry) => entry.builtIn || user.groups.includes(entry.group.name))
      .map((entry) => oktaGroup(entry, shown));
  };

  return {
    list,
    create,
    get,
    update: update(true),
    replace: update(false),
    lifecycle: runLifecycle,
    remove,
    groups,
  };
}
