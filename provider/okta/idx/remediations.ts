/**
 * Where an IDX sign-in stands, and the IDX answer for it: `identify` (with the password, or
 * identifier first), the password's `challenge-authenticator`, `select-authenticator-authenticate`
 * among the user's second factors, their `challenge-authenticator` (with `resend` and `poll` for
 * codes that are sent), and the end: `successWithInteractionCode` for an app, `success` for the
 * hosted widget. Every `relatesTo` points at a context object of the same answer.
 */
import type { SeedClient, SeedUser } from '../../../seed/schema.js';
import { enrolled, factors, type SecondFactorKey } from '../authenticators/factors.js';
import { nextStep, requirement } from '../authenticators/policy.js';
import {
  authenticatorId,
  contextArray,
  contextObject,
  enrollment,
  form,
  type IdxField,
  type IdxMessage,
  type IdxMessages,
  idxVersion,
  messages,
  methodTypeOf,
  passcodeField,
} from './idx-shapes.js';
import type { IdxPaths } from './idx-paths.js';
import type { IdxTransaction } from './transactions.js';

export type Step =
  | { kind: 'identify' }
  | { kind: 'password'; user: SeedUser }
  | { kind: 'select'; user: SeedUser }
  | { kind: 'challenge'; user: SeedUser; key: SecondFactorKey }
  | { kind: 'done'; user: SeedUser; acr: string | undefined }
  | { kind: 'unmet' };

/** The step a sign-in is at: the app's policy and `acr_values` against what is verified. */
export function stepOf(
  transaction: IdxTransaction,
  client: SeedClient | undefined,
  user: SeedUser | undefined,
): Step {
  const need = requirement(client?.authenticationPolicy ?? '1fa', transaction.acrValues);
  if (need.factors === 'unmeetable') return { kind: 'unmet' };
  if (!user) return { kind: 'identify' };
  const next = nextStep(need, user, transaction.verified);
  if (next === 'done') return { kind: 'done', user, acr: need.acr };
  if (next === 'unmet') return { kind: 'unmet' };
  if (next === 'password') return { kind: 'password', user };
  const factor = transaction.factor;
  if (factor && enrolled(user, factor)) return { kind: 'challenge', user, key: factor };
  return { kind: 'select', user };
}

/** The second factor a select-authenticator option's id names, when the user has it. */
export function chosenFactor(user: SeedUser, id: unknown): SecondFactorKey | undefined {
  return user.authenticators.find((authenticator) => authenticatorId(authenticator.key) === id)
    ?.key;
}

export interface AnswerContext {
  stateHandle: string;
  transaction: IdxTransaction;
  client: SeedClient | undefined;
  /** The absolute URL of an /idp/idx path. */
  href(path: string): string;
  paths: IdxPaths;
  identifierFirst: boolean;
}

export interface AnswerExtras {
  /** Messages of the whole answer (a failed identify, a warning). */
  messages?: IdxMessage[];
  /** Messages on the passcode field (a wrong code). */
  fieldMessages?: IdxMessage[];
  /** The username to fill the identify form with (the one just tried, or the login hint). */
  identifier?: string | undefined;
}

