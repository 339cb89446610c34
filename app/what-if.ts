/**
 * The lesson's "What if…" lab: the learner's own sign-in replayed with one thing wrong, against
 * the real component that refuses it (the app's state check, the provider's token and
 * authorization endpoints, the demo API), with the request and the answer shown. Nothing here
 * touches the learner's session: the requests are made by the app, with copies of its values.
 */
import { decodeProtectedHeader } from 'jose';
import * as client from 'openid-client';
import type { AppConfig } from './config.js';
import { shorten, type FlowRecord } from './flow-record.js';
import { HttpError } from './http-error.js';
import type { Oidc } from './oidc.js';
import { pendingLoginFor } from './routes/auth.js';
import type { TokenSet } from './session.js';

export interface WhatIf {
  id: string;
  title: string;
  /** The spec section behind the refusal (a key of spec-links.ts). */
  spec: string;
  /** What the lab does, honestly. */
  how: string;
  /** The attack the refusal stops. */
  attack: string;
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
];

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
        authorization: `Basic ${Buffer.from(`${encodeURIComponent(lab.config.clientId)}:${encodeURIComponent(lab.config.clientSecret)}`).toString('base64')}`,
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
