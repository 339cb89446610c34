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
  /** Every refresh the app made during this sign-in, oldest first (the last few). */
  refreshes?: RefreshRecord[];
  /** The logout that ended it, once there was one. */
  logout?: LogoutRecord;
}

/** One refresh_token grant: the access token before and after, and whether the refresh token rotated. */
export interface RefreshRecord {
  at: string;
  endpoint: string;
  clientAuthentication: string;
  /** The refresh token sent: a prefix and its length, never the whole. */
  refreshTokenSent: string;
  /** The one that came back, if any (a prefix and its length). */
  refreshTokenReturned: string | undefined;
  rotated: boolean;
  whyRotation: string;
  oldAccessToken: string;
  newAccessToken: string;
  expiresIn: number | undefined;
  scope: string | undefined;
}

export interface LogoutRecord {
  at: string;
  endpoint: string;
  params: { id_token_hint: string; post_logout_redirect_uri: string; state: string };
  /** The full logout state, to recognise the provider's redirect back (not a secret). */
  expectedState: string;
  /** Set when the provider sent the browser back with the state: its session has ended. */
  providerSessionEndedAt?: string;
}

/** Refreshes kept per sign-in: enough to see rotation, never an unbounded pile. */
const keptRefreshes = 5;

/** The record of one refresh, shown beside the sign-in it belongs to. */
export function recordRefresh(
  flow: FlowRecord,
  refresh: {
    endpoint: string;
    clientId: string;
    before: { accessToken: string; refreshToken: string };
    after: {
      accessToken: string;
      refreshToken: string | undefined;
      expiresIn: number | undefined;
      scope: string | undefined;
    };
  },
): FlowRecord {
  const rotated =
    refresh.after.refreshToken !== undefined &&
    refresh.after.refreshToken !== refresh.before.refreshToken;
  const record: RefreshRecord = {
    at: new Date().toISOString(),
    endpoint: refresh.endpoint,
    clientAuthentication: `HTTP Basic: client_id ${refresh.clientId}, client_secret ••••••••`,
    refreshTokenSent: shorten(refresh.before.refreshToken, 6),
    refreshTokenReturned: refresh.after.refreshToken
      ? shorten(refresh.after.refreshToken, 6)
      : undefined,
    rotated,
    whyRotation: rotated
      ? 'Rotated: the provider replaced the refresh token, and the old one is spent. Okta does this for public clients (no secret), so a stolen refresh token shows up when both copies are used.'
      : "Not rotated: this app is a confidential client (it authenticates with its secret at every refresh), and Okta rotates only public clients' refresh tokens. The same refresh token stays valid.",
    oldAccessToken: shorten(refresh.before.accessToken, 24),
    newAccessToken: shorten(refresh.after.accessToken, 24),
    expiresIn: refresh.after.expiresIn,
    scope: refresh.after.scope,
  };
  return { ...flow, refreshes: [...(flow.refreshes ?? []), record].slice(-keptRefreshes) };
}

/** The logout, as the app sends it: the ID token shortened, the state to recognise the return. */
export function recordLogout(flow: FlowRecord, logout: { endSessionUrl: URL }): FlowRecord {
  const params = logout.endSessionUrl.searchParams;
  const state = params.get('state') ?? '';
  return {
    ...flow,
    logout: {
      at: new Date().toISOString(),
      endpoint: `${logout.endSessionUrl.origin}${logout.endSessionUrl.pathname}`,
      params: {
        id_token_hint: shorten(params.get('id_token_hint') ?? '', 24),
        post_logout_redirect_uri: params.get('post_logout_redirect_uri') ?? '',
        state,
      },
      expectedState: state,
    },
  };
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
