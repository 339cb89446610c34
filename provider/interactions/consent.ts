/**
 * The consent step: a consent page with Allow and Deny, or, where the caller's rule says so
 * (Okta's first-party apps), what the client asks for granted without a page.
 */
import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import type { AccountStore } from '../oidc/accounts.js';
import { cspNonce } from '../http/content-security.js';
import { renderConsentPage } from '../views/consent-page.js';
import type { InteractionCsrf } from './csrf.js';
import { grantMissing } from './grants.js';

export type InteractionDetails = Awaited<ReturnType<Provider['interactionDetails']>>;
type Details = InteractionDetails;

export interface ConsentStepOptions {
  provider: Provider;
  accounts: AccountStore;
  /** Whether this consent is granted without showing the page. */
  grantsSilently(details: Details): boolean;
  csrf: InteractionCsrf;
  clientName(clientId: unknown): string;
  actions(uid: string): { confirm: string; abort: string };
}

export function consentStep(options: ConsentStepOptions) {
  const { provider, accounts, csrf } = options;

  const grant = async (ctx: Context, details: Details) =>
    provider.interactionFinished(ctx.req, ctx.res, await grantMissing(provider, details), {
      mergeWithLastSubmission: true,
    });

  return {
    async show(ctx: Context, details: Details) {
      if (options.grantsSilently(details)) return grant(ctx, details);
      const { prompt, params, session } = details;

      const user = session ? accounts.findUserById(session.accountId) : undefined;
      const missing = prompt.details as {
        missingOIDCScope?: string[];
        missingResourceScopes?: Record<string, string[]>;
      };
      const scopes = [
        ...(missing.missingOIDCScope ?? []),
        ...Object.values(missing.missingResourceScopes ?? {}).flat(),
      ];
      const { confirm, abort } = options.actions(details.uid);
      ctx.type = 'html';
      ctx.body = renderConsentPage(
        {
          action: confirm,
          abortAction: abort,
          csrfToken: csrf.tokenFor(details.uid),
          clientName: options.clientName(params.client_id),
          userName: user?.login ?? session?.accountId ?? '',
          scopes: [...new Set(scopes.length ? scopes : String(params.scope ?? '').split(' '))],
        },
        cspNonce(ctx),
      );
    },

    confirm: grant,
  };
}
