/**
 * The tokens of a direct sign-in, issued the way oidc-provider's authorization_code grant
 * issues a code flow's (lib/helpers/grant_common.js), so the same hooks shape them: a grant for
 * the client and the user, a JWT access token for the server's audience (Okta's claims come
 * from the access-token customizer), a refresh token with offline_access, and an ID token with
 * openid whose claims come from the provider's findAccount. The sign-in itself is held as an
 * authorization code that is never stored: the source a code-flow token is issued from, and
 * what the access-token customizer reads the sign-in's `acr` from. That reaches into
 * oidc-provider's models and token context; test/integration/direct-auth.test.ts pins it by
 * comparing these tokens, claim by claim, with a code flow's for the same user and client.
 */
import {
  type ClaimsParameterMember,
  errors,
  type FindAccount,
  type ResourceServer,
  type TokenEndpointGrantContext,
} from 'oidc-provider';
import type { SeedUser } from '../../../seed/schema.js';
import type { AccountStore } from '../../oidc/accounts.js';

export interface DirectSignIn {
  user: SeedUser;
  /** The factors verified, as the tokens' `amr`. */
  amr: string[];
  /** The requested `acr_values` Okta knows, as the tokens' `acr`. */
  acr: string | undefined;
  /** The scopes granted (direct-auth/requested-scopes.ts). */
  scopes: readonly string[];
  /** The app's nonce, for its ID token (an IDX sign-in's /v1/interact took one). */
  nonce?: string | undefined;
  /** When the user signed in (epoch seconds); now by default. */
  authTime?: number | undefined;
}

export interface TokenIssuerOptions {
  accounts: AccountStore;
  /** The provider's own findAccount: the ID token's claims are those of a code flow. */
  findAccount: FindAccount;
  /** The access tokens' audience, and the server as their resource server. */
  audience: string;
  resourceServer: ResourceServer;
}

/** Answers the token request with the sign-in's tokens, as `gty` (the grant type). */
export type IssueTokens = (
  ctx: TokenEndpointGrantContext,
  signIn: DirectSignIn,
  gty: string,
) => Promise<void>;

export function createTokenIssuer(options: TokenIssuerOptions): IssueTokens {
  const { audience } = options;
  return async (ctx, signIn, gty) => {
    const { provider, client } = ctx.oidc;
    const accountId = signIn.user.id;
    const scope = signIn.scopes.join(' ');
    const { acr, amr, nonce } = signIn;
    const authTime = signIn.authTime ?? Math.floor(Date.now() / 1000);
    // What the authorize endpoint asks of the ID token: auth_time, and the acr requested.
    const idTokenClaims: Record<string, ClaimsParameterMember> = {
      ...(client.requireAuthTime ? { auth_time: { essential: true } } : {}),
      ...(acr === undefined ? {} : { acr: { values: [acr] } }),
    };
    const claims = Object.keys(idTokenClaims).length > 0 ? { id_token: idTokenClaims } : undefined;

    const account = await options.findAccount(ctx, accountId);
    if (!account) {
      // A user who may not sign in (no longer active): as Okta says of bad credentials.
      const error = new errors.InvalidGrant();
      error.error_description = 'The credentials provided were invalid.';
      throw error;
    }
    const grant = new provider.Grant({ clientId: client.clientId, accountId });
    grant.addOIDCScope(scope);
    grant.addResourceScope(audience, scope);
    const grantId = await grant.save();
    // What the code and the refresh token of a code flow both hold of its sign-in.
    const signInFields = {
      accountId,
      acr,
      amr,
      authTime,
      claims,
      client,
      grantId,
      gty,
      nonce,
      resource: audience,
      scope,
    };
    const source = new provider.AuthorizationCode(signInFields);
    ctx.oidc.entity('AuthorizationCode', source);
    ctx.oidc.entity('Grant', grant);
    ctx.oidc.entity('Account', account);

    const resourceServer = new provider.ResourceServer(audience, options.resourceServer);
    const at = new provider.AccessToken({ accountId, client, grantId, gty, resourceServer });
    at.scope = grant.getResourceScopeFiltered(
      audience,
      signIn.scopes.filter((name) => resourceServer.scopes.has(name)),
    );
    ctx.oidc.entity('AccessToken', at);
    const accessToken = await at.save();

    let refreshToken: string | undefined;
    if (signIn.scopes.includes('offline_access') && client.grantTypeAllowed('refresh_token')) {
      const rt = new provider.RefreshToken({ ...signInFields, rotations: 0 });
      ctx.oidc.entity('RefreshToken', rt);
      refreshToken = await rt.save();
    }

    let idToken: string | undefined;
    if (signIn.scopes.includes('openid')) {
      const mask = claims?.id_token ?? {};
      const token = new provider.IdToken(
        {
          ...(await account.claims('id_token', scope, mask, [])),
          sub: account.accountId,
          acr,
          amr,
          auth_time: authTime,
        },
        { ctx },
      );
      // As the code flow adds it: no scope releases `nonce`, so the claims filter would drop it.
      if (nonce !== undefined) token.set('nonce', nonce);
      // What oidc-provider's issueIdToken sets: the claims the granted scopes release, and those
      // the request asked for.
      Object.assign(token, {
        scope: grant.getOIDCScopeFiltered(new Set(signIn.scopes)),
        mask,
        rejected: [],
      });
      idToken = await token.issue({ use: 'idtoken' });
    }

    await options.accounts.signedIn(accountId);
    ctx.body = {
      access_token: accessToken,
      expires_in: at.expiration,
      ...(idToken === undefined ? {} : { id_token: idToken }),
      ...(refreshToken === undefined ? {} : { refresh_token: refreshToken }),
      scope: at.scope,
      token_type: at.tokenType,
    };
  };
}
