/**
 * The lesson's "What if…" lab: the learner's own sign-in replayed with one thing wrong, against
 * the real component that refuses it (the app's state check, the provider's token and
 * authorization endpoints, the demo API), with the request and the answer shown. Nothing here
 * touches the learner's session: the requests are made by the app, with copies of its values.
 */
import { decodeJwt, decodeProtectedHeader } from 'jose';
import * as client from 'openid-client';
import type { AppConfig } from './config.js';
import { shorten, type FlowRecord } from './flow-record.js';
import { HttpError } from './http-error.js';
import type { Oidc } from './oidc.js';
import { describeError } from './errors.js';
import { needsRefresh } from './require-login.js';
import { BearerError } from './bearer-error.js';
import { checkTeamAccess } from './routes/api.js';
import { checkAcr, pendingLoginFor, stepUpUrl } from './routes/auth.js';
import type { TokenSet } from './session.js';
import { adminAcr, type TeamDirectory } from './teams.js';

export interface WhatIf {
  id: string;
  title: string;
  /** The spec section behind the refusal (a key of spec-links.ts). */
  spec: string;
  /** What the lab does, honestly. */
  how: string;
  /** The attack the refusal stops. */
  attack: string;
  /** Runs only after a confirm step, and the learner is signed out afterwards. */
  endsSignIn?: boolean;
}

export const whatIfs: readonly WhatIf[] = [
  {
    id: 'state',
    title: 'What if the state in the callback changed?',
    spec: 'csrf',
    how: 'Your callback, with its state replaced, goes through the same check the callback route runs against the sign-ins this browser started.',
    attack:
      "Login CSRF: an attacker starts a sign-in with their own account, stops at the callback, and gets your browser to open it. Without the state check you would be signed in to the attacker's account and might type your expenses into it. The state ties every callback to a request this browser made, so a callback started elsewhere is refused.",
  },
  {
    id: 'code_verifier',
    title: 'What if the code_verifier were wrong?',
    spec: 'code_injection',
    how: "The app sends your sign-in's authorization code (already spent) to the real token endpoint, with its client credentials and a fresh random code_verifier instead of yours. The provider checks PKCE before it looks at whether the code was spent, so within the code's five minutes its refusal is the PKCE check (after them, the expiry check refuses first). Either way the answer is invalid_grant, worded generically: it tells a thief nothing about which check failed. (Sending the right verifier would be a second use of the code, and the provider would then revoke the tokens of your sign-in, as RFC 6749 §4.1.2 asks; the lab does not do that to your session.)",
    attack:
      "Authorization code injection: a code stolen from a redirect (a log, a Referer, a malicious app on the same device) is worthless without the verifier, which never left this server. Even the app's client secret does not help the thief.",
  },
  {
    id: 'nonce',
    title: "What if the ID token's nonce did not match?",
    spec: 'nonce',
    how: "The app hands your real ID token to openid-client's own token response validation, the one the callback runs, twice: once expecting the nonce your sign-in sent, once expecting a fresh random nonce instead. Nothing goes over the network: the token endpoint's answer is your sign-in's tokens, served from memory.",
    attack:
      "ID token replay: an ID token stolen from another sign-in (a log, a shared device, an attacker's own session with this client) cannot be slipped into yours. The nonce is a random value this browser's sign-in sent in the authorization request and the provider copied into the ID token; a token whose nonce is not the one this sign-in sent was issued for some other request, and the app refuses it.",
  },
  {
    id: 'expired',
    title: "What if the clock moved past the token's exp?",
    spec: 'exp',
    how: "The app checks your real access token the way its expenses API does (signature, issuer, audience, expiry, with jose's jwtVerify), with the current time moved a minute past the token's exp; and asks its own pages' guard what it would do at that time. Only the check's clock moves: the provider's and yours do not. (Understudy's control API can move the provider's clock too, POST /__understudy/clock, which is how its tests expire tokens for real.)",
    attack:
      "A stolen or leaked token used forever: an access token is a bearer credential, so whoever holds it is you until it expires. The exp claim bounds the damage to the token's lifetime (an hour here, as in Okta); a resource server that skipped the check would accept a token leaked last year. The app does not wait for the refusal: it refreshes a minute before exp.",
  },
  {
    id: 'api_tokens',
    title: 'What if the API got the wrong token?',
    spec: 'invalid_token',
    how: 'The app calls its own expenses API three times: with your ID token instead of your access token, with your access token re-signed as "alg": "none" (no signature), and with your access token under a "kid" the provider never published.',
    attack:
      'Token substitution and forgery: an ID token is proof of sign-in for this client, not permission to call an API (its audience is the client, not the API). A token with alg "none" or a key the provider never published is one anyone could have made. The API accepts only RS256 tokens signed by a key in the provider\'s JWKS, for its own audience.',
  },
  {
    id: 'redirect_uri',
    title: 'What if the redirect_uri were not registered?',
    spec: 'redirect_validation',
    how: 'The app asks the real authorization endpoint for a code for this client, as your sign-in did, but with redirect_uri https://attacker.example/callback, and does not follow any redirect.',
    attack:
      'Code theft through the redirect: if the provider sent codes to any redirect_uri, a link made by an attacker would deliver your code to them. The provider compares the redirect_uri with the registered ones exactly and, when it does not match, shows an error page itself instead of redirecting anywhere.',
  },
  {
    id: 'acr',
    title: 'What if a one-factor sign-in opened the step-up page?',
    spec: 'acr',
    how: "The app runs its own acr checks on your real tokens: the callback's check for a step-up sign-in (the ID token's acr must be the level asked for with acr_values), the team pages' rule (an admin sees other teams only with a second factor), and its expenses API with your real access token: over HTTP, where a web app's token is refused for scope first (the expenses:read scope is the single-page app's), then the API's acr rule on the same verified token. When your acr already shows a second factor, the first two run on a copy of your claims with a one-factor acr, and say so.",
    attack:
      'A step-up skipped: acr_values in the authorization request is only a request: a proxy, a browser extension or the user can remove it from the URL, and the provider then signs in with the password alone. Unless the app checks the acr the ID token brings back, and the API the acr of the access token, a stolen password would open what was meant to need a second factor.',
  },
];

