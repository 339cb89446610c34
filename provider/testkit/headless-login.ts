/**
 * Signs a seeded user in through the real Authorization Code + PKCE flow over HTTP, without a
 * browser: authorize, the login page's one-click picker (or, when the hosted page is Okta's
 * Sign-In Widget, the IDX calls it makes), consent if the client needs it, the redirect back,
 * and the token exchange.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Seed, SeedClient } from '../../seed/schema.js';
import { findUser } from '../../seed/users.js';
import { totp } from '../okta/index.js';
import { CookieJar, type HttpResponse, sendRequest } from './http-request.js';
import { HeadlessLoginError } from './login-error.js';
import { signInThroughWidget, widgetStateToken } from './widget-sign-in.js';

export { HeadlessLoginError };

export interface HeadlessLoginOptions {
  /** A seeded user's id or login. */
  user: string;
  /** A seeded client id; defaults to the first client with a redirect URI that needs no consent. */
  client?: string;
  /** Defaults to "openid profile email". */
  scope?: string;
  /** Defaults to the client's first redirect URI. */
  redirectUri?: string;
  /** For clients with a consent page: what the user answers. Defaults to "allow". */
  consent?: 'allow' | 'deny';
  /** More authorization request parameters (prompt, login_hint, max_age, ...). */
  params?: Record<string, string>;
  /** Which authorization server to sign in at, by id; defaults to the first. */
  authorizationServer?: string;
  /**
   * When a second factor is asked for (the client's policy, `acr_values`): which of the user's
   * authenticators to use; the first one by default.
   */
  factor?: 'google_otp' | 'okta_email' | 'phone_number';
  /** The code to enter; by default the kit computes Google Authenticator's or reads the outbox. */
  otp?: string;
}

export interface TokenResponse {
  access_token: string;
  token_type: string;
  expires_in: number;
  scope?: string;
  id_token?: string;
  refresh_token?: string;
  [name: string]: unknown;
}

export interface HeadlessLoginResult {
  tokens: TokenResponse;
  /** Where the provider sent the browser back to, with code and state. */
  redirectUrl: string;
  codeVerifier: string;
  state: string;
  nonce: string;
}

const random = () => randomBytes(32).toString('base64url');

/** Where an issuer's /v1/* endpoints are: under it, or under /oauth2 for the org's (the origin). */
function endpointsOf(issuer: string): string {
  const url = new URL(issuer);
  return url.pathname === '/' ? `${url.origin}/oauth2` : issuer.replace(/\/$/, '');
}

