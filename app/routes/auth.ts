/**
 * Sign-in the reference way: a fresh PKCE verifier, state and nonce for every redirect, all
 * three checked at the callback, the session regenerated on success, and logout as a
 * CSRF-protected POST that ends the provider session too. Step-up is the same sign-in with
 * acr_values, the acr of the ID token it brings back checked. (The pages' guard, which
 * refreshes tokens, is require-login.ts; what the flow inspector shows is flow-record.ts.)
 */
import { type Request, type Response, Router, urlencoded } from 'express';
import * as client from 'openid-client';
import type { AppConfig } from '../config.js';
import { requireCsrf } from '../csrf.js';
import { HttpError } from '../errors.js';
import { recordFlow, recordLogout } from '../flow-record.js';
import type { Oidc } from '../oidc.js';
import { isProviderUnreachable, providerUnreachable } from '../provider-outage.js';
import {
  destroySession,
  type PendingLogin,
  regenerateSession,
  saveSession,
  toTokenSet,
} from '../session.js';
import { adminAcr } from '../teams.js';

export const scope = 'openid profile email groups offline_access';
const maxPendingLogins = 5;
export const callbackPath = '/authorization-code/callback';
/** Starts a sign-in that asks for a second factor, then returns to `returnTo`. */
export const stepUpPath = '/step-up';

export const stepUpUrl = (returnTo: string) =>
  `${stepUpPath}?returnTo=${encodeURIComponent(returnTo)}`;

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

/**
 * The sign-in this browser started that a callback's state answers; a state that answers none
 * is refused (the lesson's "what if the state changed" runs this same check).
 */
export function pendingLoginFor(
  pendingLogins: Record<string, PendingLogin>,
  returnedState: string,
): PendingLogin {
  const pending = Object.hasOwn(pendingLogins, returnedState)
    ? pendingLogins[returnedState]
    : undefined;
  if (pending) return pending;
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

/**
 * The callback's acr check for a sign-in that asked for `acrValues`. openid-client does not
 * check acr: a request with acr_values is only a request (a proxy, or the user editing the URL,
 * can drop it). Refused here, the session stays as it was (the lesson runs this same check).
 */
export function checkAcr(acrValues: string | undefined, claims: Record<string, unknown>): void {
  if (acrValues !== undefined && claims.acr !== acrValues) {
    throw new HttpError(
      403,
      'insufficient_authentication_context',
      `The sign-in came back without the level asked for: acr "${String(claims.acr ?? 'none')}" instead of "${acrValues}".`,
    );
  }
}

export function createAuthRouter(config: AppConfig, oidc: Oidc): Router {
  const router = Router();
  const redirectUri = `${config.baseUrl}${callbackPath}`;

  /**
   * Sends the browser to the provider with a fresh PKCE verifier, state and nonce, kept in the
   * session under the state; with `acrValues`, asks for that authentication level too.
   */
  async function startAuthorization(
    req: Request,
    res: Response,
    options: { returnTo: string; acrValues?: string },
  ) {
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
      ...(options.acrValues ? { acr_values: options.acrValues } : {}),
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
          returnTo: options.returnTo,
          ...(options.acrValues ? { acrValues: options.acrValues } : {}),
          authorizationUrl: authorizationUrl.href,
          startedAt: Date.now(),
        },
      ],
    ]);
    await saveSession(req);
    res.redirect(authorizationUrl.href);
  }

  router.get('/login', async (req, res) => {
    await startAuthorization(req, res, { returnTo: safeReturnTo(req.query.returnTo) });
  });

  // Step-up: the same request with acr_values, so the provider asks for a second factor (only
  // that, when its session already has the password). The callback checks the acr it gets.
  router.get(stepUpPath, async (req, res) => {
    const returnTo = safeReturnTo(req.query.returnTo);
    if (req.session.user?.idTokenClaims.acr === adminAcr) return res.redirect(returnTo);
    await startAuthorization(req, res, { returnTo, acrValues: adminAcr });
  });

  router.get(callbackPath, async (req, res) => {
    const pendingLogins = req.session.pendingLogins ?? {};
    const returnedState = typeof req.query.state === 'string' ? req.query.state : '';
    const pending = pendingLoginFor(pendingLogins, returnedState);
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
    checkAcr(pending.acrValues, claims);
    let userinfo;
    let flow;
    try {
      userinfo = await client.fetchUserInfo(configuration, tokens.access_token, String(claims.sub));
      flow = await recordFlow({
        config,
        oidc,
        configuration,
        pending,
        redirectUri,
        callbackUrl: currentUrl,
        tokens,
        userinfo,
      });
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
    // Spent now; kept (never shown) so the lesson can replay it against the real provider.
    const spentCode = currentUrl.searchParams.get('code');
    if (spentCode) req.session.spentCode = spentCode;
    await saveSession(req);
    res.redirect(pending.returnTo);
  });

  router.post('/logout', urlencoded({ extended: false }), requireCsrf, async (req, res) => {
    const configuration = await oidc.configuration();
    const idToken = req.session.tokens?.idToken;
    const flow = req.session.flow;
    const endSession = idToken
      ? client.buildEndSessionUrl(configuration, {
          id_token_hint: idToken,
          post_logout_redirect_uri: `${config.baseUrl}/`,
          // Comes back on the redirect: the app knows the provider ended its session.
          state: client.randomState(),
        })
      : undefined;
    if (flow && endSession) {
      // A new, signed-out session that keeps only the lesson of the sign-in that just ended.
      await regenerateSession(req);
      req.session.endedSignIn = recordLogout(flow, { endSessionUrl: endSession });
      await saveSession(req);
    } else {
      await destroySession(req);
      res.clearCookie('demo.sid');
    }
    if (!endSession) return res.redirect('/');
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