/**
 * The code used a second time: kept out of `whatIfs` (its own route, behind a confirm step),
 * since the provider answers a replayed code by revoking the tokens of the learner's sign-in.
 */
export const codeReplay: WhatIf = {
  id: 'code_replay',
  title: 'What if the authorization code were used a second time?',
  spec: 'code_reuse',
  how: "The app sends your sign-in's authorization code, already spent at the callback, to the real token endpoint again, exactly as the callback did: its client credentials, your redirect_uri and your own code_verifier. Then it asks the provider's introspection endpoint whether your access token is still active, and tries your refresh token. Within the code's five minutes the provider recognises the replay and revokes everything it issued for your sign-in; after them it refuses the code as expired and revokes nothing. Either way this app then signs you out. (Revoked, your access token still carries a valid signature until its exp: an API that checks only the signature, like this app's, would take it until then. Introspection is how a resource server hears of a revocation.)",
  attack:
    "A stolen code raced against its owner: if an attacker gets a code and redeems it first, the owner's own redemption becomes the second use. The provider cannot tell which party is genuine, so it refuses the code and revokes the tokens already issued with it (RFC 6749 §4.1.2): the attacker's tokens stop working too.",
  endsSignIn: true,
};

export interface Exchange {
  label: string;
  request: { method: string; url: string; fields: Record<string, string> };
  response: { status: number; fields: Record<string, string> };
}

export interface WhatIfResult {
  whatIf: WhatIf;
  exchanges: Exchange[];
  /** The refusal codes seen, one per exchange (e.g. state_mismatch, invalid_grant). */
  refusals: string[];
}

