/**
 * okta-auth-js's Identity Engine API (`idx`), unmodified, in Node, as an app with its own
 * sign-in forms uses it: 7.x (legacy mode, one call runs the remediations it can) and 8.x
 * (step mode: each call names its `step`). A password sign-in to SUCCESS with tokens whose
 * signature, `iss`, `aud`, `amr` and `groups` check; an MFA user PENDING at the authenticator,
 * then `proceed({ verificationCode })` (Google Authenticator, and email from the outbox);
 * Okta's answers to a wrong password and a wrong code; `cancel`; a spent interaction code and
 * a wrong PKCE verifier refused at /v1/token.
 */
import { OktaAuth as OktaAuth8 } from '@okta/okta-auth-js';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { OktaAuth as OktaAuth7 } from 'okta-auth-js-7';
import { describe, expect, it } from 'vitest';
import { totp } from '../../provider/okta/index.js';
import { outboxCodes, totpSecretOf, wrongTotp } from '../helpers/codes.js';
import { seededUser, seedWithClients, useTestProvider } from '../helpers/provider.js';

const clientId = '0oaIdxNodeApp0000001';
const redirectUri = 'http://localhost:8080/login/callback';
const twoFactor = 'urn:okta:loa:2fa:any';

const provider = useTestProvider(async () => ({
  control: true,
  seed: await seedWithClients([
    {
      client_id: clientId,
      client_name: 'IDX app in Node',
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'interaction_code', 'refresh_token'],
      redirect_uris: [redirectUri],
    },
  ]),
}));

const versions = { v7: OktaAuth7, v8: OktaAuth8 } as const;
type Version = keyof typeof versions;

function makeAuth(version: Version) {
  const OktaAuth = versions[version];
  return new OktaAuth({
    issuer: provider.issuer,
    clientId,
    redirectUri,
    scopes: ['openid', 'profile', 'email', 'groups', 'offline_access'],
    // On a server the SDK keeps one sign-in in memory for the whole process; each client here
    // gets its own, as an app with a store per user session would give it.
    storageManager: {
      token: { storageProvider: memoryStorage() },
      transaction: { storageProvider: memoryStorage() },
      'idx-response': { storageProvider: memoryStorage() },
    },
  });
}

function memoryStorage() {
  const items = new Map<string, string>();
  return {
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
    removeItem: (key: string) => void items.delete(key),
  };
}

/** 8.x names the step a call is for; 7.x finds it. */
const step = (version: Version, name: string) => (version === 'v8' ? { step: name } : {});

/**
 * The SDKs describe a step in two ways: 7.x's remediators name the authenticator and list the
 * choices by key; 8.x's step mode hands over the form, with what each option `relatesTo`.
 */
interface StepShape {
  inputs?: { name: string; options?: { value?: unknown; relatesTo?: { key?: string } }[] }[];
  authenticator?: { key?: string };
  relatesTo?: { value?: { key?: string } };
}

function authenticatorChoices(nextStep: unknown): unknown[] | undefined {
  const input = (nextStep as StepShape | undefined)?.inputs?.find(
    ({ name }) => name === 'authenticator',
  );
  return input?.options?.map((option) =>
    typeof option.value === 'string' ? option.value : option.relatesTo?.key,
  );
}

function challengedKey(nextStep: unknown): string | undefined {
  const shape = nextStep as StepShape | undefined;
  return shape?.authenticator?.key ?? shape?.relatesTo?.value?.key;
}

async function newestCode(to: string): Promise<string> {
  const [code] = await outboxCodes(new URL(provider.issuer).origin, to);
  if (!code) throw new Error(`no code in the outbox for ${to}`);
  return code;
}

async function verifiedIdToken(idToken: string | undefined) {
  const jwks = createRemoteJWKSet(new URL(`${provider.issuer}/v1/keys`));
  const { payload } = await jwtVerify(idToken ?? '', jwks, {
    issuer: provider.issuer,
    audience: clientId,
  });
  return payload;
}

