/**
 * The mfa_token of a password grant that still needs a second factor: opaque, for one client
 * and one user, good for five minutes, and spent by the one mfa-otp request that completes
 * the sign-in. Kept in the provider's store, so any instance on the same Redis redeems it, and
 * spent there with the store's consume, which only one request wins across instances.
 */
import { randomBytes } from 'node:crypto';
import type { AdapterPayload } from 'oidc-provider';
import { consumeOnce } from '../../store/consume-once.js';
import type { AdapterFactory } from '../../store/memory-adapter.js';

export const mfaTokenLifetimeSeconds = 300;

/** The sign-in an mfa_token holds: what was proved, and what the tokens will carry. */
export interface PendingSignIn {
  clientId: string;
  userId: string;
  /** The `amr` values verified so far (the password). */
  verified: string[];
  scopes: string[];
  acr?: string | undefined;
}

export interface MfaTokens {
  issue(pending: PendingSignIn): Promise<string>;
  /** The pending sign-in, when the token is live, unspent, and `clientId`'s. */
  find(token: string, clientId: string): Promise<PendingSignIn | undefined>;
  /** Spends the token; false when another request spent it first. */
  spend(token: string): Promise<boolean>;
}

export function createMfaTokens(storage: AdapterFactory): MfaTokens {
  const store = storage('MfaToken');
  return {
    async issue(pending) {
      const token = randomBytes(32).toString('base64url');
      await store.upsert(token, { ...pending } as AdapterPayload, mfaTokenLifetimeSeconds);
      return token;
    },

    async find(token, clientId) {
      const found = (await store.find(token)) as
        (Partial<PendingSignIn> & { consumed?: unknown }) | undefined;
      if (!found || found.consumed || found.clientId !== clientId) return undefined;
      const { userId, verified, scopes, acr } = found;
      if (typeof userId !== 'string' || !Array.isArray(verified) || !Array.isArray(scopes)) {
        return undefined;
      }
      return { clientId, userId, verified, scopes, acr };
    },

    spend: (token) => consumeOnce(store, token),
  };
}
