/**
 * What the sign-in step needs to know about factors, given to it by okta/ (which decides
 * Okta's policy, checks codes and keeps the outbox), so the interactions know no Okta rules.
 */
import type { Context } from 'koa';
import type { SeedUser } from '../../seed/schema.js';
import type { FactorChoice } from '../views/login-page.js';

export type { FactorChoice };
export type NextStep = 'done' | 'password' | 'second-factor' | 'unmet';

/** A user to sign in without the login page, and the second factor to count as verified. */
export interface AutoLogin {
  userId: string;
  factor?: string | undefined;
}

export interface SignInFactors {
  /** The `acr` a finished sign-in carries for this request, and the step still needed. */
  assess(
    clientId: string,
    acrValues: unknown,
    user: SeedUser,
    amr: readonly string[],
  ): { next: NextStep; acr: string | undefined };
  /** Whether the request can never be met (phr, phrh), before anyone is identified. */
  unmeetable(clientId: string, acrValues: unknown): boolean;
  choices(user: SeedUser): FactorChoice[];
  /** The `amr` value a verified factor adds. */
  amrValue(key: string): string | undefined;
  amrOf(verified: Iterable<string>): string[];
  send(challenge: string, user: SeedUser, key: string): Promise<void>;
  verify(challenge: string, user: SeedUser, key: string, code: string): Promise<boolean>;
}

/** Where a sign-in stands when its page opens: the session's user and factors, if any. */
export interface SignInStart {
  userId?: string | undefined;
  verified: string[];
  loginTs?: number | undefined;
}

/**
 * Another hosted page that runs the whole sign-in (Okta's own widget): it is shown instead of
 * Understudy's, and ends the interaction itself.
 */
export type HostedSignInPage = (
  ctx: Context,
  details: {
    uid: string;
    params: Record<string, unknown>;
  },
  start: SignInStart,
) => Promise<void>;
