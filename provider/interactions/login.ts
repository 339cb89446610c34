/**
 * The login step: a one-click picker of seeded users, a username/password form, and the
 * control plane's next login, which signs a user in without showing the page.
 */
import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import type { SeedUser } from '../../seed/schema.js';
import type { AccountStore } from '../oidc/accounts.js';
import { cspNonce } from '../http/content-security.js';
import { renderLoginPage } from '../views/login-page.js';
import type { InteractionCsrf } from './csrf.js';

type Details = Awaited<ReturnType<Provider['interactionDetails']>>;

export interface LoginStepOptions {
  provider: Provider;
  accounts: AccountStore;
  users: readonly SeedUser[];
  /** No one-click picker: only a login and password sign anyone in. */
  requirePassword: boolean;
  csrf: InteractionCsrf;
  clientName(clientId: unknown): string;
  actions(uid: string): { login: string; abort: string };
  autoLogin?: (() => Promise<string | undefined>) | undefined;
}

export function loginStep(options: LoginStepOptions) {
  const { provider, accounts, csrf } = options;

  const signIn = async (ctx: Context, accountId: string) => {
    await accounts.signedIn(accountId);
    return provider.interactionFinished(
      ctx.req,
      ctx.res,
      { login: { accountId, amr: ['pwd'], remember: true } },
      { mergeWithLastSubmission: false },
    );
  };
  // Only ACTIVE users, as on Okta: a suspended or deactivated user is not offered or let in.
  const signInable = (id: string) => accounts.signInable().find((user) => user.id === id);

  const render = (
    ctx: Context,
    details: Details,
    extra: { login?: string | undefined; message?: string } = {},
  ) => {
    const { login, abort } = options.actions(details.uid);
    ctx.type = 'html';
    ctx.body = renderLoginPage(
      {
        action: login,
        abortAction: abort,
        csrfToken: csrf.tokenFor(details.uid),
        clientName: options.clientName(details.params.client_id),
        users: options.requirePassword ? [] : options.users,
        ...extra,
      },
      cspNonce(ctx),
    );
  };

  return {
    async show(ctx: Context, details: Details) {
      const autoLogin = await options.autoLogin?.();
      if (autoLogin && signInable(autoLogin)) return signIn(ctx, autoLogin);
      const hint = details.params.login_hint;
      return render(ctx, details, typeof hint === 'string' ? { login: hint } : {});
    },

    async submit(ctx: Context, details: Details, form: URLSearchParams) {
      const pickedId = options.requirePassword ? null : form.get('user_id');
      const login = form.get('username') ?? '';
      const user = pickedId
        ? signInable(pickedId)
        : accounts.authenticate(login, form.get('password') ?? '');
      if (user) return signIn(ctx, user.id);
      ctx.status = pickedId ? 400 : 401;
      return render(ctx, details, {
        login,
        message: pickedId
          ? 'That user cannot sign in: not in the seed, or not active.'
          : 'Wrong username or password.',
      });
    },
  };
}
