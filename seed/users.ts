/**
 * Finding a seeded user the way people name one (by id or by login, in any case), and the
 * name a page shows for them.
 */
import type { SeedUser } from './schema.js';

export function findUser(users: readonly SeedUser[], idOrLogin: string): SeedUser | undefined {
  const login = idOrLogin.trim().toLowerCase();
  return users.find((user) => user.id === idOrLogin || user.login.toLowerCase() === login);
}

export function displayName(user: SeedUser): string {
  return user.name ?? `${user.givenName} ${user.familyName}`;
}