describe.each(Object.keys(versions) as Version[])('okta-auth-js %s idx', (version) => {
  it('signs a password user in to SUCCESS with tokens that verify', async () => {
    const authClient = makeAuth(version);
    const grace = seededUser(provider.seed, 'grace');
    const result = await authClient.idx.authenticate({
      username: grace.login,
      password: 'understudy',
      ...step(version, 'identify'),
    });
    expect(result.status).toBe('SUCCESS');
    const claims = await verifiedIdToken(result.tokens?.idToken?.idToken);
    expect(claims.sub).toBe(grace.id);
    expect(claims.amr).toEqual(['pwd']);
    expect(claims.groups).toContain('Everyone');
    const jwks = createRemoteJWKSet(new URL(`${provider.issuer}/v1/keys`));
    const access = await jwtVerify(result.tokens?.accessToken?.accessToken ?? '', jwks, {
      issuer: provider.issuer,
    });
    expect(access.payload.cid).toBe(clientId);
    expect(access.payload.uid).toBe(grace.id);
    expect(result.tokens?.refreshToken?.refreshToken).toBeTruthy();
  });

  it('answers a wrong password with Okta message, and the next try succeeds', async () => {
    const authClient = makeAuth(version);
    const grace = seededUser(provider.seed, 'grace');
    const wrong = await authClient.idx.authenticate({
      username: grace.login,
      password: 'not-the-password',
      ...step(version, 'identify'),
    });
    expect(wrong.status).not.toBe('SUCCESS');
    expect(wrong.messages?.map((message) => message.i18n?.key)).toContain('errors.E0000004');
    expect(wrong.messages?.[0]?.message).toBe('Authentication failed');
    const right = await authClient.idx.proceed({
      username: grace.login,
      password: 'understudy',
      ...step(version, 'identify'),
    });
    expect(right.status).toBe('SUCCESS');
  });

  it('stops an MFA user PENDING at Google Authenticator, then proceeds with the code', async () => {
    const authClient = makeAuth(version);
    const hannah = seededUser(provider.seed, 'hannah');
    const secret = totpSecretOf(hannah);
    const identified = await authClient.idx.authenticate({
      username: hannah.login,
      password: 'understudy',
      acrValues: twoFactor,
      ...step(version, 'identify'),
    });
    expect(identified.status).toBe('PENDING');
    expect(identified.nextStep?.name).toBe('select-authenticator-authenticate');
    expect(authenticatorChoices(identified.nextStep)).toEqual(['google_otp']);

    const selected = await authClient.idx.proceed({
      authenticator: 'google_otp',
      ...step(version, 'select-authenticator-authenticate'),
    });
    expect(selected.status).toBe('PENDING');
    expect(selected.nextStep?.name).toBe('challenge-authenticator');
    expect(challengedKey(selected.nextStep)).toBe('google_otp');

    const wrong = await authClient.idx.proceed({
      verificationCode: wrongTotp(secret),
      ...step(version, 'challenge-authenticator'),
    });
    expect(wrong.status).not.toBe('SUCCESS');
    const keys = JSON.stringify(wrong.nextStep ?? wrong.messages);
    expect(keys).toContain('api.authn.error.PASSCODE_INVALID');

    // Each code is good once: 8.x takes the next step's, which Okta also accepts (clock drift).
    const at = Date.now() / 1000 + (version === 'v8' ? 30 : 0);
    const done = await authClient.idx.proceed({
      verificationCode: totp(secret, at),
      ...step(version, 'challenge-authenticator'),
    });
    expect(done.status).toBe('SUCCESS');
    const claims = await verifiedIdToken(done.tokens?.idToken?.idToken);
    expect(claims.sub).toBe(hannah.id);
    expect(claims.amr).toEqual(['mfa', 'otp', 'pwd']);
    expect(claims.acr).toBe(twoFactor);
  });

  it('sends an email code to the outbox and takes it', async () => {
    const authClient = makeAuth(version);
    const carol = seededUser(provider.seed, 'carol');
    const identified = await authClient.idx.authenticate({
      username: carol.login,
      password: 'understudy',
      acrValues: twoFactor,
      ...step(version, 'identify'),
    });
    expect(identified.nextStep?.name).toBe('select-authenticator-authenticate');
    const challenged = await authClient.idx.proceed({
      authenticator: 'okta_email',
      ...step(version, 'select-authenticator-authenticate'),
    });
    expect(challengedKey(challenged.nextStep)).toBe('okta_email');
    const done = await authClient.idx.proceed({
      verificationCode: await newestCode(carol.email),
      ...step(version, 'challenge-authenticator'),
    });
    expect(done.status).toBe('SUCCESS');
    const claims = await verifiedIdToken(done.tokens?.idToken?.idToken);
    expect(claims.amr).toEqual(['email', 'mfa', 'pwd']);
  });

  it('cancels a sign-in', async () => {
    const authClient = makeAuth(version);
    const hannah = seededUser(provider.seed, 'hannah');
    const pending = await authClient.idx.authenticate({
      username: hannah.login,
      password: 'understudy',
      acrValues: twoFactor,
      ...step(version, 'identify'),
    });
    expect(pending.status).toBe('PENDING');
    const canceled = await authClient.idx.cancel();
    expect(canceled.status).toBe('CANCELED');
  });
});

describe('the interaction code at /v1/token', () => {
  it('is spent by its first redemption, and needs the PKCE verifier', async () => {
    const authClient = makeAuth('v8');
    const grace = seededUser(provider.seed, 'grace');
    const transaction = await authClient.idx.authenticate({
      username: grace.login,
      password: 'understudy',
      step: 'identify',
      exchangeCodeForTokens: false,
    });
    const interactionCode = transaction.interactionCode ?? '';
    expect(interactionCode).not.toBe('');
    const codeVerifier = transaction.meta?.codeVerifier ?? '';
    const redeem = (verifier: string) =>
      fetch(`${provider.issuer}/v1/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'interaction_code',
          interaction_code: interactionCode,
          client_id: clientId,
          redirect_uri: redirectUri,
          code_verifier: verifier,
        }),
      });

    const badVerifier = await redeem(`${codeVerifier.slice(0, -1)}x`);
    expect(badVerifier.status).toBe(400);
    expect(await badVerifier.json()).toEqual({
      error: 'invalid_grant',
      error_description: 'PKCE verification failed.',
    });

    const first = await redeem(codeVerifier);
    expect(first.status).toBe(200);
    expect(((await first.json()) as { access_token?: string }).access_token).toBeTruthy();

    const second = await redeem(codeVerifier);
    expect(second.status).toBe(400);
    expect(((await second.json()) as { error?: string }).error).toBe('invalid_grant');
  });
});
