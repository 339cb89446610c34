/**
 * The login step, as Okta's hosted page runs it: identify (with the password on the same page,
 * or on the next one when the seed asks for identifier first), then a second factor when the
 * app's policy or the request's `acr_values` want one: pick an authenticator, enter its code.
 * The one-click picker of seeded users stands for the password; the control plane's next login
 * signs a user in without a page. Progress is kept in the store under the interaction, and
 * each POST redirects back to the page, so it works without JavaScript.
 */
import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import type { SeedUser } from '../../seed/schema.js';
import type { AccountStore } from '../oidc/accounts.js';
import { cspNonce } from '../http/content-security.js';
import type { AdapterFactory } from '../store/memory-adapter.js';
import { renderLoginPage, type LoginView } from '../views/login-page.js';
import type { InteractionCsrf } from './csrf.js';
import type { AutoLogin, HostedSignInPage, SignInFactors } from './sign-in-factors.js';

type Details = Awaited<ReturnType<Provider['interactionDetails']>>;

export interface LoginStepOptions {
  provider: Provider;
  accounts: AccountStore;
  users: readonly SeedUser[];
  /** No one-click picker: only a login and password sign anyone in. */
  requirePassword: boolean;
  /** The username alone first ("Next"), then the password ("Verify"). */
  identifierFirst: boolean;
  csrf: InteractionCsrf;
  clientName(clientId: unknown): string;
  actions(uid: string): { login: string; abort: string; show: string };
  autoLogin?: (() => Promise<AutoLogin | undefined>) | undefined;
  /** A failure injected for the next code check (the control plane), if one waits. */
  injectedCodeFailure?:
    (() => Promise<{ error_description?: string | undefined } | undefined>) | undefined;
  factors: SignInFactors;
  /** Where a sign-in's progress is kept between its pages. */
  storage: AdapterFactory;
  /** Okta's Sign-In Widget as the page, when the seed or the command line asks for it. */
  hostedWidget?: HostedSignInPage | undefined;
}

interface Progress {
  userId?: string | undefined;
  /** `amr` values verified in this sign-in (or carried from the session). */
  verified: string[];
  /** The second factor chosen, whose code is asked for next. */
  factor?: string | undefined;
  /** When nothing new was verified, the sign-in keeps the session's time (auth_time). */
  loginTs?: number | undefined;
}

const progressTtlSeconds = 3600;
// Why oidc-provider asked for a login that must start over, not from the session.
const fresh = new Set(['no_session', 'max_age', 'login_prompt', 'id_token_hint']);

