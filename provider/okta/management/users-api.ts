/**
 * Okta's Users API (/api/v1/users): create, read, list with q, filter and search, update,
 * replace, the lifecycle operations, delete in two steps, and a user's groups.
 */
import type { Context, Middleware } from 'koa';
import type { Seed, SeedUser, UserStatus } from '../../../seed/schema.js';
import { groupId as seedGroupId } from '../../../seed/groups.js';
import { findUser } from '../../../seed/users.js';
import { readOktaJson } from '../authn-api.js';
import { OktaApiError } from '../api-error.js';
import { callerOf } from './api-auth.js';
import { applyChange, type Directory, now } from './directory.js';
import { ExpressionError, type Operator, matches, parseExpression } from './expression.js';
import { newActivationToken, newOktaId } from './ids.js';
import { groupEntries, oktaGroup, oktaUser, type DirectoryView } from './okta-json.js';
import { page } from './paging.js';
import {
  duplicateLogin,
  passwordFrom,
  userFromProfile,
  validationError,
  withoutProfile,
} from './user-input.js';

export interface UsersApiOptions {
  directory: Directory;
  /** e.g. http://localhost:4000, for the _links. */
  origin: string;
  /** When the seed was loaded: the dates of a seeded user the seed dates not. */
  seededAt: string;
}

const userLimits = { defaultLimit: 200, maxLimit: 200 };
const filterOperators = new Set<Operator>(['eq', 'gt', 'ge', 'lt', 'le']);
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

export function notFound(what: string, type: 'User' | 'Group'): OktaApiError {
  return new OktaApiError(404, 'E0000007', `Not found: Resource not found: ${what} (${type})`);
}

export function wrongStatus(): OktaApiError {
  return new OktaApiError(
    403,
    'E0000038',
    "This operation is not allowed in the user's current status.",
  );
}

export function searchExpression(ctx: Context) {
  const text = (name: string) => {
    const value = ctx.query[name];
    return Array.isArray(value) ? value[0] : value;
  };
  try {
    const filter = text('filter');
    const search = text('search');
    return {
      filter:
        filter === undefined
          ? undefined
          : parseExpression(filter, {
              operators: filterOperators,
              attributes: (name) => filterAttributes.has(name.toLowerCase()),
            }),
      search: search === undefined ? undefined : parseExpression(search),
      q: text('q')?.toLowerCase(),
    };
  } catch (error) {
    if (!(error instanceof ExpressionError)) throw error;
    throw new OktaApiError(400, 'E0000031', 'Invalid search criteria.', {
      causes: [error.message],
    });
  }
}