export interface LabContext {
  config: AppConfig;
  oidc: Oidc;
  flow: FlowRecord;
  tokens: TokenSet;
  spentCode: string | undefined;
  teams: TeamDirectory;
  /** The demo API's access token check (routes/api.ts), with the time it checks at. */
  verifyAccessToken: (token: string, now?: Date) => Promise<Record<string, unknown>>;
}

/** The level a password alone gives in Okta: what the lab puts in place of a 2fa acr. */
export const oneFactorAcr = 'urn:okta:loa:1fa:pwd';

/** HTTP Basic client authentication, as openid-client sends it (RFC 6749 §2.3.1). */
function basicAuth(config: AppConfig): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(config.clientId)}:${encodeURIComponent(config.clientSecret)}`).toString('base64')}`;
}

async function postForm(
  config: AppConfig,
  endpoint: string,
  form: Record<string, string>,
): Promise<Response> {
  return fetch(endpoint, {
    method: 'POST',
    headers: {
      authorization: basicAuth(config),
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    },
    body: new URLSearchParams(form),
    signal: AbortSignal.timeout(5_000),
  });
}

export function findWhatIf(id: string): WhatIf | undefined {
  return whatIfs.find((whatIf) => whatIf.id === id);
}

export async function runWhatIf(whatIf: WhatIf, lab: LabContext): Promise<WhatIfResult> {
  const exchanges = await runners[whatIf.id as keyof typeof runners](lab);
  return {
    whatIf,
    exchanges,
    refusals: exchanges.map(
      (exchange) => exchange.response.fields.error ?? String(exchange.response.status),
    ),
  };
}

