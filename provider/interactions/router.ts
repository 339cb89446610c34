/**
 * The provider's own login and consent pages: a one-click picker of seeded users, a
 * username/password form, a consent page for clients that need one, and Deny everywhere.
 * Every POST carries a CSRF token.
 */
import Router from '@koa/router';
import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import { errors } from 'oidc-provider';
import type { SeedClient, SeedUser } from '../../seed/schema.js';
import type { AccountStore } from '../accounts.js';
import { readFormBody } from '../http/form-body.js';
import { injectedConsentParam } from '../okta/offline-access.js';
import { renderConsentPage } from '../views/consent-page.js';
import { renderLoginPage } from '../views/login-page.js';
import type { ControlState } from '../testkit/control-state.js';
import { createCsrf } from './csrf.js';
import { grantMissing } from './grants.js';

export interface InteractionRouterOptions {
  mountPath: string;
  provider: Provider;
  accounts: AccountStore;
  users: readonly SeedUser[];
  clients: ReadonlyMap<string, SeedClient>;
  csrfSecret: string;
  /** Set when the control API may sign the next user in without a page. */
  control?: ControlState | undefined;
}

export function createInteractionRouter(options: InteractionRouterOptions): Router {
  const { provider, accounts, users, clients, mountPath } = options;
  const csrf = createCsrf(options.csrfSecret);
  const router = new Router({ prefix: `${mountPath}/interaction` });

  const urls = (uid: string) => ({
    action: `${mountPath}/interaction/${uid}/login`,
    confirm: `${mountPath}/interaction/${uid}/confirm`,
    abort: `${mountPath}/interaction/${uid}/abort`,
  });

  const clientName = (clientId: unknown) => {
    const client = clients.get(String(clientId));
    return client?.client_name ?? String(clientId);
  };

  const loadDetails = async (ctx: Context) => {
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    if (details.uid !== ctx.params.uid) {
      throw new errors.SessionNotFound('interaction session id does not match');
    }
    return details;
  };

  const readCheckedForm = async (ctx: Context, uid: string) => {
    const form = await readFormBody(ctx);
    if (!csrf.verify(uid, form.get('csrf'))) {
      throw new errors.InvalidRequest('the form is missing a valid CSRF token; reload the page');
    }
    return form;
  };

  const renderLogin = (
    ctx: Context,
    uid: string,
    clientId: unknown,
    extra: { login?: string; message?: string } = {},
  ) => {
    const { action, abort } = urls(uid);
    ctx.type = 'html';
    ctx.body = renderLoginPage({
      action,
      abortAction: abort,
      csrfToken: csrf.tokenFor(uid),
      clientName: clientName(clientId),
      users,
      ...extra,
    });
  };

  router.use(async (ctx, next) => {
    ctx.set('cache-control', 'no-store');
    await next();
  });

  router.get('/:uid', async (ctx) => {
    const details = await loadDetails(ctx);
    const { uid, prompt, params } = details;
    if (prompt.name === 'login') {
      const autoLogin = options.control?.takeNextLogin();
      if (autoLogin && accounts.findUserById(autoLogin)) {
        return provider.interactionFinished(
          ctx.req,
          ctx.res,
          { login: { accountId: autoLogin, amr: ['pwd'], remember: true } },
          { mergeWithLastSubmission: false },
        );
      }
      const hint = typeof params.login_hint === 'string' ? params.login_hint : undefined;
      return renderLogin(ctx, uid, params.client_id, hint ? { login: hint } : {});
    }
    if (prompt.name !== 'consent') {
      throw new errors.InvalidRequest(`unsupported interaction prompt "${prompt.name}"`);
    }
    const client = clients.get(String(params.client_id));
    // Consent that only our offline_access shim asked for, with nothing left to grant.
    const onlyInjected =
      params[injectedConsentParam] === '1' &&
      prompt.reasons.every((reason) => reason === 'consent_prompt');
    if (client && (!client.consentRequired || onlyInjected)) {
      const result = await grantMissing(provider, details);
      return provider.interactionFinished(ctx.req, ctx.res, result, {
        mergeWithLastSubmission: true,
      });
    }
    const user = details.session ? accounts.findUserById(details.session.accountId) : undefined;
    const missing = prompt.details as {
      missingOIDCScope?: string[];
      missingResourceScopes?: Record<string, string[]>;
    };
    const scopes = [
      ...(missing.missingOIDCScope ?? []),
      ...Object.values(missing.missingResourceScopes ?? {}).flat(),
    ];
    const { confirm, abort } = urls(uid);
    ctx.type = 'html';
    ctx.body = renderConsentPage({
      action: confirm,
      abortAction: abort,
      csrfToken: csrf.tokenFor(uid),
      clientName: clientName(params.client_id),
      userName: user?.login ?? details.session?.accountId ?? '',
      scopes: [...new Set(scopes.length ? scopes : String(params.scope ?? '').split(' '))],
    });
  });

  router.post('/:uid/login', async (ctx) => {
    const details = await loadDetails(ctx);
    const form = await readCheckedForm(ctx, details.uid);
    if (details.prompt.name !== 'login') {
      throw new errors.InvalidRequest('this sign-in step is already complete');
    }
    const pickedId = form.get('user_id');
    const login = form.get('username') ?? '';
    const user = pickedId
      ? accounts.findUserById(pickedId)
      : accounts.authenticate(login, form.get('password') ?? '');
    if (!user) {
      ctx.status = pickedId ? 400 : 401;
      return renderLogin(ctx, details.uid, details.params.client_id, {
        login,
        message: pickedId ? 'That user is not in the seed.' : 'Wrong username or password.',
      });
    }
    return provider.interactionFinished(
      ctx.req,
      ctx.res,
      { login: { accountId: user.id, amr: ['pwd'], remember: true } },
      { mergeWithLastSubmission: false },
    );
  });

  router.post('/:uid/confirm', async (ctx) => {
    const details = await loadDetails(ctx);
    await readCheckedForm(ctx, details.uid);
    if (details.prompt.name !== 'consent') {
      throw new errors.InvalidRequest('there is nothing to consent to');
    }
    const result = await grantMissing(provider, details);
    return provider.interactionFinished(ctx.req, ctx.res, result, {
      mergeWithLastSubmission: true,
    });
  });

  router.post('/:uid/abort', async (ctx) => {
    const details = await loadDetails(ctx);
    await readCheckedForm(ctx, details.uid);
    return provider.interactionFinished(
      ctx.req,
      ctx.res,
      { error: 'access_denied', error_description: 'End-User aborted interaction' },
      { mergeWithLastSubmission: false },
    );
  });

  return router;
}
