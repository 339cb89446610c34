/**
 * Okta's Direct Authentication grants at /v1/token, for the apps whose `grant_types` list
 * them: the password grant (Okta's 403 `mfa_required` when a second factor is wanted), the
 * mfa-otp grant that completes it with a Google Authenticator code, and Okta's OTP grant (the
 * code alone). Registered with oidc-provider as grant types, so it runs them like its own:
 * client authentication, the client's grant_types (a client whose list lacks one is refused
 * before a handler runs), discovery's grant_types_supported, and its error answers.
 */
import type Provider from 'oidc-provider';
import type { FindAccount, ResourceServer } from 'oidc-provider';
import type { SeedClient } from '../../../seed/schema.js';
import type { AccountStore } from '../../oidc/accounts.js';
import type { AdapterFactory } from '../../store/memory-adapter.js';
import type { CodeChallenges } from '../authenticators/challenges.js';
import { createTokenIssuer } from '../provider-patches/direct-sign-in-tokens.js';
import { createMfaTokens } from './mfa-tokens.js';
import { mfaOtpGrant, mfaOtpGrantParams, mfaOtpGrantType } from './mfa-otp-grant.js';
import { otpGrant, otpGrantParams, otpGrantType } from './otp-grant.js';
import { passwordGrant, passwordGrantParams, passwordGrantType } from './password-grant.js';

export const directAuthGrantTypes = [passwordGrantType, mfaOtpGrantType, otpGrantType] as const;

export interface DirectAuthOptions {
  accounts: AccountStore;
  clients: ReadonlyMap<string, SeedClient>;
  /** Checks second-factor codes (each TOTP code once). */
  challenges: CodeChallenges;
  /** The provider's store, where mfa_tokens are kept. */
  storage: AdapterFactory;
  /** The provider's own findAccount, so ID tokens carry a code flow's claims. */
  findAccount: FindAccount;
  /** The access tokens' audience, and the server as their resource server. */
  audience: string;
  resourceServer: ResourceServer;
}

export function registerDirectAuthGrants(provider: Provider, options: DirectAuthOptions): void {
  const { accounts, clients, challenges, resourceServer } = options;
  const issueTokens = createTokenIssuer(options);
  const mfaTokens = createMfaTokens(options.storage);
  provider.registerGrantType(
    passwordGrantType,
    passwordGrant({ accounts, clients, resourceServer, mfaTokens, issueTokens }),
    passwordGrantParams,
  );
  provider.registerGrantType(
    mfaOtpGrantType,
    mfaOtpGrant({ accounts, challenges, mfaTokens, issueTokens }),
    mfaOtpGrantParams,
  );
  provider.registerGrantType(
    otpGrantType,
    otpGrant({ accounts, clients, challenges, resourceServer, issueTokens }),
    otpGrantParams,
  );
}