const runners = {
  async code_replay(lab: LabContext): Promise<Exchange[]> {
    const metadata = (await lab.oidc.configuration()).serverMetadata();
    const tokenEndpoint = metadata.token_endpoint ?? '';
    const introspection = metadata.introspection_endpoint ?? '';
    const redirectUri = lab.flow.tokenRequest.params.redirect_uri ?? '';
    const clientAuth = `Basic (client_id ${lab.config.clientId}, client_secret ••••••••)`;
    const answerOf = async (answer: Response) => ({
      status: answer.status,
      fields: await jsonFields(answer),
    });
    const replay = await answerOf(
      await postForm(lab.config, tokenEndpoint, {
        grant_type: 'authorization_code',
        code: lab.spentCode ?? '',
        redirect_uri: redirectUri,
        code_verifier: lab.flow.pkce.codeVerifier,
      }),
    );
    const introspected = await answerOf(
      await postForm(lab.config, introspection, {
        token: lab.tokens.accessToken,
        token_type_hint: 'access_token',
      }),
    );
    const refreshed = lab.tokens.refreshToken
      ? await answerOf(
          await postForm(lab.config, tokenEndpoint, {
            grant_type: 'refresh_token',
            refresh_token: lab.tokens.refreshToken,
          }),
        )
      : { status: 0, fields: { result: '(no refresh token to try)' } };
    // Never show a token the refresh might still have returned.
    for (const name of ['access_token', 'id_token', 'refresh_token']) {
      if (refreshed.fields[name]) refreshed.fields[name] = shorten(refreshed.fields[name], 6);
    }
    return [
      {
        label: 'The token request again, with your spent code and your own code_verifier',
        request: {
          method: 'POST',
          url: tokenEndpoint,
          fields: {
            authorization: clientAuth,
            grant_type: 'authorization_code',
            code: shorten(lab.spentCode),
            redirect_uri: redirectUri,
            code_verifier: `${lab.flow.pkce.codeVerifier} (yours)`,
          },
        },
        response: replay,
      },
      {
        label: 'Introspection: is your access token still active?',
        request: {
          method: 'POST',
          url: introspection,
          fields: {
            authorization: clientAuth,
            token: `${shorten(lab.tokens.accessToken, 24)} (your access token)`,
            token_type_hint: 'access_token',
          },
        },
        response: introspected,
      },
      {
        label: 'Your refresh token, tried',
        request: {
          method: 'POST',
          url: tokenEndpoint,
          fields: {
            authorization: clientAuth,
            grant_type: 'refresh_token',
            refresh_token: shorten(lab.tokens.refreshToken, 6),
          },
        },
        response: refreshed,
      },
    ];
  },

  async state(lab: LabContext): Promise<Exchange[]> {
    const tampered = `${lab.flow.state.sent.slice(0, -4)}XXXX`;
    const callback = new URL(lab.flow.callback.url);
    callback.search = new URLSearchParams({
      ...lab.flow.callback.params,
      state: tampered,
    }).toString();
    // The sign-in this browser started, as the callback route finds it in the session.
    const started = {
      [lab.flow.state.sent]: {
        state: lab.flow.state.sent,
        nonce: lab.flow.nonce.sent,
        codeVerifier: lab.flow.pkce.codeVerifier,
        authorizationUrl: '',
        returnTo: '/dashboard',
        startedAt: 0,
      },
    };
    let response: Exchange['response'];
    try {
      pendingLoginFor(started, tampered);
      response = { status: 200, fields: { result: 'accepted (this should not happen)' } };
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      response = {
        status: error.status,
        fields: { error: error.code, error_description: error.message },
      };
    }
    return [
      {
        label: 'The callback, state changed',
        request: {
          method: 'GET',
          url: `${callback.origin}${callback.pathname}`,
          fields: {
            ...lab.flow.callback.params,
            state: tampered,
            'state this browser sent': lab.flow.state.sent,
          },
        },
        response,
      },
    ];
  },

  async code_verifier(lab: LabContext): Promise<Exchange[]> {
    const configuration = await lab.oidc.configuration();
    const endpoint = configuration.serverMetadata().token_endpoint ?? '';
    const wrongVerifier = client.randomPKCECodeVerifier();
    const redirectUri = lab.flow.tokenRequest.params.redirect_uri ?? '';
    const body = new URLSearchParams({
      grant_type: 'authorization_code',
      code: lab.spentCode ?? '',
      redirect_uri: redirectUri,
      code_verifier: wrongVerifier,
    });
    const answer = await fetch(endpoint, {
      method: 'POST',
      headers: {
        authorization: basicAuth(lab.config),
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body,
      signal: AbortSignal.timeout(5_000),
    });
    return [
      {
        label: 'The token request, wrong code_verifier',
        request: {
          method: 'POST',
          url: endpoint,
          fields: {
            authorization: `Basic (client_id ${lab.config.clientId}, client_secret ••••••••)`,
            grant_type: 'authorization_code',
            code: shorten(lab.spentCode),
            redirect_uri: redirectUri,
            code_verifier: `${wrongVerifier} (random; yours was ${shorten(lab.flow.pkce.codeVerifier)})`,
          },
        },
        response: { status: answer.status, fields: await jsonFields(answer) },
      },
    ];
  },

  async nonce(lab: LabContext): Promise<Exchange[]> {
    const configuration = await lab.oidc.configuration();
    const metadata = configuration.serverMetadata();
    const redirectUri = lab.flow.tokenRequest.params.redirect_uri ?? '';
    const idClaims = decodeJwt(lab.tokens.idToken);
    // The same validation as the callback's, on a configuration of its own whose "token
    // endpoint" is your sign-in's answer served from memory: no request leaves the app.
    const offline = new client.Configuration(
      metadata,
      lab.config.clientId,
      undefined,
      client.None(),
    );
    if (new URL(metadata.token_endpoint ?? lab.config.issuer).protocol === 'http:') {
      client.allowInsecureRequests(offline);
    }
    offline[client.customFetch] = async () =>
      Response.json({
        access_token: lab.tokens.accessToken,
        token_type: 'Bearer',
        id_token: lab.tokens.idToken,
        expires_in: Math.max(1, Math.round((lab.tokens.expiresAt - Date.now()) / 1000)),
      });
    const check = async (expectedNonce: string): Promise<Exchange['response']> => {
      const callback = new URL(redirectUri);
      callback.search = new URLSearchParams({
        ...lab.flow.callback.params,
        state: lab.flow.state.sent,
      }).toString();
      try {
        await client.authorizationCodeGrant(offline, callback, {
          pkceCodeVerifier: lab.flow.pkce.codeVerifier,
          expectedState: lab.flow.state.sent,
          expectedNonce,
          idTokenExpected: true,
        });
        return {
          status: 200,
          fields: { result: 'accepted: the ID token is valid for this sign-in' },
        };
      } catch (error) {
        const view = describeError(error);
        const cause =
          error instanceof Error && error.cause instanceof Error ? error.cause : undefined;
        return {
          status: view.status,
          fields: {
            error: view.code,
            error_description: view.description,
            ...(cause ? { 'openid-client cause': cause.message } : {}),
          },
        };
      }
    };
    const wrongNonce = client.randomNonce();
    const request = (expected: string, what: string): Exchange['request'] => ({
      method: 'validate',
      url: 'openid-client authorizationCodeGrant (ID token validation)',
      fields: {
        id_token: `${shorten(lab.tokens.idToken, 24)} (your ID token)`,
        'nonce in your ID token': String(idClaims.nonce ?? '(none)'),
        expectedNonce: `${expected} (${what})`,
      },
    });
    return [
      {
        label: 'Your ID token, expecting the nonce your sign-in sent',
        request: request(lab.flow.nonce.sent, 'the nonce this browser sent'),
        response: await check(lab.flow.nonce.sent),
      },
      {
        label: 'Your ID token, expecting a different nonce',
        request: request(wrongNonce, 'random: not the one your sign-in sent'),
        response: await check(wrongNonce),
      },
    ];
  },

  async expired(lab: LabContext): Promise<Exchange[]> {
    const exp = Number(decodeJwt(lab.tokens.accessToken).exp);
    const skewed = new Date((exp + 60) * 1000);
    const api = `${lab.config.baseUrl}/api/teams/…/expenses`;
    let response: Exchange['response'];
    try {
      await lab.verifyAccessToken(lab.tokens.accessToken, skewed);
      response = { status: 200, fields: { result: 'accepted (this should not happen)' } };
    } catch (error) {
      if (!(error instanceof BearerError)) throw error;
      response = {
        status: error.status,
        fields: {
          'www-authenticate': error.challenge(),
          error: error.code,
          error_description: error.message,
          ...(error.cause instanceof Error ? { 'jose says': error.cause.message } : {}),
        },
      };
    }
    const refresh = needsRefresh(lab.tokens, skewed.getTime());
    return [
      {
        label: "The API's check of your access token, its clock a minute past exp",
        request: {
          method: 'GET',
          url: api,
          fields: {
            authorization: `Bearer ${shorten(lab.tokens.accessToken, 24)} (your access token)`,
            exp: `${exp} (${new Date(exp * 1000).toISOString()})`,
            'the check\u2019s clock': `${skewed.toISOString()} (now is ${new Date().toISOString()})`,
          },
        },
        response,
      },
      {
        label: "The app's own check at that time, before it uses the token",
        request: {
          method: 'check',
          url: 'require-login.ts: needsRefresh(expiresAt, now)',
          fields: {
            expiresAt: new Date(lab.tokens.expiresAt).toISOString(),
            now: skewed.toISOString(),
          },
        },
        response: {
          status: refresh ? 200 : 500,
          fields: {
            result: refresh
              ? 'refresh first: the app would trade its refresh token for a new access token before calling the API, so you would never see the 401'
              : 'use the token (this should not happen)',
          },
        },
      },
    ];
  },

  async acr(lab: LabContext): Promise<Exchange[]> {
    const idClaims: Record<string, unknown> = { ...decodeJwt(lab.tokens.idToken) };
    const hasSecondFactor = idClaims.acr === adminAcr;
    const claims = hasSecondFactor ? { ...idClaims, acr: oneFactorAcr } : idClaims;
    const acrShown = hasSecondFactor
      ? `${oneFactorAcr} (a copy: yours is ${adminAcr})`
      : String(claims.acr ?? '(none)');
    const groups = Array.isArray(claims.groups) ? claims.groups.map(String) : [];

    let callbackAnswer: Exchange['response'];
    try {
      checkAcr(adminAcr, claims);
      callbackAnswer = { status: 200, fields: { result: 'accepted (this should not happen)' } };
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      callbackAnswer = {
        status: error.status,
        fields: { error: error.code, error_description: error.message },
      };
    }

    const team = lab.teams.all().find((candidate) => !groups.includes(candidate.group));
    const exchanges: Exchange[] = [
      {
        label: 'The callback of a step-up sign-in, one factor',
        request: {
          method: 'GET',
          url: `${lab.config.baseUrl}/authorization-code/callback`,
          fields: { acr_values: `${adminAcr} (asked for)`, 'acr in the ID token': acrShown },
        },
        response: callbackAnswer,
      },
    ];
    if (!team) return exchanges;

    const access = lab.teams.access({ groups, acr: claims.acr }, team);
    const page = `/team/${encodeURIComponent(team.id)}`;
    exchanges.push({
      label: `The ${team.label} page, one factor`,
      request: {
        method: 'GET',
        url: `${lab.config.baseUrl}${page}`,
        fields: { groups: groups.join(', ') || '(none)', acr: acrShown },
      },
      response:
        access === 'step_up'
          ? {
              status: 302,
              fields: { 'teams.access()': access, location: stepUpUrl(page) },
            }
          : access === 'forbidden'
            ? {
                status: 403,
                fields: {
                  'teams.access()': access,
                  error: 'forbidden',
                  why: 'not in the admin group, so no second factor would open it',
                },
              }
            : { status: 200, fields: { 'teams.access()': access } },
    });

    const api = `${lab.config.baseUrl}/api/teams/${encodeURIComponent(team.id)}/expenses`;
    const accessAcr = decodeJwt(lab.tokens.accessToken).acr;
    const answer = await fetch(api, {
      headers: { authorization: `Bearer ${lab.tokens.accessToken}`, accept: 'application/json' },
      signal: AbortSignal.timeout(5_000),
    });
    const challenge = answer.headers.get('www-authenticate');
    const body = await jsonFields(answer);
    exchanges.push({
      label:
        accessAcr === adminAcr
          ? `The expenses API for ${team.label}, your real access token (it has a second factor, so this one is not refused for its acr)`
          : `The expenses API for ${team.label}, your real access token`,
      request: {
        method: 'GET',
        url: api,
        fields: {
          authorization: `Bearer ${shorten(lab.tokens.accessToken, 24)} (your access token)`,
          'acr in it': String(accessAcr ?? '(none)'),
        },
      },
      response: {
        status: answer.status,
        fields: answer.ok
          ? { result: `${team.label}'s expenses (${body.total ?? '?'} in all)` }
          : { ...(challenge ? { 'www-authenticate': challenge } : {}), ...body },
      },
    });
    // The web app's tokens are for its pages (no expenses:read scope: the SPA's are), so the
    // API refuses them for scope before it looks at acr. Its acr rule, on the same token:
    const verified = await lab.verifyAccessToken(lab.tokens.accessToken);
    let rule: Exchange['response'];
    try {
      checkTeamAccess(lab.teams, team, verified);
      rule = { status: 200, fields: { result: `allowed: ${team.label}'s expenses` } };
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      rule = {
        status: error.status,
        fields: {
          ...(error instanceof BearerError ? { 'www-authenticate': error.challenge() } : {}),
          error: error.code,
          error_description: error.message,
        },
      };
    }
    exchanges.push({
      label: `The expenses API's acr rule, on your real access token (past its signature check; its scope check skipped, since a web app token is refused for scope first)`,
      request: {
        method: 'check',
        url: 'routes/api.ts: checkTeamAccess(team, claims)',
        fields: {
          team: team.id,
          groups: Array.isArray(verified.groups)
            ? verified.groups.map(String).join(', ')
            : '(none)',
          acr: String(verified.acr ?? '(none)'),
        },
      },
      response: rule,
    });
    return exchanges;
  },

  async api_tokens(lab: LabContext): Promise<Exchange[]> {
    const api = `${lab.config.baseUrl}/api/teams/finance/expenses`;
    const [, payload, signature] = lab.tokens.accessToken.split('.');
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const original = decodeProtectedHeader(lab.tokens.accessToken);
    const unsigned = `${encode({ alg: 'none', typ: original.typ })}.${payload}.`;
    const unknownKid = `${encode({ ...original, kid: 'not-a-published-key' })}.${payload}.${signature}`;
    const cases: [string, string, string][] = [
      ['Your ID token instead of the access token', lab.tokens.idToken, 'your ID token'],
      ['Your access token with "alg": "none" and no signature', unsigned, 'alg none'],
      ['Your access token under an unknown "kid"', unknownKid, 'kid not-a-published-key'],
    ];
    const exchanges: Exchange[] = [];
    for (const [label, token, what] of cases) {
      const answer = await fetch(api, {
        headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
        signal: AbortSignal.timeout(5_000),
      });
      const fields = await jsonFields(answer);
      const challenge = answer.headers.get('www-authenticate');
      exchanges.push({
        label,
        request: {
          method: 'GET',
          url: api,
          fields: { authorization: `Bearer ${shorten(token, 24)} (${what})` },
        },
        response: {
          status: answer.status,
          fields: { ...(challenge ? { 'www-authenticate': challenge } : {}), ...fields },
        },
      });
    }
    return exchanges;
  },

  async redirect_uri(lab: LabContext): Promise<Exchange[]> {
    const configuration = await lab.oidc.configuration();
    const endpoint = configuration.serverMetadata().authorization_endpoint ?? '';
    const params = {
      client_id: lab.config.clientId,
      response_type: 'code',
      scope: 'openid',
      redirect_uri: 'https://attacker.example/callback',
      state: client.randomState(),
      code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
    };
    const url = new URL(endpoint);
    url.search = new URLSearchParams(params).toString();
    const answer = await fetch(url, {
      redirect: 'manual',
      headers: { accept: 'text/html' },
      signal: AbortSignal.timeout(5_000),
    });
    const html = await answer.text();
    const title = /<title>([^<]*)<\/title>/i.exec(html)?.[1]?.trim() ?? '';
    return [
      {
        label: 'The authorization request, unregistered redirect_uri',
        request: { method: 'GET', url: endpoint, fields: params },
        response: {
          status: answer.status,
          fields: {
            location: answer.headers.get('location') ?? '(none: no redirect)',
            'content-type': answer.headers.get('content-type') ?? '',
            'page title': title,
            ...errorIn(html),
          },
        },
      },
    ];
  },
};

/** A JSON answer's top-level fields as strings; anything else as its first characters. */
async function jsonFields(answer: Response): Promise<Record<string, string>> {
  const text = await answer.text();
  try {
    const parsed = JSON.parse(text) as Record<string, unknown>;
    return Object.fromEntries(
      Object.entries(parsed).map(([key, value]) => [
        key,
        typeof value === 'string' ? value : JSON.stringify(value),
      ]),
    );
  } catch {
    return { body: text.slice(0, 200) };
  }
}

/** The OAuth error code an error page names, if it names one. */
function errorIn(html: string): Record<string, string> {
  const code = /\b(invalid_redirect_uri|invalid_request|invalid_client|unauthorized_client)\b/.exec(
    html,
  )?.[1];
  return code ? { error: code } : {};
}
