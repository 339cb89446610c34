/**
 * One authorization server's IDX sign-ins: /v1/interact takes the app's request, then each
 * /idp/idx call moves the sign-in on, on the same users, factors, policy and outbox as the
 * hosted page, until it ends with an interaction code (an app) or a redirect back into the
 * pending authorization request (the hosted widget). An app's sign-in starts the browser's
 * SSO session, as Okta's does, so a later redirect or hidden-iframe renew is silent.
 */
import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import type { SeedClient, SeedUser } from '../../../seed/schema.js';
import { InvalidClient, UnderstudyError } from '../../http/errors.js';
import { readFormBody } from '../../http/form-body.js';
import { type AccountStore, maySignIn } from '../../oidc/accounts.js';
import type { AdapterFactory } from '../../store/memory-adapter.js';
import type { CodeChallenges } from '../authenticators/challenges.js';
import { amrOf, factors } from '../authenticators/factors.js';
import {
  type SessionCookieOptions,
  startBrowserSession,
} from '../provider-patches/browser-session.js';
import { finishInteraction } from '../provider-patches/finish-interaction.js';
import { newHandle } from './handles.js';
import type { IdxPaths } from './idx-paths.js';
import { interactRequest } from './interact.js';
import { IdxError, noSignInToFinish, sessionExpired } from './idx-error.js';
import { idxMessages, unknownUser } from './idx-shapes.js';
import {
  type AnswerContext,
  type AnswerExtras,
  answerFor,
  chosenFactor,
  type Step,
  stepOf,
  successRedirect,
  successWithInteractionCode,
} from './remediations.js';
import {
  createIdxStore,
  type IdxStore,
  type IdxTransaction,
  transactionLifetimeSeconds,
} from './transactions.js';

export const idxActions = [
  'introspect',
  'identify',
  'challenge',
  'answer',
  'poll',
  'resend',
  'cancel',
] as const;
export type IdxAction = (typeof idxActions)[number];

export interface IdxEngineOptions {
  serverId: string;
  /** The origin the org paths hang off. */
  origin: string;
  /** This server's token endpoint, where an interaction code is redeemed. */
  tokenUrl: string;
  paths: IdxPaths;
  provider: Provider;
  accounts: AccountStore;
  clients: ReadonlyMap<string, SeedClient>;
  challenges: CodeChallenges;
  storage: AdapterFactory;
  identifierFirst: boolean;
  cookie: SessionCookieOptions;
  /** How long the browser session an app's sign-in starts lives. */
  sessionTtlSeconds: number;
  /** Whether a page on `origin` may call for `client`'s sign-ins (its trusted origins). */
  originAllowed(client: SeedClient, origin: string): boolean;
  /** A failure injected for the next code check (the control plane), if one waits. */
  injectedCodeFailure?:
    (() => Promise<{ error_description?: string | undefined } | undefined>) | undefined;
}

/** Where a hosted sign-in starts: the pending request, and the session's sign-in if any. */
export interface HostedStart {
  uid: string;
  clientId: string;
  acrValues?: string | undefined;
  userId?: string | undefined;
  verified: string[];
  loginTs?: number | undefined;
}

export interface IdxEngine {
  readonly store: IdxStore;
  /** POST /v1/interact: the app's request, answered with an interaction handle. */
  interact(ctx: Context): Promise<void>;
  /** An /idp/idx call, with its JSON body (the sign-in named by its handle). */
  answer(ctx: Context, action: IdxAction, body: Record<string, unknown>): Promise<void>;
  /** The state token the hosted widget starts with, for a pending authorization request. */
  startHosted(start: HostedStart): Promise<string>;
  /** GET /login/token/redirect: back into the authorization request the widget finished. */
  finishHosted(ctx: Context, stateToken: string): Promise<void>;
}

