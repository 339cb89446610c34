/**
 * `grant_type=urn:okta:params:oauth:grant-type:otp`: Okta's OTP grant, a Google
 * Authenticator code (`otp`) alone for the user named by `login_hint` (amr `otp`). An app
 * whose authentication policy wants two factors cannot be signed in to with one.
 */
import type { ResourceServer, TokenEndpointGrantContext } from 'oidc-provider';
import type { SeedClient } from '../../../seed/schema.js';
import { type AccountStore, maySignIn } from '../../oidc/accounts.js';
import type { CodeChallenges } from '../authenticators/challenges.js';
import { amrOf, factors } from '../authenticators/factors.js';
import { requirement } from '../authenticators/policy.js';
import { invalidCredentials, invalidGrant, requireParams } from './grant-errors.js';
import type { IssueTokens } from '../provider-patches/direct-sign-in-tokens.js';
import { grantedScopes } from './requested-scopes.js';

export const otpGrantType = 'urn:okta:params:oauth:grant-type:otp';
export const otpGrantParams = ['login_hint', 'otp', 'scope'] as const;

export function otpGrant(options: {
  accounts: AccountStore;
  clients: ReadonlyMap<string, SeedClient>;
  challenges: CodeChallenges;
  resourceServer: ResourceServer;
  issueTokens: IssueTokens;
}) {
  return async (ctx: TokenEndpointGrantContext): Promise<void> => {
    const { login_hint: login, otp, scope } = requireParams(ctx, 'login_hint', 'otp', 'scope');
    const clientId = ctx.oidc.client.clientId;
    const scopes = grantedScopes(ctx, scope, options.resourceServer);
    const policy = options.clients.get(clientId)?.authenticationPolicy ?? '1fa';
    if (requirement(policy, undefined).factors !== 1) {
      throw invalidGrant(
        "The app's authentication policy needs two factors; a one-time passcode alone is one.",
      );
    }
    const user = options.accounts.findUserByLogin(login);
    const verified =
      user !== undefined &&
      maySignIn(user) &&
      (await options.challenges.verify(`otp:${clientId}`, user, 'google_otp', otp));
    if (!verified) throw invalidGrant(invalidCredentials);
    await options.issueTokens(
      ctx,
      { user, amr: amrOf([factors.google_otp.amr]), acr: undefined, scopes },
      otpGrantType,
    );
  };
}
