/**
 * What the "How you signed in" page shows: the real values of one sign-in, recorded as it
 * happens. Codes, tokens and the client secret are never recorded in full. The PKCE code
 * verifier is, so the page can redo the S256 computation in front of you: it is recorded only
 * after its code was redeemed, and a redeemed code cannot be redeemed again.
 */
export interface DecodedToken {
  name: string;
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  signature: { valid: boolean; detail: string };
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