export function createIdxEngine(options: IdxEngineOptions): IdxEngine {
  const { accounts, clients, challenges, paths } = options;
  const store = createIdxStore(options.storage);
  const now = () => Math.floor(Date.now() / 1000);
  const userOf = (id: string | undefined) => {
    const user = id === undefined ? undefined : accounts.findUserById(id);
    return user && maySignIn(user) ? user : undefined;
  };
  const contextFor = (stateHandle: string, transaction: IdxTransaction): AnswerContext => ({
    stateHandle,
    transaction,
    client: clients.get(transaction.clientId),
    href: (path) => `${options.origin}${path}`,
    paths,
    identifierFirst: options.identifierFirst,
  });

  /**
   * A page on another origin than the app's trusted ones gets nothing: the answers carry the
   * sign-in's state, and the calls come with the browser's cookies.
   */
  const checkOrigin = (ctx: Context, clientId: string) => {
    const origin = ctx.get('origin');
    const client = clients.get(clientId);
    if (origin === '' || origin === options.origin) return;
    if (client && options.originAllowed(client, origin)) return;
    throw new UnderstudyError(
      403,
      'access_denied',
      `${origin} is not a trusted origin of client ${clientId}`,
    );
  };

  /** The answer for where the sign-in stands; a finished step completes the sign-in. */
  const respond = async (
    ctx: Context,
    stateHandle: string,
    transaction: IdxTransaction,
    extras: AnswerExtras & { status?: number } = {},
  ) => {
    const context = contextFor(stateHandle, transaction);
    const step = stepOf(transaction, context.client, userOf(transaction.userId));
    if (step.kind === 'unmet') throw new IdxError(403, idxMessages.unmet);
    if (step.kind === 'done') return succeed(ctx, stateHandle, transaction, step.user, step.acr);
    const body = answerFor(context, step, extras);
    if (extras.status && extras.status >= 400) throw new IdxError(extras.status, body);
    ctx.status = extras.status ?? 200;
    ctx.body = body;
  };

  const succeed = async (
    ctx: Context,
    stateHandle: string,
    transaction: IdxTransaction,
    user: SeedUser,
    acr: string | undefined,
  ) => {
    const context = contextFor(stateHandle, transaction);
    let completed = transaction.completed;
    if (!completed) {
      const amr = amrOf(transaction.verified);
      const authTime = transaction.loginTs ?? now();
      const request = transaction.request;
      completed = { amr, acr, authTime };
      if (request) {
        completed.interactionCode = await store.issueCode({
          stateHandle,
          clientId: request.clientId,
          redirectUri: request.redirectUri,
          codeChallenge: request.codeChallenge,
          scope: request.scope,
          nonce: request.nonce,
          userId: user.id,
          amr,
          acr,
          authTime,
        });
        await startBrowserSession(options.provider, ctx, user.id, options.sessionTtlSeconds, {
          ...options.cookie,
          fresh: true,
          signIn: { amr, acr, loginTs: authTime },
        });
      }
      transaction.completed = completed;
      transaction.factor = undefined;
      await store.save(stateHandle, transaction);
    }
    ctx.status = 200;
    ctx.body = completed.interactionCode
      ? successWithInteractionCode(context, user, options.tokenUrl, completed.interactionCode)
      : successRedirect(
          context,
          user,
          `${options.origin}${paths.tokenRedirect}?stateToken=${encodeURIComponent(stateHandle)}`,
        );
  };

  const notNow = (ctx: Context, stateHandle: string, transaction: IdxTransaction) =>
    respond(ctx, stateHandle, transaction, {
      status: 400,
      messages: [
        {
          message: 'This step is not available now. Continue from the current step.',
          i18n: { key: 'idx.invalid.remediation' },
          class: 'ERROR',
        },
      ],
    });

  const introspect = async (ctx: Context, body: Record<string, unknown>) => {
    const stateToken = body.stateToken ?? body.stateHandle;
    if (typeof stateToken === 'string') {
      const transaction = await store.find(stateToken);
      if (!transaction) throw sessionExpired();
      checkOrigin(ctx, transaction.clientId);
      return respond(ctx, stateToken, transaction);
    }
    const interactionHandle = body.interactionHandle;
    if (typeof interactionHandle !== 'string') throw missing('interactionHandle');
    const interaction = await store.findInteraction(interactionHandle);
    if (!interaction) throw sessionExpired();
    checkOrigin(ctx, interaction.request.clientId);
    if (interaction.stateHandle) {
      const transaction = await store.find(interaction.stateHandle);
      if (!transaction) throw sessionExpired();
      return respond(ctx, interaction.stateHandle, transaction);
    }
    const stateHandle = newHandle(options.serverId);
    const transaction: IdxTransaction = {
      clientId: interaction.request.clientId,
      acrValues: interaction.request.acrValues,
      request: interaction.request,
      verified: [],
      expiresAt: now() + transactionLifetimeSeconds,
    };
    await store.save(stateHandle, transaction);
    await store.linkInteraction(interactionHandle, stateHandle);
    return respond(ctx, stateHandle, transaction);
  };

  const steps: Record<
    Exclude<IdxAction, 'introspect'>,
    (
      ctx: Context,
      stateHandle: string,
      transaction: IdxTransaction,
      step: Step,
      body: Record<string, unknown>,
    ) => Promise<void>
  > = {
    async identify(ctx, stateHandle, transaction, step, body) {
      if (step.kind !== 'identify') return notNow(ctx, stateHandle, transaction);
      const identifier = stringField(body, 'identifier');
      const found = accounts.findUserByLogin(identifier);
      const user = found && maySignIn(found) ? found : undefined;
      if (!found) {
        return respond(ctx, stateHandle, transaction, {
          messages: [unknownUser(identifier)],
          identifier,
        });
      }
      if (options.identifierFirst) {
        if (!user) {
          return respond(ctx, stateHandle, transaction, {
            status: 401,
            messages: [idxMessages.authenticationFailed],
            identifier,
          });
        }
        transaction.userId = user.id;
      } else {
        const passcode = passcodeOf(body);
        if (!user || !accounts.authenticate(identifier, passcode)) {
          return respond(ctx, stateHandle, transaction, {
            status: 401,
            messages: [idxMessages.authenticationFailed],
            identifier,
          });
        }
        transaction.userId = user.id;
        transaction.verified = ['pwd'];
      }
      await store.save(stateHandle, transaction);
      return respond(ctx, stateHandle, transaction);
    },

    async challenge(ctx, stateHandle, transaction, step, body) {
      if (step.kind !== 'select' && step.kind !== 'challenge') {
        return notNow(ctx, stateHandle, transaction);
      }
      const chosen = body.authenticator;
      if (!isObject(chosen)) throw missing('authenticator');
      const key = chosenFactor(step.user, chosen.id);
      if (!key) {
        return respond(ctx, stateHandle, transaction, {
          status: 400,
          messages: [
            {
              message: 'The authenticator is not enrolled for this user.',
              i18n: { key: 'idx.authenticator.not.enrolled' },
              class: 'ERROR',
            },
          ],
        });
      }
      transaction.factor = key;
      await store.save(stateHandle, transaction);
      if (factors[key].sends) await challenges.send(stateHandle, step.user, key);
      return respond(ctx, stateHandle, transaction);
    },

    async answer(ctx, stateHandle, transaction, step, body) {
      if (step.kind === 'password') {
        const passcode = passcodeOf(body);
        if (!accounts.authenticate(step.user.login, passcode)) {
          return respond(ctx, stateHandle, transaction, {
            status: 401,
            messages: [idxMessages.incorrectPassword],
          });
        }
        transaction.verified = [...new Set([...transaction.verified, 'pwd'])];
        await store.save(stateHandle, transaction);
        return respond(ctx, stateHandle, transaction);
      }
      if (step.kind !== 'challenge') return notNow(ctx, stateHandle, transaction);
      const passcode = passcodeOf(body);
      const injected = await options.injectedCodeFailure?.();
      const right =
        !injected && (await challenges.verify(stateHandle, step.user, step.key, passcode));
      if (!right) {
        return respond(ctx, stateHandle, transaction, {
          status: 401,
          fieldMessages: [
            injected?.error_description
              ? { ...idxMessages.passcodeInvalid, message: injected.error_description }
              : idxMessages.passcodeInvalid,
          ],
        });
      }
      transaction.verified = [...new Set([...transaction.verified, factors[step.key].amr])];
      transaction.factor = undefined;
      await store.save(stateHandle, transaction);
      return respond(ctx, stateHandle, transaction);
    },

    async poll(ctx, stateHandle, transaction) {
      return respond(ctx, stateHandle, transaction);
    },

    async resend(ctx, stateHandle, transaction, step) {
      if (step.kind !== 'challenge' || !factors[step.key].sends) {
        return notNow(ctx, stateHandle, transaction);
      }
      await challenges.send(stateHandle, step.user, step.key);
      return respond(ctx, stateHandle, transaction);
    },

    async cancel(ctx, stateHandle, transaction) {
      const restarted: IdxTransaction = {
        clientId: transaction.clientId,
        acrValues: transaction.acrValues,
        request: transaction.request,
        interactionUid: transaction.interactionUid,
        verified: [],
        expiresAt: now() + transactionLifetimeSeconds,
      };
      await store.save(stateHandle, restarted);
      return respond(ctx, stateHandle, restarted);
    },
  };

  return {
    store,

    async interact(ctx) {
      ctx.set('cache-control', 'no-store');
      const form = await readFormBody(ctx);
      const clientId = form.get('client_id') ?? '';
      const client = clients.get(clientId);
      if (!client) throw new InvalidClient("Invalid value for 'client_id' parameter.");
      checkOrigin(ctx, clientId);
      const request = interactRequest(form, client);
      const interactionHandle = newHandle(options.serverId);
      await store.saveInteraction(interactionHandle, request);
      ctx.body = { interaction_handle: interactionHandle };
    },

    async answer(ctx, action, body) {
      ctx.set('cache-control', 'no-store');
      if (action === 'introspect') return introspect(ctx, body);
      const stateHandle = body.stateHandle;
      if (typeof stateHandle !== 'string') throw missing('stateHandle');
      const transaction = await store.find(stateHandle);
      if (!transaction) throw sessionExpired();
      checkOrigin(ctx, transaction.clientId);
      if (transaction.completed) return respond(ctx, stateHandle, transaction);
      const client = clients.get(transaction.clientId);
      const step = stepOf(transaction, client, userOf(transaction.userId));
      return steps[action](ctx, stateHandle, transaction, step, body);
    },

    async startHosted(start) {
      const stateHandle = newHandle(options.serverId);
      await store.save(stateHandle, {
        clientId: start.clientId,
        acrValues: start.acrValues,
        interactionUid: start.uid,
        userId: start.userId,
        verified: start.verified,
        loginTs: start.loginTs,
        expiresAt: now() + transactionLifetimeSeconds,
      });
      return stateHandle;
    },

    async finishHosted(ctx, stateToken) {
      const transaction = await store.find(stateToken);
      const completed = transaction?.completed;
      const uid = transaction?.interactionUid;
      const userId = transaction?.userId;
      // Only a finished hosted sign-in goes back, once; an app's sign-in is left as it is.
      const returnTo =
        userId && completed && uid
          ? await finishInteraction(options.provider, uid, {
              accountId: userId,
              amr: completed.amr,
              acr: completed.acr,
              ts: completed.authTime,
            })
          : undefined;
      if (uid && completed) await store.remove(stateToken);
      if (!returnTo || !userId) throw noSignInToFinish();
      await accounts.signedIn(userId);
      ctx.set('cache-control', 'no-store');
      ctx.status = 303;
      ctx.redirect(returnTo);
    },
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function missing(name: string): IdxError {
  return new IdxError(400, {
    message: `'${name}' is required.`,
    i18n: { key: 'api.error.field_required', params: [name] },
    class: 'ERROR',
  });
}

function stringField(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  if (typeof value !== 'string' || value.trim() === '') throw missing(name);
  return value.trim();
}

/** `credentials.passcode`, as the SDK and the widget send it. */
function passcodeOf(body: Record<string, unknown>): string {
  const credentials = body.credentials;
  const passcode = isObject(credentials) ? credentials.passcode : undefined;
  if (typeof passcode !== 'string' || passcode === '') throw missing('credentials.passcode');
  return passcode;
}
