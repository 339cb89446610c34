/**
 * The provider's own interaction pages, as route handlers: show the step the provider asks
 * for (login or consent), take the login and consent forms, and Deny. Every POST carries a
 * CSRF token; the paths come from the route table.
 */
import type { Context, Middleware } from 'koa';
import type Provider from 'oidc-provider';
import { errors } from 'oidc-provider';
import type { SeedClient, SeedUser } from '../../seed/schema.js';
import { InvalidRequest } from '../http/errors.js';
import { readFormBody } from '../http/form-body.js';
import type { AccountStore } from '../oidc/accounts.js';
import { consentStep, type InteractionDetails } from './consent.js';
import { createCsrf } from './csrf.js';
import { loginStep } from './login.js';
import type { AutoLogin, HostedSignInPage, SignInFactors } from './sign-in-factors.js';
import type { AdapterFactory } from '../store/memory-adapter.js';

export type { InteractionDetails };
export type InteractionAction = 'show' | 'login' | 'confirm' | 'abort';

export interface InteractionOptions {
  provider: Provider;
  accounts: AccountStore;
  users: readonly SeedUser[];
  /** No one-click picker: only a login and password sign anyone in. */
  requirePassword: boolean;
  /** The username alone first, then the password on the next page. */
  identifierFirst: boolean;
  /** Okta's factors and policy, and where codes are checked. */
  factors: SignInFactors;
  /** Where a sign-in's progress is kept between its pages. */
  storage: AdapterFactory;
  clients: ReadonlyMap<string, SeedClient>;
  csrfSecret: string;
  /** The form action of each step of interaction `uid`. */
  actionUrl(action: InteractionAction, uid: string): string;
  /** Whether a consent is granted without showing the consent page. */
  grantsSilently(details: InteractionDetails): boolean;
  /** A user to sign in without the login page, asked once per login. */
  autoLogin?: (() => Promise<AutoLogin | undefined>) | undefined;
  /** A failure injected for the next code check (the control plane), if one waits. */
  injectedCodeFailure?:
    (() => Promise<{ error_description?: string | undefined } | undefined>) | undefined;
  /** Okta's Sign-In Widget as the page, when the seed or the command line asks for it. */
  hostedWidget?: HostedSignInPage | undefined;
}

export interface InteractionHandlers {
  show: Middleware;
  login: Middleware;
  confirm: Middleware;
  abort: Middleware;
}

export function createInteractions(options: InteractionOptions): InteractionHandlers {
  const { provider } = options;
  const csrf = createCsrf(options.csrfSecret);
  const clientName = (clientId: unknown) =>
    options.clients.get(String(clientId))?.client_name ?? String(clientId);
  const actions = (uid: string) => ({
    show: options.actionUrl('show', uid),
    login: options.actionUrl('login', uid),
    confirm: options.actionUrl('confirm', uid),
    abort: options.actionUrl('abort', uid),
  });
  const login = loginStep({ ...options, csrf, clientName, actions });
  const consent = consentStep({ ...options, csrf, clientName, actions });

  const loadDetails = async (ctx: Context) => {
    ctx.set('cache-control', 'no-store');
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    if (details.uid !== ctx.params.uid) {
      throw new errors.SessionNotFound('interaction session id does not match');
    }
    return details;
  };

  const readCheckedForm = async (ctx: Context, uid: string) => {
    const form = await readFormBody(ctx);
    if (!csrf.verify(uid, form.get('csrf'))) {
      throw new InvalidRequest('the form is missing a valid CSRF token; reload the page');
    }
    return form;
  };

  return {
    async show(ctx) {
      const details = await loadDetails(ctx);
      if (details.prompt.name === 'login') return login.show(ctx, details);
      if (details.prompt.name === 'consent') return consent.show(ctx, details);
      throw new InvalidRequest(`unsupported interaction prompt "${details.prompt.name}"`);
    },

    async login(ctx) {
      const details = await loadDetails(ctx);
      const form = await readCheckedForm(ctx, details.uid);
      if (details.prompt.name !== 'login') {
        throw new InvalidRequest('this sign-in step is already complete');
      }
      return login.submit(ctx, details, form);
    },

    async confirm(ctx) {
      const details = await loadDetails(ctx);
      await readCheckedForm(ctx, details.uid);
      if (details.prompt.name !== 'consent') {
        throw new InvalidRequest('there is nothing to consent to');
      }
      return consent.confirm(ctx, details);
    },

    async abort(ctx) {
      const details = await loadDetails(ctx);
      await readCheckedForm(ctx, details.uid);
      return provider.interactionFinished(
        ctx.req,
        ctx.res,
        { error: 'access_denied', error_description: 'End-User aborted interaction' },
        { mergeWithLastSubmission: false },
      );
    },
  };
}
