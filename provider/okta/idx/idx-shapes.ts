/**
 * Identity Engine's IDX objects, spelled once: the top-level answer (`version` 1.0.0, the
 * state handle, `expiresAt`, `intent`), forms whose `stateHandle` field is immutable (the SDK
 * and the widget copy such fields into every submit), `relatesTo` paths into the answer's own
 * context objects, and Okta's messages.
 */
import { createHash } from 'node:crypto';
import type { SeedAuthenticator, SeedUser } from '../../../seed/schema.js';
import { factors, type SecondFactorKey } from '../authenticators/factors.js';

export const idxVersion = '1.0.0';
export const idxMediaType = `application/ion+json; okta-version=${idxVersion}`;

export interface IdxField {
  name: string;
  label?: string;
  type?: string;
  required?: boolean;
  secret?: boolean;
  visible?: boolean;
  mutable?: boolean;
  value?: unknown;
  form?: { value: IdxField[] };
  options?: unknown[];
  messages?: IdxMessages;
}

export interface IdxForm {
  rel: ['create-form'];
  name: string;
  href: string;
  method: 'POST';
  produces: string;
  accepts: string;
  value: IdxField[];
  relatesTo?: string[];
  refresh?: number;
}

export interface IdxMessage {
  message: string;
  i18n: { key: string; params?: unknown[] };
  class: 'ERROR' | 'WARNING' | 'INFO';
}

export interface IdxMessages {
  type: 'array';
  value: IdxMessage[];
}

export function messages(...value: IdxMessage[]): IdxMessages {
  return { type: 'array', value };
}

export const idxMessages = {
  authenticationFailed: {
    message: 'Authentication failed',
    i18n: { key: 'errors.E0000004' },
    class: 'ERROR',
  },
  incorrectPassword: {
    message: 'Password is incorrect',
    i18n: { key: 'incorrectPassword' },
    class: 'ERROR',
  },
  passcodeInvalid: {
    message: 'Invalid code. Try again.',
    i18n: { key: 'api.authn.error.PASSCODE_INVALID', params: [] },
    class: 'ERROR',
  },
  sessionExpired: {
    message: 'You have been logged out due to inactivity. Refresh or return to the sign in screen.',
    i18n: { key: 'idx.session.expired' },
    class: 'ERROR',
  },
  tooManyRequests: {
    message: 'Too many requests. Try again later.',
    i18n: { key: 'tooManyRequests' },
    class: 'ERROR',
  },
  unmet: {
    message: 'Your authentication requirements cannot be met. Contact your administrator.',
    i18n: { key: 'idx.unmet.authentication.requirements' },
    class: 'ERROR',
  },
} as const satisfies Record<string, IdxMessage>;

export function unknownUser(identifier: string): IdxMessage {
  return {
    message: `There is no account with the Username ${identifier}.`,
    i18n: { key: 'idx.unknown.user', params: [identifier] },
    class: 'WARNING',
  };
}

/** The immutable field every form carries. */
export function stateHandleField(stateHandle: string): IdxField {
  return {
    name: 'stateHandle',
    required: true,
    value: stateHandle,
    visible: false,
    mutable: false,
  };
}

export function form(
  name: string,
  href: string,
  stateHandle: string,
  fields: IdxField[],
  extra: Partial<Pick<IdxForm, 'relatesTo' | 'refresh'>> = {},
): IdxForm {
  return {
    rel: ['create-form'],
    name,
    href,
    method: 'POST',
    produces: idxMediaType,
    accepts: `application/json; okta-version=${idxVersion}`,
    ...extra,
    value: [...fields, stateHandleField(stateHandle)],
  };
}

/** `credentials.passcode`: the password (a secret field) or a code, with its messages. */
export function passcodeField(kind: 'password' | 'code', fieldMessages?: IdxMessages): IdxField {
  return {
    name: 'credentials',
    type: 'object',
    required: true,
    form: {
      value: [
        {
          name: 'passcode',
          label: kind === 'password' ? 'Password' : 'Enter code',
          required: true,
          ...(kind === 'password' ? { secret: true } : {}),
          ...(fieldMessages ? { messages: fieldMessages } : {}),
        },
      ],
    },
  };
}

/** Okta's authenticators by key: the password and the second factors Understudy has. */
export type AuthenticatorKey = 'okta_password' | SecondFactorKey;

const authenticatorInfo: Record<
  AuthenticatorKey,
  { type: string; displayName: string; prefix: string }
> = {
  okta_password: { type: 'password', displayName: 'Password', prefix: 'lae' },
  google_otp: { type: 'app', displayName: factors.google_otp.label, prefix: 'uft' },
  okta_email: { type: 'email', displayName: factors.okta_email.label, prefix: 'eae' },
  phone_number: { type: 'phone', displayName: factors.phone_number.label, prefix: 'sms' },
};

/** A stable Okta-looking id (20 characters) for what `seed` names. */
function oktaIdFor(prefix: string, seed: string): string {
  const digest = createHash('sha256').update(seed).digest('base64url').replace(/[-_]/g, '');
  return `${prefix}${digest.slice(0, 17)}`;
}

/** The org's authenticator id of `key` (what a select-authenticator option submits). */
export function authenticatorId(key: AuthenticatorKey): string {
  return oktaIdFor('aut', `understudy:${key}`);
}

export function methodTypeOf(key: AuthenticatorKey): string {
  return key === 'okta_password' ? 'password' : factors[key].methodType;
}

/** The user's enrollment of `key`, as `authenticatorEnrollments` and the current one list it. */
export function enrollment(
  user: SeedUser,
  key: AuthenticatorKey,
  authenticator?: SeedAuthenticator,
): Record<string, unknown> {
  const info = authenticatorInfo[key];
  const profile =
    authenticator?.key === 'okta_email'
      ? { email: maskEmail(authenticator.email ?? user.email) }
      : authenticator?.key === 'phone_number'
        ? { phoneNumber: maskPhone(authenticator.phoneNumber) }
        : undefined;
  return {
    type: info.type,
    key,
    id: oktaIdFor(info.prefix, `${user.id}:${key}`),
    authenticatorId: authenticatorId(key),
    displayName: info.displayName,
    methods: [{ type: methodTypeOf(key) }],
    ...(profile ? { profile } : {}),
  };
}

/** Okta shows where a code went without showing all of it: j***e@example.com. */
function maskEmail(email: string): string {
  const [local = '', domain = ''] = email.split('@');
  if (local.length <= 2) return `${local.slice(0, 1)}***@${domain}`;
  return `${local.slice(0, 1)}***${local.slice(-1)}@${domain}`;
}

function maskPhone(phone: string): string {
  return `+X XXX-XXX-${phone.replace(/\D/g, '').slice(-4)}`;
}

export function contextObject(value: unknown): { type: 'object'; value: unknown } {
  return { type: 'object', value };
}

export function contextArray(value: unknown[]): { type: 'array'; value: unknown[] } {
  return { type: 'array', value };
}
