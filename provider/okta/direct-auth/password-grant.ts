/**
 * `grant_type=password`: a username and password sign the user in, as on Okta with the
 * Direct Authentication grants. When the app's authentication policy or the request's
 * `acr_values` want a second factor, the answer is Okta's 403 `mfa_required` with an
 * `mfa_token` for the mfa-otp grant; a requirement the user cannot meet here is invalid_grant.
 */
import type { ResourceServer, TokenEndpointGrantContext } from 'oidc-provider';
import type { SeedClient } from '../../../seed/schema.js';
import type { AccountStore } from '../../oidc/accounts.js';
import { amrOf, enrolled, factors } from '../authenticators/factors.js';
import { nextStep, requirement } from '../authenticators/policy.js';
import { invalidCredentials, invalidGrant, requireParams } from './grant-errors.js';
import type { IssueTokens } from '../provider-patches/direct-sign-in-tokens.js';
import type { MfaTokens } from './mfa-tokens.js';
import { grantedScopes } from './requested-scopes.js';

export const passwordGrantType = 'password';
export const passwordGrantParams = ['username', 'password', 'scope', 'acr_values'] as const;

export function passwordGrant(options: {
  accounts: AccountStore;
  clients: ReadonlyMap<string, SeedClient>;
  resourceServer: ResourceServer;
  mfaTokens: MfaTokens;
  issueTokens: IssueTokens;
}) {
  return async (ctx: TokenEndpointGrantContext): Promise<void> => {
    const { username, password, scope } = requireParams(ctx, 'username', 'password', 'scope');
    const clientId = ctx.oidc.client.clientId;
    const scopes = grantedScopes(ctx, scope, options.resourceServer);
    const user = options.accounts.authenticate(username, password);
    if (!user) throw invalidGrant(invalidCredentials);

    const policy = options.clients.get(clientId)?.authenticationPolicy ?? '1fa';
    const need = requirement(policy, ctx.oidc.params.acr_values);
    const next = nextStep(need, user, ['pwd']);
    if (next === 'done') {
      const signIn = { user, amr: amrOf(['pwd']), acr: need.acr, scopes };
      await options.issueTokens(ctx, signIn, passwordGrantType);
      return;
    }
    if (next !== 'second-factor') {
      throw invalidGrant('The user cannot meet the authentication requirements of this request.');
    }
    // Google Authenticator is the factor the mfa-otp grant verifies; email and SMS codes would
    // need Okta's oob grants, which Understudy does not have.
    if (!enrolled(user, 'google_otp')) {
      throw invalidGrant(
        `This request needs a second factor, and the user has none these grants can verify (${factors.google_otp.label}).`,
      );
    }
    const mfaToken = await options.mfaTokens.issue({
      clientId,
      userId: user.id,
      verified: ['pwd'],
      scopes,
      acr: need.acr,
    });
    // An OAuth error with one more member, which oidc-provider's error answers cannot carry.
    ctx.status = 403;
    ctx.body = {
      error: 'mfa_required',
      error_description: 'Multifactor authentication required.',
      mfa_token: mfaToken,
    };
  };
}
