/**
 * oidc-provider's login prompt, with one more check (its interaction policy is the seam for
 * this): a signed-in session is not enough when the app's policy or the request's
 * `acr_values` want a factor the session has not verified, or when the request asks for an
 * `acr` other than the one the session's tokens would carry (a request that asks for none
 * takes the session's). The login step then asks only
 * for what is missing.
 */
import { interactionPolicy, type KoaContextWithOIDC } from 'oidc-provider';
import type { SeedClient } from '../../../seed/schema.js';
import type { AccountStore } from '../../oidc/accounts.js';
import { nextStep, requirement } from './policy.js';

export function loginPolicy(
  clients: ReadonlyMap<string, SeedClient>,
  accounts: AccountStore,
): interactionPolicy.Prompt[] {
  const policy = interactionPolicy.base();
  const login = policy.get('login');
  if (!login) throw new Error("oidc-provider's base policy has no login prompt");
  login.checks.add(
    new interactionPolicy.Check(
      'okta_authentication_level',
      'the authentication the request asks for is not met yet',
      'login_required',
      (ctx: KoaContextWithOIDC) => {
        const { oidc } = ctx;
        const accountId = oidc.session?.accountId;
        // Sign-ins that just finished, and requests with no session, are for other checks.
        if (!accountId || oidc.result?.login) return interactionPolicy.Check.NO_NEED_TO_PROMPT;
        const user = accounts.findUserById(accountId);
        if (!user) return interactionPolicy.Check.NO_NEED_TO_PROMPT;
        const client = clients.get(oidc.client?.clientId ?? '');
        const need = requirement(client?.authenticationPolicy ?? '1fa', oidc.params?.acr_values);
        const amr = (oidc.session.amr as string[] | undefined) ?? ['pwd'];
        const met =
          nextStep(need, user, amr) === 'done' &&
          (need.acr === undefined || need.acr === oidc.session.acr);
        return met
          ? interactionPolicy.Check.NO_NEED_TO_PROMPT
          : interactionPolicy.Check.REQUEST_PROMPT;
      },
    ),
  );
  return policy;
}
