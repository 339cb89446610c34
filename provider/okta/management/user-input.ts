/**
 * A user as the Management API receives one (Okta's profile attribute names, credentials with
 * a password value), checked the way Okta checks it, and turned into the seed's fields.
 */
import type { SeedUser } from '../../../seed/schema.js';
import { validationError } from './errors.js';

/** Okta's attribute names for the seed's own fields; the rest stay in `profile`. */
const seedFields: Record<string, keyof SeedUser> = {
  firstName: 'givenName',
  lastName: 'familyName',
  email: 'email',
  login: 'login',
  displayName: 'name',
  locale: 'locale',
  timezone: 'zoneinfo',
};
const required = ['login', 'email', 'firstName', 'lastName'];
const profileParts = new Set<string>([...Object.values(seedFields), 'profile']);

/** The user without its profile: what a PUT (replace) keeps. */
export function withoutProfile(user: SeedUser): Partial<SeedUser> {
  return Object.fromEntries(
    Object.entries(user).filter(([field]) => !profileParts.has(field)),
  ) as Partial<SeedUser>;
}
const emailPattern = /^[^\s@]+@[^\s@]+$/;
// Okta's custom attributes are flat values or arrays of them; a deep one would overflow the
// validators' stacks, so it is refused here.
const maxAttributeDepth = 4;

function shallowEnough(value: unknown, depth: number): boolean {
  if (typeof value !== 'object' || value === null) return true;
  if (depth === 0) return false;
  return Object.values(value).every((inner) => shallowEnough(inner, depth - 1));
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The seed fields for `profile`, laid over `base` (a partial update) or replacing it (create
 * and PUT). Read-only fields the SDK sends back (id, status, _links...) are not in here at all.
 */
export function userFromProfile(
  profile: unknown,
  base: SeedUser | undefined,
  partial: boolean,
): Partial<SeedUser> {
  if (!isRecord(profile)) {
    throw validationError('profile', ['profile: is required and must be an object']);
  }
  const causes: string[] = [];
  const out: Record<string, unknown> =
    partial && base ? { ...base, profile: { ...base.profile } } : {};
  const extra: Record<string, unknown> = partial && base ? { ...base.profile } : {};
  for (const [name, value] of Object.entries(profile)) {
    const field = Object.hasOwn(seedFields, name) ? seedFields[name] : undefined;
    if (field) {
      if (value === null || value === undefined || value === '') {
        if (required.includes(name)) causes.push(`${name}: The field cannot be left blank`);
        else delete out[field];
      } else if (typeof value !== 'string') {
        causes.push(`${name}: must be a string`);
      } else {
        out[field] = value.trim() === value ? value : value.trim();
      }
    } else if (value === null) {
      delete extra[name];
    } else if (!shallowEnough(value, maxAttributeDepth)) {
      causes.push(`${name}: nests deeper than ${maxAttributeDepth} levels`);
    } else {
      extra[name] = value;
    }
  }
  if (!partial || !base) {
    for (const name of required) {
      const field = seedFields[name] ?? name;
      if (out[field] === undefined && !causes.some((cause) => cause.startsWith(`${name}:`))) {
        causes.push(`${name}: The field cannot be left blank`);
      }
    }
  }
  if (typeof out.email === 'string' && !emailPattern.test(out.email)) {
    causes.push('email: Does not match required pattern');
  }
  if (causes.length > 0) throw validationError(causes[0]?.split(':')[0] ?? 'profile', causes);
  // The seed's schema checks that the custom attributes are JSON when the change is applied.
  return { ...(out as Partial<SeedUser>), profile: extra as SeedUser['profile'] };
}

/** `credentials.password.value`, when the request sets a password. */
export function passwordFrom(credentials: unknown): string | undefined {
  if (credentials === undefined || credentials === null) return undefined;
  if (!isRecord(credentials)) {
    throw validationError('credentials', ['credentials: must be an object']);
  }
  const password = credentials.password;
  if (password === undefined || password === null) return undefined;
  if (!isRecord(password)) throw validationError('password', ['password: must be an object']);
  if (password.value === undefined) return undefined;
  if (typeof password.value !== 'string' || password.value === '') {
    throw validationError('password', ['password: Password requirements were not met']);
  }
  return password.value;
}
