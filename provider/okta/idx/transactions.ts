/**
 * What an IDX sign-in keeps between requests, in the provider's store (bounded, shared on
 * Redis, durable on SQLite): the request /v1/interact took (under its interaction handle), the
 * sign-in's progress (under its state handle), and the interaction code it ends with, which
 * the store's consume lets exactly one token request spend.
 */
import { randomBytes } from 'node:crypto';
import type { AdapterPayload } from 'oidc-provider';
import { consumeOnce } from '../../store/consume-once.js';
import type { AdapterFactory } from '../../store/memory-adapter.js';
import type { SecondFactorKey } from '../authenticators/factors.js';

/** How long a sign-in may take, as Okta's state handles expire. */
export const transactionLifetimeSeconds = 600;
/** Okta's interaction codes are short-lived: a minute to redeem. */
export const interactionCodeLifetimeSeconds = 60;

/** What the app asked for at /v1/interact: what the tokens are bound to. */
export interface InteractRequest {
  clientId: string;
  redirectUri: string;
  scope: string;
  state: string;
  nonce?: string | undefined;
  codeChallenge: string;
  acrValues?: string | undefined;
}

export interface IdxTransaction {
  clientId: string;
  acrValues?: string | undefined;
  /** The app's request, for a sign-in that ends with an interaction code (embedded). */
  request?: InteractRequest | undefined;
  /** The pending authorization request, for the hosted widget (ends in a redirect). */
  interactionUid?: string | undefined;
  userId?: string | undefined;
  /** The `amr` values verified so far. */
  verified: string[];
  /** The second factor chosen, whose code is asked for. */
  factor?: SecondFactorKey | undefined;
  /** When nothing new was verified (a step-up from a session), the session's sign-in time. */
  loginTs?: number | undefined;
  /** Epoch seconds. */
  expiresAt: number;
  /** The sign-in is complete: the interaction code issued, or the hosted result to hand over. */
  completed?:
    | {
        interactionCode?: string | undefined;
        amr: string[];
        acr?: string | undefined;
        authTime: number;
      }
    | undefined;
}

/** The sign-in an interaction code stands for. */
export interface InteractionCodeGrant {
  /** The sign-in it ends, which is over once the code is redeemed. */
  stateHandle: string;
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  scope: string;
  nonce?: string | undefined;
  userId: string;
  amr: string[];
  acr?: string | undefined;
  authTime: number;
}

export interface IdxStore {
  saveInteraction(handle: string, request: InteractRequest): Promise<void>;
  /** The request of an interaction handle, and the state handle its sign-in has, if any. */
  findInteraction(
    handle: string,
  ): Promise<{ request: InteractRequest; stateHandle?: string | undefined } | undefined>;
  linkInteraction(handle: string, stateHandle: string): Promise<void>;
  find(stateHandle: string): Promise<IdxTransaction | undefined>;
  save(stateHandle: string, transaction: IdxTransaction): Promise<void>;
  remove(stateHandle: string): Promise<void>;
  issueCode(grant: InteractionCodeGrant): Promise<string>;
  findCode(code: string): Promise<InteractionCodeGrant | undefined>;
  /** Spends the code; false when another request spent it first. */
  spendCode(code: string): Promise<boolean>;
}

const remaining = (expiresAt: number) => Math.max(1, expiresAt - Math.floor(Date.now() / 1000));

export function createIdxStore(storage: AdapterFactory): IdxStore {
  const interactions = storage('IdxInteraction');
  const transactions = storage('IdxTransaction');
  const codes = storage('IdxInteractionCode');
  return {
    async saveInteraction(handle, request) {
      await interactions.upsert(
        handle,
        { request } as unknown as AdapterPayload,
        transactionLifetimeSeconds,
      );
    },
    async findInteraction(handle) {
      const found = (await interactions.find(handle)) as
        { request?: InteractRequest; stateHandle?: string } | undefined;
      return found?.request
        ? { request: found.request, stateHandle: found.stateHandle }
        : undefined;
    },
    async linkInteraction(handle, stateHandle) {
      const found = await interactions.find(handle);
      if (!found) return;
      await interactions.upsert(handle, { ...found, stateHandle }, transactionLifetimeSeconds);
    },
    async find(stateHandle) {
      const found = (await transactions.find(stateHandle)) as IdxTransaction | undefined;
      if (!found || found.expiresAt <= Math.floor(Date.now() / 1000)) return undefined;
      return found;
    },
    async save(stateHandle, transaction) {
      await transactions.upsert(
        stateHandle,
        { ...transaction } as AdapterPayload,
        remaining(transaction.expiresAt),
      );
    },
    async remove(stateHandle) {
      await transactions.destroy(stateHandle);
    },
    async issueCode(grant) {
      const code = randomBytes(32).toString('base64url');
      await codes.upsert(code, { ...grant } as AdapterPayload, interactionCodeLifetimeSeconds);
      return code;
    },
    async findCode(code) {
      const found = (await codes.find(code)) as
        (InteractionCodeGrant & { consumed?: unknown }) | undefined;
      if (!found || found.consumed) return undefined;
      return found;
    },
    spendCode: (code) => consumeOnce(codes, code),
  };
}
