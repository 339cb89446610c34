/**
 * What a sign-in must prove, as Okta decides it: the app's authentication policy (`1fa` or
 * `2fa`) and the request's `acr_values`, one of Okta's values (the first it knows; others are
 * ignored, as Okta does). `phr` and `phrh` ask for phishing-resistant factors Understudy does
 * not have, so they cannot be met.
 */
import type { SeedUser } from '../../../seed/schema.js';
import { hasSecondFactor } from './factors.js';

export const oktaAcrValues = {
  'urn:okta:loa:1fa:any': { factors: 1, ifPossible: false },
  'urn:okta:loa:1fa:pwd': { factors: 1, ifPossible: false },
  'urn:okta:loa:2fa:any': { factors: 2, ifPossible: false },
  'urn:okta:loa:2fa:any:ifpossible': { factors: 2, ifPossible: true },
  phr: { factors: 'unmeetable', ifPossible: false },
  phrh: { factors: 'unmeetable', ifPossible: false },
} as const;

export interface Requirement {
  factors: 1 | 2 | 'unmeetable';
  /** Two factors if the user has a second one, otherwise one will do. */
  ifPossible: boolean;
  /** The `acr` the tokens carry: the requested `acr_values`, exactly, when Okta knows it. */
  acr: string | undefined;
}

export function requirement(policy: '1fa' | '2fa', acrValues: unknown): Requirement {
  const requested = typeof acrValues === 'string' ? acrValues : undefined;
  const known = requested
    ?.split(' ')
    .find((value): value is keyof typeof oktaAcrValues => Object.hasOwn(oktaAcrValues, value));
  const asked = known ? oktaAcrValues[known] : undefined;
  if (asked?.factors === 'unmeetable') {
    return { factors: 'unmeetable', ifPossible: false, acr: requested };
  }
  const byPolicy = policy === '2fa' ? 2 : 1;
  const factors = Math.max(byPolicy, asked?.factors ?? 1) as 1 | 2;
  return {
    factors,
    // The app's own 2fa policy is not softened by a request's ifpossible.
    ifPossible: byPolicy === 1 && asked?.ifPossible === true,
    acr: known ? requested : undefined,
  };
}

export type Next = 'done' | 'password' | 'second-factor' | 'unmet';

/** What the sign-in still needs, given the factors the session has verified (its `amr`). */
export function nextStep(need: Requirement, user: SeedUser, amr: readonly string[]): Next {
  if (need.factors === 'unmeetable') return 'unmet';
  if (!amr.includes('pwd')) return 'password';
  if (need.factors === 1 || hasSecondFactor(amr)) return 'done';
  if (user.authenticators.length > 0) return 'second-factor';
  return need.ifPossible ? 'done' : 'unmet';
}