/** The IDX answer for a step that asks something of the user. */
export function answerFor(
  context: AnswerContext,
  step: Exclude<Step, { kind: 'done' } | { kind: 'unmet' }>,
  extras: AnswerExtras = {},
): Record<string, unknown> {
  const { stateHandle, href, paths } = context;
  const fieldMessages: IdxMessages | undefined =
    extras.fieldMessages && extras.fieldMessages.length > 0
      ? messages(...extras.fieldMessages)
      : undefined;
  const body: Record<string, unknown> = {
    ...base(context, 'user' in step ? step.user : undefined),
  };

  if (step.kind === 'identify') {
    const fields: IdxField[] = [
      {
        name: 'identifier',
        label: 'Username',
        required: true,
        ...(extras.identifier ? { value: extras.identifier } : {}),
      },
    ];
    if (!context.identifierFirst) fields.push(passcodeField('password'));
    fields.push({ name: 'rememberMe', label: 'Keep me signed in', type: 'boolean' });
    body.remediation = remediation(form('identify', href(paths.identify), stateHandle, fields));
  } else if (step.kind === 'password') {
    const password = enrollment(step.user, 'okta_password');
    body.remediation = remediation(
      form(
        'challenge-authenticator',
        href(paths.answer),
        stateHandle,
        [passcodeField('password')],
        {
          relatesTo: ['$.currentAuthenticatorEnrollment'],
        },
      ),
    );
    body.currentAuthenticatorEnrollment = contextObject(password);
    body.authenticatorEnrollments = contextArray([password]);
  } else {
    const enrollments = step.user.authenticators.map((authenticator) =>
      enrollment(step.user, authenticator.key, authenticator),
    );
    const select = form('select-authenticator-authenticate', href(paths.challenge), stateHandle, [
      {
        name: 'authenticator',
        type: 'object',
        options: step.user.authenticators.map((authenticator, index) => ({
          label: factors[authenticator.key].label,
          value: {
            form: {
              value: [
                {
                  name: 'id',
                  required: true,
                  value: authenticatorId(authenticator.key),
                  mutable: false,
                },
                {
                  name: 'methodType',
                  required: false,
                  value: methodTypeOf(authenticator.key),
                  mutable: false,
                },
              ],
            },
          },
          relatesTo: `$.authenticatorEnrollments.value[${index}]`,
        })),
      },
    ]);
    body.authenticators = contextArray(
      enrollments.map(({ type, key, authenticatorId: id, displayName, methods }) => ({
        type,
        key,
        id,
        displayName,
        methods,
      })),
    );
    body.authenticatorEnrollments = contextArray(enrollments);
    if (step.kind === 'select') {
      body.remediation = remediation(select);
    } else {
      const authenticator = enrolled(step.user, step.key);
      const current: Record<string, unknown> = enrollment(step.user, step.key, authenticator);
      if (factors[step.key].sends) {
        current.resend = form('resend', href(paths.resend), stateHandle, []);
        // The widget polls while an email is out (a magic link could finish it elsewhere).
        current.poll = form('poll', href(paths.poll), stateHandle, [], { refresh: 4000 });
      }
      body.currentAuthenticatorEnrollment = contextObject(current);
      const challenge = form(
        'challenge-authenticator',
        href(paths.answer),
        stateHandle,
        [passcodeField('code', fieldMessages)],
        { relatesTo: ['$.currentAuthenticatorEnrollment'] },
      );
      body.remediation = remediation(challenge, select);
    }
  }
  if (extras.messages && extras.messages.length > 0) body.messages = messages(...extras.messages);
  return body;
}

/** The end of an app's sign-in: the form the SDK posts to the token endpoint. */
export function successWithInteractionCode(
  context: AnswerContext,
  user: SeedUser,
  tokenUrl: string,
  interactionCode: string,
): Record<string, unknown> {
  return {
    ...base(context, user),
    successWithInteractionCode: {
      rel: ['create-form'],
      name: 'issue',
      href: tokenUrl,
      method: 'POST',
      accepts: 'application/x-www-form-urlencoded',
      value: [
        { name: 'grant_type', required: true, value: 'interaction_code' },
        { name: 'interaction_code', required: true, value: interactionCode },
        { name: 'client_id', required: true, value: context.transaction.clientId },
        { name: 'code_verifier', required: true },
      ],
    },
  };
}

/** The end of the hosted widget's sign-in: where the browser goes to finish the request. */
export function successRedirect(
  context: AnswerContext,
  user: SeedUser,
  href: string,
): Record<string, unknown> {
  return { ...base(context, user), success: { name: 'success-redirect', href } };
}

function base(context: AnswerContext, user: SeedUser | undefined): Record<string, unknown> {
  const { stateHandle, transaction, client } = context;
  return {
    version: idxVersion,
    stateHandle,
    expiresAt: new Date(transaction.expiresAt * 1000).toISOString(),
    intent: 'LOGIN',
    ...(user ? { user: contextObject({ id: user.id, identifier: user.login }) } : {}),
    cancel: form('cancel', context.href(context.paths.cancel), stateHandle, []),
    app: contextObject({
      name: 'oidc_client',
      label: client?.client_name ?? transaction.clientId,
      id: transaction.clientId,
    }),
  };
}

function remediation(...forms: unknown[]) {
  return { type: 'array', value: forms };
}