export function usersApi(options: UsersApiOptions) {
  const { directory, origin } = options;

  const view = async (users: readonly SeedUser[]): Promise<DirectoryView> => ({
    origin,
    seededAt: options.seededAt,
    lastLogins: await directory.lastLogins.get(users.map((user) => user.id)),
  });
  const answer = async (ctx: Context, user: SeedUser) => {
    ctx.body = oktaUser(user, await view([user]));
  };

  /** The user the path names: an id, a login, or `me` (the API token's user). */
  const target = (ctx: Context, seed: Seed = directory.current()): SeedUser => {
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

  /** Replaces the path's user in the latest seed with what `edit` makes of it. */
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
    const { q, filter, search } = searchExpression(ctx);
    const users = directory.current().users;
    const shown = await view(users);
    const candidates = users
      .map((user) => oktaUser(user, shown))
      .filter((user) => {
        // Okta leaves deactivated users out of a plain list; a filter or search may ask for them.
        if (!filter && !search && user.status === 'DEPROVISIONED') return false;
        if (q !== undefined) {
          const { firstName, lastName, email } = user.profile as Record<string, string>;
          if (![firstName, lastName, email].some((value) => value?.toLowerCase().startsWith(q))) {
            return false;
          }
        }
        return (!filter || matches(filter, user)) && (!search || matches(search, user));
      });
    ctx.body = page(ctx, origin, candidates, userLimits);
  };

  const create: Middleware = async (ctx) => {
    const body = await readOktaJson(ctx);
    const activate = ctx.query.activate !== 'false';
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
      if (findUser(latest.users, fields.login ?? '')) throw duplicateLogin();
      const groups = groupEntries(latest);
      const names = (groupIds as string[]).map((groupId) => {
        const entry = groups.find((candidate) => seedGroupId(candidate.group) === groupId);
        if (!entry) {
          throw validationError('groupIds', [`groupIds: no group with id ${groupId}`]);
        }
        return entry;
      });
      const user = {
        ...fields,
        id,
        groups: names.filter((entry) => !entry.builtIn).map((entry) => entry.group.name),
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
    if (!user) throw new Error('the new user is missing after its change');
    await answer(ctx, user);
  };
  const get: Middleware = async (ctx) => {
    await answer(ctx, target(ctx));
  };

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
          const fields = userFromProfile(body.profile, current, partial);
          const kept = partial ? current : withoutProfile(current);
          next = { ...kept, ...fields } as SeedUser;
          const login = next.login.toLowerCase();
          if (
            latest.users.some(
              (other) => other.id !== current.id && other.login.toLowerCase() === login,
            )
          ) {
            throw duplicateLogin();
          }
        }
        if (password !== undefined) {
          next = { ...next, password, passwordChanged: time };
        }
        return { ...next, lastUpdated: time };
      });
      if (!user) throw notFound(String(ctx.params.user), 'User');
      await answer(ctx, user);
    };

  const setStatus = (user: SeedUser, status: UserStatus, time: string): SeedUser => ({
    ...user,
    status,
    statusChanged: time,
    lastUpdated: time,
    ...(status === 'ACTIVE' && !user.activated ? { activated: time } : {}),
  });

  const activation = (ctx: Context) => {
    if (ctx.query.sendEmail !== 'false') return {};
    const activationToken = newActivationToken();
    return { activationUrl: `${origin}/welcome/${activationToken}`, activationToken };
  };

  /** POST /api/v1/users/{id}/lifecycle/{operation}, by Okta's rules for each status. */
  const lifecycle: Middleware = async (ctx) => {
    const operation = String(ctx.params.operation);
    const time = now();
    const rules: Record<string, (user: SeedUser) => SeedUser> = {
      activate: (user) => {
        if (user.status === 'ACTIVE') {
          throw new OktaApiError(
            403,
            'E0000016',
            'Activation failed because the user is already active',
          );
        }
        return setStatus(user, user.password === undefined ? 'PROVISIONED' : 'ACTIVE', time);
      },
      reactivate: (user) => {
        if (user.status !== 'PROVISIONED') throw wrongStatus();
        return { ...user, lastUpdated: time };
      },
      deactivate: (user) =>
        user.status === 'DEPROVISIONED' ? user : setStatus(user, 'DEPROVISIONED', time),
      suspend: (user) => {
        if (user.status !== 'ACTIVE') throw wrongStatus();
        return setStatus(user, 'SUSPENDED', time);
      },
      unsuspend: (user) => {
        if (user.status !== 'SUSPENDED') throw wrongStatus();
        return setStatus(user, 'ACTIVE', time);
      },
      unlock: (user) => {
        if (user.status !== 'LOCKED_OUT') throw wrongStatus();
        return setStatus(user, 'ACTIVE', time);
      },
      expire_password: (user) => {
        if (user.status !== 'ACTIVE' && user.status !== 'PASSWORD_EXPIRED') throw wrongStatus();
        return setStatus(user, 'PASSWORD_EXPIRED', time);
      },
    };
    const rule = rules[operation];
    if (!rule) {
      throw new OktaApiError(
        404,
        'E0000007',
        `Not found: Resource not found: lifecycle/${operation}; Understudy does not emulate this operation`,
      );
    }
    const user = await changeUser(ctx, (current) => rule(current));
    if (!user) throw notFound(String(ctx.params.user), 'User');
    if (operation === 'expire_password') return answer(ctx, user);
    ctx.body = operation === 'activate' || operation === 'reactivate' ? activation(ctx) : {};
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
    const shown = { origin, seededAt: options.seededAt, lastLogins: new Map<string, string>() };
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
    lifecycle,
    remove,
    groups,
  };
}
