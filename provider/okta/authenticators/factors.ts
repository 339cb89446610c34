/**
 * Okta's authenticators as Understudy has them: the password (`okta_password`) and the second
 * factors a seeded user may have enrolled, with what Okta shows for each and the `amr` value a
 * verification adds.
 */
import type { SeedAuthenticator, SeedUser } from '../../../seed/schema.js';

export type SecondFactorKey = SeedAuthenticator['key'];

export interface FactorInfo {
  label: string;
  /** The selection button's accessible name on Okta's page. */
  ariaLabel: string;
  /** What verifying it adds to `amr`. */
  amr: string;
  /** IDX's methodType. */
  methodType: 'otp' | 'email' | 'sms';
  /** Codes are sent (to the outbox) rather than read from an app. */
  sends: boolean;
}

export const factors: Readonly<Record<SecondFactorKey, FactorInfo>> = {
  google_otp: {
    label: 'Google Authenticator',
    ariaLabel: 'Select Google Authenticator.',
    amr: 'otp',
    methodType: 'otp',
    sends: false,
  },
  okta_email: {
    label: 'Email',
    ariaLabel: 'Select Email.',
    amr: 'email',
    methodType: 'email',
    sends: true,
  },
  phone_number: {
    label: 'Phone',
    ariaLabel: 'Select Phone.',
    amr: 'sms',
    methodType: 'sms',
    sends: true,
  },
};

export function isSecondFactor(key: string): key is SecondFactorKey {
  return Object.hasOwn(factors, key);
}

export function enrolled(user: SeedUser, key: SecondFactorKey): SeedAuthenticator | undefined {
  return user.authenticators.find((authenticator) => authenticator.key === key);
}

/** Where a sending factor's code goes: the email address or the phone number. */
export function destination(user: SeedUser, authenticator: SeedAuthenticator): string {
  if (authenticator.key === 'okta_email') return authenticator.email ?? user.email;
  if (authenticator.key === 'phone_number') return authenticator.phoneNumber;
  return user.login;
}

/**
 * The `amr` of a sign-in from the factor types verified: `pwd`, `otp`, `email`, `sms`, and
 * `mfa` once there are two types, as Okta's ID tokens say it (sorted, as Okta lists them).
 */
export function amrOf(verified: Iterable<string>): string[] {
  const types = new Set([...verified].filter((value) => value !== 'mfa'));
  return [...types, ...(types.size > 1 ? ['mfa'] : [])].sort();
}

/** Whether `amr` holds a factor besides the password. */
export function hasSecondFactor(amr: readonly string[] | undefined): boolean {
  return (amr ?? []).some((value) => value !== 'pwd' && value !== 'mfa');
}
