/**
 * `grant_type=interaction_code` at /v1/token: the code an IDX sign-in ended with, for the app
 * that started it, once, within a minute, with the PKCE verifier of its /v1/interact challenge.
 * Registered with oidc-provider as a grant type, so client authentication, the client's
 * grant_types (unauthorized_client for a client without it) and the error answers are its own;
 * the tokens are a code flow's (provider-patches/direct-sign-in-tokens.ts).
 */
import { createHash } from 'node:crypto';
import type Provider from 'oidc-provider';
import type { FindAccount, ResourceServer, TokenEndpointGrantContext } from 'oidc-provider';
import type { AccountStore } from '../../oidc/accounts.js';
import { constantEquals } from '../../http/constant-equals.js';
import { invalidGrant, requireParams } from '../direct-auth/grant-errors.js';
import { grantedScopes } from '../direct-auth/requested-scopes.js';
import { createTokenIssuer, type IssueTokens } from '../provider-patches/direct-sign-in-tokens.js';
import { interactionCodeGrantType } from './interact.js';
import type { IdxStore } from './transactions.js';

export const interactionCodeGrantParams = [
  'interaction_code',
  'code_verifier',
  'redirect_uri',
] as const;

const invalidCode = 'The interaction code is invalid or has expired.';

function interactionCodeGrant(options: {
  store: IdxStore;
  accounts: AccountStore;
  resourceServer: ResourceServer;
  issueTokens: IssueTokens;
}) {
  return async (ctx: TokenEndpointGrantContext): Promise<void> => {
    const params = requireParams(ctx, 'interaction_code', 'code_verifier');
    const code = params.interaction_code;
    const grant = await options.store.findCode(code);
    if (!grant || grant.clientId !== ctx.oidc.client.clientId) throw invalidGrant(invalidCode);
    const redirectUri = (ctx.oidc.params as Record<string, unknown>).redirect_uri;
    if (
      typeof redirectUri === 'string' &&
      redirectUri !== '' &&
      redirectUri !== grant.redirectUri
    ) {
      throw invalidGrant("'redirect_uri' does not match the one of the interaction.");
    }
    const challenge = createHash('sha256').update(params.code_verifier).digest('base64url');
    if (!constantEquals(challenge, grant.codeChallenge)) {
      throw invalidGrant('PKCE verification failed.');
    }
    if (!(await options.store.spendCode(code))) throw invalidGrant(invalidCode);
    // The sign-in is over: its state handle answers as an expired one from now on.
    await options.store.remove(grant.stateHandle);
    const user = options.accounts.findUserById(grant.userId);
    if (!user) throw invalidGrant(invalidCode);
    const scopes = grantedScopes(ctx, grant.scope, options.resourceServer);
    await options.issueTokens(
      ctx,
      {
        user,
        amr: grant.amr,
        acr: grant.acr,
        scopes,
        nonce: grant.nonce,
        authTime: grant.authTime,
      },
      interactionCodeGrantType,
    );
  };
}

export function registerInteractionCodeGrant(
  provider: Provider,
  options: {
    store: IdxStore;
    accounts: AccountStore;
    findAccount: FindAccount;
    audience: string;
    resourceServer: ResourceServer;
  },
): void {
  provider.registerGrantType(
    interactionCodeGrantType,
    interactionCodeGrant({ ...options, issueTokens: createTokenIssuer(options) }),
    interactionCodeGrantParams,
  );
}
