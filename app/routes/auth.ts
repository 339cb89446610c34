/**
 * Sign-in the reference way: a fresh PKCE verifier, state and nonce for every redirect, all
 * three checked at the callback, the session regenerated on success, tokens refreshed before
 * they expire, and logout as a CSRF-protected POST that ends the provider session too.
 */
import { type NextFunction, type Request, type Response, Router, urlencoded } from 'express';
import { decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import * as client from 'openid-client';
import type { AppConfig } from '../config.js';
import { requireCsrf } from '../csrf.js';
import { HttpError } from '../errors.js';
import { type DecodedToken, type FlowRecord, shorten } from '../flow-record.js';
import type { Oidc } from '../oidc.js';
import { isProviderUnreachable, providerUnreachable } from '../provider-outage.js';
import type { PendingLogin, TokenSet } from '../session.js';

export const scope = 'openid profile email groups offline_access';
const maxPendingLogins = 5;
export const callbackPath = '/authorization-code/callback';

/** Only same-site paths: an absolute or protocol-relative URL would be an open redirect. */
export function safeReturnTo(raw: unknown): string {
  if (
    typeof raw !== 'string' ||
    !raw.startsWith('/') ||
    raw.startsWith('//') ||
    raw.includes('\\')
  ) {
    return '/dashboard';
  }
  return raw;
}

export function createAuthRouter(config: AppConfig, oidc: Oidc): Router {
  const router = Router();
  const redirectUri = `${config.baseUrl}${callbackPath}`;

  router.get('/login', async (req, res) => {
    const configuration = await oidc.configuration();
    const codeVerifier = client.randomPKCECodeVerifier();
    const codeChallenge = await client.calculatePKCECodeChallenge(codeVerifier);
    const state = client.randomState();
    const nonce = client.randomNonce();
    const authorizationUrl = client.buildAuthorizationUrl(configuration, {
      redirect_uri: redirectUri,
      scope,
      code_challenge: codeChallenge,
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    // Keep the few most recent: enough for several tabs, never an unbounded pile.
    const pending = Object.values(req.session.pendingLogins ?? {})
      .sort((a, b) => b.startedAt - a.startedAt)
      .slice(0, maxPendingLogins - 1);
    req.session.pendingLogins = Object.fromEntries([
      ...pending.map((login) => [login.state, login] as const),
      [
        state,
        {
          codeVerifier,
          state,
          nonce,
          returnTo: safeReturnTo(req.query.returnTo),
          authorizationUrl: authorizationUrl.href,
          startedAt: Date.now(),
        },
      ],
    ]);
    await saveSession(req);
    res.redirect(authorizationUrl.href);
  });

  router.get(callbackPath, async (req, res) => {
    const pendingLogins = req.session.pendingLogins ?? {};
    const returnedState = typeof req.query.state === 'string' ? req.query.state : '';
    const pending = Object.hasOwn(pendingLogins, returnedState)
      ? pendingLogins[returnedState]
      : undefined;
    if (!pending) {
      if (Object.keys(pendingLogins).length === 0) {
        throw new HttpError(
          400,
          'no_login_in_progress',
          'There is no sign-in in progress in this browser.',
        );
      }
      // A callback that answers none of this browser's requests: forged, or from elsewhere.
      throw new HttpError(
        400,
        'state_mismatch',
        'The state returned does not match any sign-in started here.',
      );
    }
    // Single use, success or failure: a spent state, nonce and verifier are never tried again.
    delete pendingLogins[returnedState];
    req.session.pendingLogins = pendingLogins;
    const configuration = await oidc.configuration();
    // The registered redirect URI with the query the provider sent: never the Host header, and
    // right even when the app lives under a path behind a proxy.
    const currentUrl = new URL(redirectUri);
    currentUrl.search = new URL(req.originalUrl, 'http://callback.invalid').search;
    let tokens;
    try {
      tokens = await client.authorizationCodeGrant(configuration, currentUrl, {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
    } catch (error) {
      if (!isProviderUnreachable(error)) throw error;
      // No token answer came back, so the code is unspent as far as the app knows: keep
      // this sign-in, so trying again finishes it (the provider refuses a spent code).
      pendingLogins[returnedState] = pending;
      req.session.pendingLogins = pendingLogins;
      throw providerUnreachable(config.issuer, { cause: error });
    }
    const claims: Record<string, unknown> = { ...tokens.claims() };
    let userinfo;
    let flow;
    try {
      userinfo = await client.fetchUserInfo(configuration, tokens.access_token, String(claims.sub));
      flow = await recordFlow(config, oidc, configuration, pending, currentUrl, tokens, userinfo);
    } catch (error) {
      if (!isProviderUnreachable(error)) throw error;
      // The code is spent now: a retry of this callback could only fail; sign in afresh.
      throw providerUnreachable(config.issuer, { cause: error, retryUrl: '/login' });
    }

    // A new session id at sign-in, so a session id planted before it is worth nothing.
    await regenerateSession(req);
    // Sign-ins still under way in other tabs carry over to the new session.
    if (Object.keys(pendingLogins).length) req.session.pendingLogins = pendingLogins;
    req.session.user = {
      sub: String(claims.sub),
      name: String(userinfo.name ?? claims.name ?? claims.sub),
      email: typeof userinfo.email === 'string' ? userinfo.email : undefined,
      groups: Array.isArray(claims.groups) ? claims.groups.map(String) : [],
      idTokenClaims: { ...claims },
      userinfo: { ...userinfo },
    };
    req.session.tokens = toTokenSet(tokens);
    req.session.flow = flow;
    await saveSession(req);
    res.redirect(pending.returnTo);
  });

  router.post('/logout', urlencoded({ extended: false }), requireCsrf, async (req, res) => {
    const configuration = await oidc.configuration();
    const idToken = req.session.tokens?.idToken;
    await destroySession(req);
    res.clearCookie('demo.sid');
    if (!idToken) return res.redirect('/');
    const endSession = client.buildEndSessionUrl(configuration, {
      id_token_hint: idToken,
      post_logout_redirect_uri: `${config.baseUrl}/`,
    });
    // Sending the browser to a provider that is down would strand it on a browser error page.
    if (!(await answers(configuration.serverMetadata().issuer))) {
      throw providerUnreachable(config.issuer, {
        description: `You are signed out of this app, but the identity provider at ${config.issuer} cannot be reached, so your session there may still be open.`,
        retryUrl: endSession.href,
      });
    }
    res.redirect(endSession.href);
  });

  return router;
}

/** Pages that need a signed-in user; they keep the access token fresh while they are used. */
export function requireLogin(oidc: Oidc, issuer: string) {
  return async (req: Request, res: Response, next: NextFunction) => {
    if (!req.session.user || !req.session.tokens) {
      return res.redirect(`/login?returnTo=${encodeURIComponent(req.originalUrl)}`);
    }
    // A signed-in page must not come back from the cache after logout (Back button).
    res.set('cache-control', 'no-store');
    const tokens = req.session.tokens;
    if (tokens.expiresAt - Date.now() > 60_000) return next();
    try {
      if (!tokens.refreshToken) throw new RefreshRefused();
      const refreshed = await client
        .refreshTokenGrant(await oidc.configuration(), tokens.refreshToken)
        .catch((error: unknown) => {
          throw isProviderUnreachable(error)
            ? providerUnreachable(issuer, { cause: error })
            : error;
        });
      const renewed = toTokenSet(refreshed);
      req.session.tokens = {
        ...renewed,
        // Okta may leave these out of a refresh response; the ones we have stay valid.
        refreshToken: renewed.refreshToken ?? tokens.refreshToken,
        idToken: renewed.idToken || tokens.idToken,
      };
      return next();
    } catch (error) {
      // Only a refused refresh ends the session; a provider blip is an error page, not a logout.
      const refused =
        error instanceof RefreshRefused ||
        (error instanceof client.ResponseBodyError && error.error === 'invalid_grant');
      if (!refused) throw error;
      await destroySession(req);
      res.redirect('/?notice=session_expired');
    }
  };
}

class RefreshRefused extends Error {}

/** Whether the provider answers at all (any status), within a few seconds. */
async function answers(issuer: string): Promise<boolean> {
  try {
    await fetch(`${issuer}/.well-known/openid-configuration`, {
      method: 'HEAD',
      signal: AbortSignal.timeout(3_000),
    });
    return true;
  } catch {
    return false;
  }
}

function toTokenSet(
  tokens: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers,
): TokenSet {
  return {
    accessToken: tokens.access_token,
    idToken: tokens.id_token ?? '',
    refreshToken: tokens.refresh_token,
    expiresAt: Date.now() + (tokens.expiresIn() ?? 300) * 1000,
    scope: tokens.scope,
  };
}

async function recordFlow(
  config: AppConfig,
  oidc: Oidc,
  configuration: client.Configuration,
  pending: PendingLogin,
  callbackUrl: URL,
  tokens: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers,
  userinfo: client.UserInfoResponse,
): Promise<FlowRecord> {
  const metadata = configuration.serverMetadata();
  const authorizationUrl = new URL(pending.authorizationUrl);
  const keys = await oidc.keys();
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
        redirect_uri: `${config.baseUrl}${callbackPath}`,
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

const saveSession = (req: Request) =>
  new Promise<void>((resolve, reject) =>
    req.session.save((error) => (error ? reject(error) : resolve())),
  );
const regenerateSession = (req: Request) =>
  new Promise<void>((resolve, reject) =>
    req.session.regenerate((error) => (error ? reject(error) : resolve())),
  );
const destroySession = (req: Request) =>
  new Promise<void>((resolve, reject) =>
    req.session.destroy((error) => (error ? reject(error) : resolve())),
  );
