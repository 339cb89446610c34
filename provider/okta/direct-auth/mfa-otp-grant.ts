/**
 * `grant_type=http://auth0.com/oauth/grant-type/mfa-otp`: the second factor after a password
 * grant's `mfa_required`, a Google Authenticator code (`otp`) for its `mfa_token`. Success
 * spends the token and answers the sign-in's tokens (amr pwd + otp, the acr asked for); a
 * wrong code leaves the token usable until it expires.
 */
import type { TokenEndpointGrantContext } from 'oidc-provider';
import { type AccountStore, maySignIn } from '../../oidc/accounts.js';
import type { CodeChallenges } from '../authenticators/challenges.js';
import { amrOf, factors } from '../authenticators/factors.js';
import { invalidCredentials, invalidGrant, requireParams } from './grant-errors.js';
import type { IssueTokens } from '../provider-patches/direct-sign-in-tokens.js';
import type { MfaTokens } from './mfa-tokens.js';

export const mfaOtpGrantType = 'http://auth0.com/oauth/grant-type/mfa-otp';
export const mfaOtpGrantParams = ['mfa_token', 'otp'] as const;

const unknownMfaToken = 'The mfa_token is invalid, has expired, or was already used.';

export function mfaOtpGrant(options: {
  accounts: AccountStore;
  challenges: CodeChallenges;
  mfaTokens: MfaTokens;
  issueTokens: IssueTokens;
}) {
  return async (ctx: TokenEndpointGrantContext): Promise<void> => {
    const { mfa_token: mfaToken, otp } = requireParams(ctx, 'mfa_token', 'otp');
    const pending = await options.mfaTokens.find(mfaToken, ctx.oidc.client.clientId);
    if (!pending) throw invalidGrant(unknownMfaToken);
    const user = options.accounts.findUserById(pending.userId);
    if (!user || !maySignIn(user)) throw invalidGrant(invalidCredentials);
    if (!(await options.challenges.verify(mfaToken, user, 'google_otp', otp))) {
      throw invalidGrant('The one-time passcode is invalid.');
    }
    if (!(await options.mfaTokens.spend(mfaToken))) throw invalidGrant(unknownMfaToken);
    await options.issueTokens(
      ctx,
      {
        user,
        amr: amrOf([...pending.verified, factors.google_otp.amr]),
        acr: pending.acr,
        scopes: pending.scopes,
      },
      mfaOtpGrantType,
    );
  };
}
