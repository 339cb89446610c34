/**
 * What the "How you signed in" page shows: the real values of one sign-in, recorded as it
 * happens. Codes, tokens and the client secret are never recorded in full. The PKCE code
 * verifier is, so the page can redo the S256 computation in front of you: it is recorded only
 * after its code was redeemed, and a redeemed code cannot be redeemed again.
 */
import { decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import type * as client from 'openid-client';
import type { AppConfig } from './config.js';
import type { Oidc } from './oidc.js';

export interface DecodedToken {
  name: string;
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  signature: { valid: boolean; detail: string };
}

/** What the app sent at the start of the sign-in, which the record sets beside the answers. */
export interface FlowStart {
  authorizationUrl: string;
  codeVerifier: string;
  state: string;
  nonce: string;
}

export interface FlowRecord {
  authorizationRequest: { endpoint: string; params: Record<string, string> };
  pkce: { codeVerifier: string; codeChallenge: string; method: 'S256' };
  state: { sent: string; returned: string | null };
  nonce: { sent: string; inIdToken: unknown };
  callback: { url: string; params: Record<string, string> };
  tokenRequest: { endpoint: string; params: Record<string, string>; clientAuthentication: string };
  tokenResponse: Record<string, unknown>;
  tokens: DecodedToken[];
  userinfo: { endpoint: string; response: Record<string, unknown> } | undefined;
  at: string;
}

/** Enough of a token or code to recognise it, never enough to use it. */
export function shorten(value: string | undefined, keep = 12): string {
  if (!value) return '';
  return value.length <= keep ? '…' : `${value.slice(0, keep)}… (${value.length} characters)`;
}

/**
 * The record of a sign-in that just completed: the request sent, the callback received, the
 * code exchange, and both tokens checked against the provider's keys.
 */
export async function recordFlow(signIn: {
  config: AppConfig;
  oidc: Oidc;
  configuration: client.Configuration;
  pending: FlowStart;
  /** The registered redirect URI the code was sent to and redeemed with. */
  redirectUri: string;
  /** The redirect URI with the query the provider answered with. */
  callbackUrl: URL;
  tokens: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers;
  userinfo: client.UserInfoResponse;
}): Promise<FlowRecord> {
  const { config, pending, callbackUrl, tokens, userinfo } = signIn;
  const metadata = signIn.configuration.serverMetadata();
  const authorizationUrl = new URL(pending.authorizationUrl);
  const keys = await signIn.oidc.keys();
  const decode = async (name: string, token: string, audience: string): Promise<DecodedToken> => {
    const header = decodeProtectedHeader(token) as Record<string, unknown>;
    try {
      await jwtVerify(token, keys, {
        issuer: metadata.issuer,
        audience,
        currentDate: new Date(Date.now()),
      });
      return {
        name,
        header,
        claims: decodeJwt(token),
        signature: {
          valid: true,
          detail: `RS256 signature verified with key ${String(header.kid)} from ${metadata.jwks_uri}`,
        },
      };
    } catch (error) {
      return {
        name,
        header,
        claims: decodeJwt(token),
        signature: { valid: false, detail: (error as Error).message },
      };
    }
  };
  const callbackParams = Object.fromEntries(callbackUrl.searchParams);
  return {
    authorizationRequest: {
      endpoint: `${authorizationUrl.origin}${authorizationUrl.pathname}`,
      params: Object.fromEntries(authorizationUrl.searchParams),
    },
    pkce: {
      codeVerifier: pending.codeVerifier,
      codeChallenge: authorizationUrl.searchParams.get('code_challenge') ?? '',
      method: 'S256',
    },
    state: { sent: pending.state, returned: callbackUrl.searchParams.get('state') },
    nonce: { sent: pending.nonce, inIdToken: tokens.claims()?.nonce },
    callback: {
      url: `${callbackUrl.origin}${callbackUrl.pathname}`,
      params: { ...callbackParams, code: shorten(callbackParams.code) },
    },
    tokenRequest: {
      endpoint: metadata.token_endpoint ?? '',
      params: {
        grant_type: 'authorization_code',
        code: shorten(callbackParams.code),
        redirect_uri: signIn.redirectUri,
        code_verifier: pending.codeVerifier,
      },
      clientAuthentication: `HTTP Basic: client_id ${config.clientId}, client_secret ••••••••`,
    },
    tokenResponse: {
      token_type: tokens.token_type,
      expires_in: tokens.expires_in,
      scope: tokens.scope,
      access_token: shorten(tokens.access_token, 24),
      id_token: shorten(tokens.id_token, 24),
      refresh_token: shorten(tokens.refresh_token, 6),
    },
    tokens: [
      await decode('ID token', tokens.id_token ?? '', config.clientId),
      await decode('Access token', tokens.access_token, config.apiAudience),
    ],
    userinfo: metadata.userinfo_endpoint
      ? { endpoint: metadata.userinfo_endpoint, response: { ...userinfo } }
      : undefined,
    at: new Date().toISOString(),
  };
}