export function loginStep(options: LoginStepOptions) {
  const { provider, accounts, csrf, factors } = options;
  const progressStore = options.storage('SignInProgress');
  const signInable = (id: string | undefined) =>
    id === undefined ? undefined : accounts.signInable().find((user) => user.id === id);

  const load = async (details: Details): Promise<Progress> => {
    const kept = (await progressStore.find(details.uid)) as Progress | undefined;
    if (kept) return kept;
    const reasons = details.prompt.reasons;
    const session = details.session;
    if (session?.accountId && !reasons.some((reason) => fresh.has(reason))) {
      // The session's user stays signed in: only what it lacks is asked for.
      const saved = session.cookie ? await provider.Session.find(session.cookie) : undefined;
      return {
        userId: session.accountId,
        verified: [...(session.amr ?? ['pwd'])],
        loginTs: saved?.loginTs,
      };
    }
    return { verified: [] };
  };
  const save = (details: Details, progress: Progress) =>
    progressStore.upsert(details.uid, { ...progress }, progressTtlSeconds);

  const finish = async (ctx: Context, details: Details, progress: Progress, user: SeedUser) => {
    const { acr } = factors.assess(
      String(details.params.client_id),
      details.params.acr_values,
      user,
      progress.verified,
    );
    await progressStore.destroy(details.uid);
    await accounts.signedIn(user.id);
    return provider.interactionFinished(
      ctx.req,
      ctx.res,
      {
        login: {
          accountId: user.id,
          amr: factors.amrOf(progress.verified),
          ...(acr ? { acr } : {}),
          ...(progress.loginTs ? { ts: progress.loginTs } : {}),
          remember: true,
        },
      },
      { mergeWithLastSubmission: false },
    );
  };

  const unmet = (ctx: Context) =>
    provider.interactionFinished(
      ctx.req,
      ctx.res,
      {
        error: 'unmet_authentication_requirements',
        error_description: 'The user cannot meet the authentication requirements of this request',
      },
      { mergeWithLastSubmission: false },
    );

  /** The page for where this sign-in stands, or its end. */
  const proceed = async (
    ctx: Context,
    details: Details,
    progress: Progress,
    message?: { text: string; status: number; field?: boolean; identifier?: string },
  ) => {
    const clientId = String(details.params.client_id);
    if (factors.unmeetable(clientId, details.params.acr_values)) return unmet(ctx);
    const user = signInable(progress.userId);
    let view: LoginView;
    if (!user) {
      view = { step: 'identify', identifierFirst: options.identifierFirst };
    } else {
      const { next } = factors.assess(clientId, details.params.acr_values, user, progress.verified);
      if (next === 'done') return finish(ctx, details, progress, user);
      if (next === 'unmet') return unmet(ctx);
      if (next === 'password') view = { step: 'password', identifier: user.login };
      else {
        const choices = factors.choices(user);
        const chosen = choices.find((choice) => choice.key === progress.factor);
        view = chosen ? { step: 'challenge', factor: chosen } : { step: 'select', choices };
      }
    }
    const { login, abort } = options.actions(details.uid);
    if (message) ctx.status = message.status;
    ctx.type = 'html';
    ctx.body = renderLoginPage(
      {
        view,
        action: login,
        abortAction: abort,
        csrfToken: csrf.tokenFor(details.uid),
        clientName: options.clientName(details.params.client_id),
        users: options.requirePassword || view.step !== 'identify' ? [] : options.users,
        login:
          message?.identifier ??
          (typeof details.params.login_hint === 'string' ? details.params.login_hint : undefined),
        ...(message ? { message: message.text, fieldMessage: message.field === true } : {}),
      },
      cspNonce(ctx),
    );
  };

  const back = (ctx: Context, details: Details) => {
    ctx.status = 303;
    ctx.redirect(options.actions(details.uid).show);
  };

  return {
    async show(ctx: Context, details: Details) {
      const autoLogin = await options.autoLogin?.();
      const auto = signInable(autoLogin?.userId);
      if (auto) {
        const factor = autoLogin?.factor && factors.amrValue(autoLogin.factor);
        return proceed(ctx, details, {
          userId: auto.id,
          verified: factor ? ['pwd', factor] : ['pwd'],
        });
      }
      if (options.hostedWidget) {
        if (factors.unmeetable(String(details.params.client_id), details.params.acr_values)) {
          return unmet(ctx);
        }
        return options.hostedWidget(ctx, details, await load(details));
      }
      return proceed(ctx, details, await load(details));
    },

    async submit(ctx: Context, details: Details, form: URLSearchParams) {
      const progress = await load(details);
      // Okta's field names, and the ones older scripts fill in (username, password).
      const passcode = form.get('credentials.passcode') || form.get('password');
      const pickedId = options.requirePassword ? null : form.get('user_id');
      const identifier = form.get('identifier') || form.get('username');
      const user = signInable(progress.userId);

      if (pickedId !== null) {
        const picked = signInable(pickedId);
        if (!picked) {
          return proceed(
            ctx,
            details,
            { verified: [] },
            {
              text: 'That user cannot sign in: not in the seed, or not active.',
              status: 400,
            },
          );
        }
        await save(details, { userId: picked.id, verified: ['pwd'] });
        return back(ctx, details);
      }

      if (identifier !== null && !user) {
        if (passcode === null && options.identifierFirst) {
          const found = accounts.findUserByLogin(identifier);
          const known = found && signInable(found.id);
          if (!known) {
            return proceed(ctx, details, progress, {
              text: `There is no account with the Username ${identifier}.`,
              status: 401,
              identifier,
            });
          }
          await save(details, { userId: known.id, verified: [] });
          return back(ctx, details);
        }
        const authenticated = accounts.authenticate(identifier, passcode ?? '');
        if (!authenticated) {
          return proceed(ctx, details, progress, {
            text: 'Unable to sign in',
            status: 401,
            identifier,
          });
        }
        await save(details, { userId: authenticated.id, verified: ['pwd'] });
        return back(ctx, details);
      }

      if (!user) {
        return proceed(ctx, details, progress, { text: 'Unable to sign in', status: 401 });
      }
      const step = form.get('step');

      if (step === 'password' && !progress.verified.includes('pwd')) {
        if (!accounts.authenticate(user.login, passcode ?? '')) {
          return proceed(ctx, details, progress, { text: 'Unable to sign in', status: 401 });
        }
        await save(details, { ...progress, verified: [...progress.verified, 'pwd'] });
        return back(ctx, details);
      }

      if (step === 'select') {
        const key = form.get('authenticator') ?? '';
        const choice = factors.choices(user).find((candidate) => candidate.key === key);
        if (!choice) return proceed(ctx, details, progress);
        if (choice.sends) await factors.send(details.uid, user, key);
        await save(details, { ...progress, factor: key });
        return back(ctx, details);
      }

      if (step === 'resend' && progress.factor) {
        await factors.send(details.uid, user, progress.factor);
        return back(ctx, details);
      }

      if (step === 'verify' && progress.factor) {
        const injected = await options.injectedCodeFailure?.();
        const ok =
          !injected && (await factors.verify(details.uid, user, progress.factor, passcode ?? ''));
        const amr = ok ? factors.amrValue(progress.factor) : undefined;
        if (!amr) {
          return proceed(ctx, details, progress, {
            text: injected?.error_description ?? 'Invalid code. Try again.',
            status: 401,
            field: true,
          });
        }
        // A factor verified now: the sign-in's time (auth_time) is now.
        await save(details, {
          ...progress,
          factor: undefined,
          loginTs: undefined,
          verified: [...progress.verified, amr],
        });
        return back(ctx, details);
      }

      return proceed(ctx, details, progress);
    },
  };
}
