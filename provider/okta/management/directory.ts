/**
 * The users and groups the Management API reads and changes: the seed in force, which is also
 * what the login page, /api/v1/authn and the tokens' claims read, so there is one source of
 * truth. The composition root implements it (a change is validated like the seed file, applied
 * after any change already under way, and shared with the other instances when there are any).
 */
import type { Seed } from '../../../seed/schema.js';
import { SeedError } from '../../../seed/errors.js';
import type { LastLoginStore } from '../../store/last-logins.js';
import { OktaApiError } from '../org/api-error.js';

export interface Directory {
  current(): Seed;
  /** `edit` gets the latest seed and returns the next one (unvalidated). */
  change(edit: (seed: Seed) => unknown): Promise<Seed>;
  readonly lastLogins: LastLoginStore;
}

/** What the Users and Groups APIs are built from. */
export interface ManagementApiOptions {
  directory: Directory;
  /** e.g. http://localhost:4000, for the _links. */
  origin: string;
  /** When the seed was loaded: the dates of users and groups the seed dates not. */
  seededAt: string;
}

/** A change whose result the seed's schema refuses is the caller's 400, with what is wrong. */
export async function applyChange(
  directory: Directory,
  edit: (seed: Seed) => unknown,
): Promise<Seed> {
  try {
    return await directory.change(edit);
  } catch (error) {
    if (!(error instanceof SeedError)) throw error;
    throw new OktaApiError(400, 'E0000001', 'Api validation failed: the request', {
      causes: error.problems.map((problem) => problem.replace(/^users\[\d+\]\./, '')),
      cause: error,
    });
  }
}

export function now(): string {
  return new Date().toISOString();
}
