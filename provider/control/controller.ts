/**
 * The operations behind the control API and the in-process test kit: one implementation,
 * reached over HTTP (any language) or directly (TypeScript).
 */
import type { Seed, SeedInput, SeedUser } from '../../seed/schema.js';
import { findUser } from '../../seed/users.js';
import { InvalidRequest } from '../http/errors.js';
import { generateSigningKey, type KeyMaterial, rotateKeys } from '../oidc/keys.js';
import { clockOffsetSeconds, setClockOffset } from './clock.js';
import type { OutboxMessage, OutboxStore } from '../store/outbox.js';
import {
  type ControlStateStore,
  type FailableEndpoint,
  failableEndpoints,
  type InjectedFailure,
} from './control-state.js';

export type SeedUserInput = SeedInput['users'][number];

/** What the controller needs from the running server. */
export interface ControlRuntime {
  readonly state: ControlStateStore;
  /** The email and SMS codes sign-ins sent. */
  readonly outbox: OutboxStore;
  /** Tells the other instances (with Redis) that the clock moved; nothing without. */
  shareClock?: ((seconds: number) => Promise<void>) | undefined;
  readonly initialSeed: Seed;
  /** Where the keys are kept (the data directory, or Redis). */
  readonly keyStore: {
    read(): Promise<KeyMaterial | undefined>;
    write(material: KeyMaterial): Promise<void>;
  };
  /**
   * Changes the users (validated like the seed file; with Redis, on the latest shared users and
   * shared with every instance); `source` names the change in error messages.
   */
  changeUsers(edit: (seed: Seed) => unknown, source: string): Promise<Seed>;
  /** How long a retired key stays published: the longest a token it signed lives. */
  readonly keyRetentionSeconds: number;
  seed(): Seed;
  keys(): KeyMaterial;
  /** Applies `change` to the configuration in force, after any change already under way. */
  reconfigure(
    change: (current: {
      seed: Seed;
      keys: KeyMaterial;
    }) => { seed?: Seed; keys?: KeyMaterial } | Promise<{ seed?: Seed; keys?: KeyMaterial }>,
  ): Promise<void>;
}

export interface ControlSnapshot {
  nextLogin: string | undefined;
  /** The second factor the next login counts as verified, if it names one. */
  nextLoginFactor: string | undefined;
  failures: Record<FailableEndpoint, InjectedFailure[]>;
  clockOffsetSeconds: number;
  signingKeys: string[];
  users: { id: string; login: string; groups: string[] }[];
}

export class UnknownUserError extends InvalidRequest {}

export interface UnderstudyControl {
  /**
   * The next login signs in this user (id or login) without showing the login page; with
   * `factor` (one of the user's authenticators: google_otp, okta_email, phone_number), that
   * second factor counts as verified too.
   */
  nextLogin(user: string, factor?: string): Promise<void>;
  /** The next request(s) to `endpoint` fail with this OAuth error. */
  failNext(
    endpoint: FailableEndpoint,
    error: string,
    errorDescription?: string,
    times?: number,
  ): Promise<void>;
  /** Moves the clock of the process Understudy runs in (and, with Redis, of every instance). */
  shiftClock(seconds: number): Promise<void>;
  /** Adds a user, or replaces the one with the same id; validated like the seed file. */
  upsertUser(user: SeedUserInput): Promise<SeedUser>;
  /** Signs with a new key from now on; retired keys stay published until their tokens expire. */
  rotateKeys(): Promise<{ kid: string }>;
  /** The email and SMS messages sign-ins sent, newest first; those to `to` when given. */
  outbox(to?: string): Promise<OutboxMessage[]>;
  /** Back to the seed: users, pending logins and failures, the clock, the outbox. Keys stay. */
  reset(): Promise<void>;
  snapshot(): Promise<ControlSnapshot>;
}

export function createControl(runtime: ControlRuntime): UnderstudyControl {
  const seededUser = (user: string) => {
    const found = findUser(runtime.seed().users, user);
    if (!found) throw new UnknownUserError(`no seeded user "${user}"`);
    return found;
  };

  return {
    async nextLogin(user, factor) {
      const found = seededUser(user);
      if (factor !== undefined && !found.authenticators.some(({ key }) => key === factor)) {
        throw new InvalidRequest(
          `${found.login} has no authenticator "${factor}" (enrolled: ${found.authenticators.map(({ key }) => key).join(', ') || 'none'})`,
        );
      }
      await runtime.state.setNextLogin({ userId: found.id, ...(factor ? { factor } : {}) });
    },
    async failNext(endpoint, error, errorDescription, times = 1) {
      if (!failableEndpoints.includes(endpoint)) {
        throw new InvalidRequest(
          `endpoint must be ${failableEndpoints.map((name) => `"${name}"`).join(', ')}, got "${String(endpoint)}"`,
        );
      }
      if (!/^[\x20-\x21\x23-\x5B\x5D-\x7E]+$/.test(error)) {
        throw new InvalidRequest('error must be an OAuth error code such as "access_denied"');
      }
      await runtime.state.failNext(endpoint, { error, error_description: errorDescription }, times);
    },
    async shiftClock(seconds) {
      setClockOffset(seconds);
      await runtime.shareClock?.(seconds);
    },
    async upsertUser(user) {
      const seed = await runtime.changeUsers((current) => {
        const index = current.users.findIndex((existing) => existing.id === user.id);
        const users = [...current.users] as unknown[];
        if (index < 0) users.push(user);
        else users[index] = user;
        return { ...current, users };
      }, 'the control request');
      const changed = seed.users.find((existing) => existing.id === user.id);
      if (!changed) throw new UnknownUserError(`no seeded user "${user.id}"`);
      return changed;
    },
    async rotateKeys() {
      const key = await generateSigningKey();
      await runtime.reconfigure(async ({ keys: current }) => {
        // The store first: `understudy keys rotate` may have rotated since we last read it.
        const stored = (await runtime.keyStore.read()) ?? current;
        const keys: KeyMaterial = rotateKeys(stored, key, runtime.keyRetentionSeconds);
        await runtime.keyStore.write(keys);
        return { keys };
      });
      return { kid: key.kid };
    },
    outbox: (to) => runtime.outbox.list(to),
    async reset() {
      await runtime.state.clear();
      await runtime.outbox.clear();
      setClockOffset(0);
      await runtime.shareClock?.(0);
      await runtime.changeUsers(() => runtime.initialSeed, 'the reset');
    },
    async snapshot() {
      const next = await runtime.state.nextLogin();
      return {
        nextLogin: next?.userId,
        nextLoginFactor: next?.factor,
        failures: await runtime.state.pendingFailures(),
        clockOffsetSeconds: clockOffsetSeconds(),
        signingKeys: runtime.keys().signingKeys.map((key) => key.kid),
        users: runtime
          .seed()
          .users.map(({ id, login, groups }) => ({ id, login, groups: [...groups] })),
      };
    },
  };
}