export async function headlessLogin(
  context: {
    issuer: string;
    seed: Seed;
    ca?: string | undefined;
    /** The newest code sent to `to` (the outbox), for email and SMS factors. */
    latestCode?: ((to: string) => Promise<string | undefined>) | undefined;
  },
  options: HeadlessLoginOptions,
): Promise<HeadlessLoginResult> {
  const { issuer, seed, ca } = context;
  const user = seededUser(seed, options.user);
  const client = findClient(seed, options.client);
  const redirectUri = options.redirectUri ?? client.redirect_uris[0];
  if (!redirectUri) throw new Error(`client ${client.client_id} has no redirect URI`);

  const codeVerifier = random();
  const state = random();
  const nonce = random();
  const authorize = new URL(`${endpointsOf(issuer)}/v1/authorize`);
  authorize.search = new URLSearchParams({
    client_id: client.client_id,
    response_type: 'code',
    redirect_uri: redirectUri,
    scope: options.scope ?? 'openid profile email',
    state,
    nonce,
    code_challenge: createHash('sha256').update(codeVerifier).digest('base64url'),
    code_challenge_method: 'S256',
    ...options.params,
  }).toString();

  const jar = new CookieJar();
  const request = async (url: string, form?: Record<string, string>) => {
    const response = await sendRequest(url, {
      method: form ? 'POST' : 'GET',
      headers: {
        accept: 'text/html',
        cookie: jar.header(),
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      body: form ? new URLSearchParams(form).toString() : undefined,
      ca,
    });
    jar.store(response.headers['set-cookie']);
    return response;
  };

  /** The code for the factor being verified: given, computed (TOTP) or read (outbox). */
  const codeFor = async (factor: string): Promise<string> => {
    if (options.otp !== undefined) return options.otp;
    const authenticator = user.authenticators.find((candidate) => candidate.key === factor);
    if (authenticator?.key === 'google_otp') return nextTotp(user.id, authenticator.secret);
    const to =
      authenticator?.key === 'phone_number'
        ? authenticator.phoneNumber
        : authenticator?.key === 'okta_email'
          ? (authenticator.email ?? user.email)
          : undefined;
    const code = to && (await context.latestCode?.(to));
    if (!code) throw new HeadlessLoginError('otp_required', `pass the ${factor} code as otp`);
    return code;
  };

  let url = authorize.href;
  let response = await request(url);
  let chosenFactor: string | undefined;
  for (let step = 0; step < 20; step += 1) {
    const location = header(response, 'location');
    if (location) {
      url = new URL(location, url).href;
      if (url.startsWith(redirectUri)) return finish(url);
      response = await request(url);
      continue;
    }
    if (response.status !== 200) throw errorFromPage(response);
    const widget = widgetStateToken(response.body);
    if (widget) {
      url = await signInThroughWidget({
        widget,
        user,
        factor: options.factor,
        codeFor,
        postJson: (target, body) =>
          sendRequest(target, {
            method: 'POST',
            headers: {
              accept: 'application/json',
              'content-type': 'application/json',
              cookie: jar.header(),
            },
            body: JSON.stringify(body),
            ca,
          }),
      });
      response = await request(url);
      continue;
    }
    const csrf = /name="csrf" value="([^"]*)"/.exec(response.body)?.[1];
    const login = actionEndingWith(response.body, '/login');
    const confirm = actionEndingWith(response.body, '/confirm');
    const abort = actionEndingWith(response.body, '/abort');
    const verifying = /name="step" value="verify"/.test(response.body);
    if (csrf && login && /name="step" value="select"/.test(response.body)) {
      const offered = [...response.body.matchAll(/name="authenticator"\s+value="([^"]+)"/g)].map(
        (match) => match[1] ?? '',
      );
      chosenFactor = options.factor ?? offered[0];
      if (!chosenFactor || !offered.includes(chosenFactor)) {
        throw new HeadlessLoginError(
          'factor_not_enrolled',
          `${user.login} has no ${options.factor ?? 'second factor'} (offered: ${offered.join(', ') || 'none'})`,
        );
      }
      response = await request(new URL(login, url).href, {
        csrf,
        step: 'select',
        authenticator: chosenFactor,
      });
    } else if (csrf && login && verifying && chosenFactor) {
      response = await request(new URL(login, url).href, {
        csrf,
        step: 'verify',
        'credentials.passcode': await codeFor(chosenFactor),
      });
    } else if (csrf && login) {
      response = await request(new URL(login, url).href, { csrf, user_id: user.id });
    } else if (csrf && confirm && abort) {
      const answer = options.consent === 'deny' ? abort : confirm;
      response = await request(new URL(answer, url).href, { csrf });
    } else {
      throw new Error(`unexpected page at ${url} during headless login`);
    }
  }
  throw new Error('headless login took too many steps');

  async function finish(redirectUrl: string): Promise<HeadlessLoginResult> {
    const params = new URL(redirectUrl).searchParams;
    const error = params.get('error');
    if (error)
      throw new HeadlessLoginError(
        error,
        params.get('error_description') ?? undefined,
        redirectUrl,
      );
    if (params.get('state') !== state) throw new Error('state mismatch in the redirect');
    const code = params.get('code');
    if (!code) throw new Error(`no code in the redirect ${redirectUrl}`);
    const body = new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri ?? '',
      code_verifier: codeVerifier,
    });
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    };
    if (client.token_endpoint_auth_method === 'client_secret_basic') {
      const credentials = `${encodeURIComponent(client.client_id)}:${encodeURIComponent(client.client_secret ?? '')}`;
      headers.authorization = `Basic ${Buffer.from(credentials).toString('base64')}`;
    } else {
      body.set('client_id', client.client_id);
      if (client.client_secret) body.set('client_secret', client.client_secret);
    }
    const token = await sendRequest(`${endpointsOf(issuer)}/v1/token`, {
      method: 'POST',
      headers,
      body: body.toString(),
      ca,
    });
    const parsed = JSON.parse(token.body) as TokenResponse & {
      error?: string;
      error_description?: string;
    };
    if (token.status !== 200) {
      throw new HeadlessLoginError(
        parsed.error ?? 'server_error',
        parsed.error_description,
        redirectUrl,
      );
    }
    return { tokens: parsed, redirectUrl, codeVerifier, state, nonce };
  }
}

// The last TOTP step this process used for each user. A code is good once, and the provider
// takes one step either side of now: so each sign-in takes the next unused step.
const lastTotpStep = new Map<string, number>();

function nextTotp(userId: string, secret: string): string {
  const now = Math.floor(Date.now() / 1000 / 30);
  const step = Math.max(now - 1, (lastTotpStep.get(userId) ?? now - 2) + 1);
  if (step > now + 1) {
    throw new HeadlessLoginError(
      'otp_exhausted',
      'every Google Authenticator code the provider accepts now was used; sign in again in 30 s',
    );
  }
  lastTotpStep.set(userId, step);
  return totp(secret, step * 30);
}

export function seededUser(seed: Seed, user: string) {
  const found = findUser(seed.users, user);
  if (!found) throw new Error(`no seeded user "${user}"`);
  return found;
}

export function findClient(seed: Seed, clientId?: string): SeedClient {
  const found = clientId
    ? seed.clients.find((candidate) => candidate.client_id === clientId)
    : (seed.clients.find(
        (candidate) =>
          candidate.grant_types.includes('authorization_code') &&
          candidate.redirect_uris.length > 0 &&
          !candidate.consentRequired,
      ) ?? seed.clients[0]);
  if (!found)
    throw new Error(clientId ? `no seeded client "${clientId}"` : 'the seed has no clients');
  return found;
}

function header(response: HttpResponse, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function actionEndingWith(body: string, suffix: string): string | undefined {
  for (const match of body.matchAll(/<form\b[^>]*action="([^"]+)"/g)) {
    const action = (match[1] ?? '').replace(/&amp;/g, '&');
    if (action.endsWith(suffix)) return action;
  }
  return undefined;
}

function errorFromPage(response: HttpResponse): HeadlessLoginError {
  const code = /<dt>error<\/dt>\s*<dd><code>([^<]*)<\/code>/.exec(response.body)?.[1];
  // The sign-in page says what was wrong (a code, a password) in its alert.
  const alert = /role="alert">([^<]*)</.exec(response.body)?.[1];
  if (!code && alert) return new HeadlessLoginError(`http_${response.status}`, alert.trim());
  const description = /<dt>error_description<\/dt>\s*<dd>([^<]*)<\/dd>/.exec(response.body)?.[1];
  return new HeadlessLoginError(code ?? `http_${response.status}`, description);
}
