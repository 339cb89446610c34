/**
 * Okta's Direct Authentication grants at /v1/token over real HTTP: the password grant, its
 * `mfa_required` answer when a second factor is wanted and the mfa-otp grant that completes
 * it, Okta's OTP grant (a Google Authenticator code alone), and what each refuses.
 */
import { decodeJwt } from 'jose';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, type RunningProvider } from '../../provider/main/listen.js';
import { totp } from '../../provider/okta/index.js';
import type { SeedClient, SeedUser } from '../../seed/schema.js';
import { verifyJwt } from '../helpers/jwks.js';
import { seedWith, seededClient, seededUser, useTestProvider } from '../helpers/provider.js';
import { redisAvailable, startRedis } from '../helpers/redis.js';

const passwordGrant = 'password';
const mfaOtpGrant = 'http://auth0.com/oauth/grant-type/mfa-otp';
const otpGrant = 'urn:okta:params:oauth:grant-type:otp';
const twoFactor = 'urn:okta:loa:2fa:any';
const directGrants = [passwordGrant, mfaOtpGrant, otpGrant, 'refresh_token'] as const;

const directAuthSeed = () =>
  seedWith((base) => ({
    users: [
      ...base.users,
      {
        id: '00uDirectAuthIvan001',
        login: 'ivan.petrov@task-vantage.com',
        email: 'ivan.petrov@task-vantage.com',
        givenName: 'Ivan',
        familyName: 'Petrov',
        password: 'understudy',
        authenticators: [{ key: 'google_otp', secret: 'DIRECTAUTHIVANTOTPKEY234' }],
      },
      {
        id: '00uDirectAuthOlga001',
        login: 'olga.berg@task-vantage.com',
        email: 'olga.berg@task-vantage.com',
        givenName: 'Olga',
        familyName: 'Berg',
        password: 'understudy',
        authenticators: [{ key: 'google_otp', secret: 'DIRECTAUTHOLGATOTPKEY234' }],
      },
    ],
    clients: [
      ...base.clients,
      {
        client_id: 'direct-auth-app',
        client_secret: 'direct-auth-app-secret-0',
        client_name: 'Direct authentication app',
        grant_types: [...directGrants, 'authorization_code'],
        redirect_uris: ['http://localhost:3000/direct-auth/callback'],
      },
      {
        client_id: 'direct-auth-spa',
        client_name: 'Direct authentication app (public)',
        token_endpoint_auth_method: 'none',
        grant_types: [...directGrants],
      },
      {
        client_id: 'direct-auth-2fa',
        client_secret: 'direct-auth-2fa-secret-0',
        client_name: 'Direct authentication app (2fa policy)',
        grant_types: [...directGrants],
        authenticationPolicy: '2fa',
      },
    ],
  }));

const provider = useTestProvider(async () => ({ seed: await directAuthSeed() }));

const seeded = (clientId: string) => {
  const client = provider.seed.clients.find((candidate) => candidate.client_id === clientId);
  if (!client) throw new Error(`${clientId} is seeded`);
  return client;
};
const confidential = () => seeded('direct-auth-app');
const publicClient = () => seeded('direct-auth-spa');
const hannah = () => seededUser(provider.seed, 'hannah'); // Google Authenticator
const ivan = () => seededUser(provider.seed, 'ivan'); // Google Authenticator
const olga = () => seededUser(provider.seed, 'olga'); // Google Authenticator
const grace = () => seededUser(provider.seed, 'grace'); // no second factor
const carol = () => seededUser(provider.seed, 'carol'); // email only

function totpSecret(user: SeedUser): string {
  const authenticator = user.authenticators.find((candidate) => candidate.key === 'google_otp');
  if (authenticator?.key !== 'google_otp') throw new Error(`${user.login} has no google_otp`);
  return authenticator.secret;
}

/** A code the user's app shows at no step near now. */
function wrongCode(user: SeedUser): string {
  const now = Date.now() / 1000;
  const near = new Set([-60, -30, 0, 30, 60].map((offset) => totp(totpSecret(user), now + offset)));
  const code = ['000000', '111111', '222222'].find((candidate) => !near.has(candidate));
  if (!code) throw new Error('no wrong code');
  return code;
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

/** A token request, authenticated as the client is registered (Basic, or client_id alone). */
async function tokenRequest(
  form: Record<string, string>,
  client: SeedClient,
  issuer = provider.issuer,
): Promise<Answer> {
  const secret = client.client_secret;
  const response = await fetch(`${issuer}/v1/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
      ...(secret === undefined
        ? {}
        : {
            authorization: `Basic ${Buffer.from(`${client.client_id}:${secret}`).toString('base64')}`,
          }),
    },
    body: new URLSearchParams({
      ...form,
      ...(secret === undefined ? { client_id: client.client_id } : {}),
    }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const signIn = (user: SeedUser, extra: Record<string, string> = {}, client = confidential()) =>
  tokenRequest(
    {
      grant_type: passwordGrant,
      username: user.login,
      password: 'understudy',
      scope: 'openid profile offline_access',
      ...extra,
    },
    client,
  );

async function verified(answer: Answer, client: SeedClient) {
  expect(answer.status).toBe(200);
  const accessToken = await verifyJwt(
    String(answer.body.access_token),
    provider.issuer,
    'api://default',
  );
  const idToken = await verifyJwt(String(answer.body.id_token), provider.issuer, client.client_id);
  return { accessToken: accessToken.payload, idToken: idToken.payload };
}

function expectRefusal(answer: Answer, status: number, error: string) {
  expect(answer.status).toBe(status);
  expect(answer.body.error).toBe(error);
  expect(typeof answer.body.error_description).toBe('string');
  expect(answer.body).not.toHaveProperty('access_token');
}

describe('discovery', () => {
  it('lists the three grants in grant_types_supported', async () => {
    const response = await fetch(`${provider.issuer}/.well-known/openid-configuration`);
    const document = (await response.json()) as { grant_types_supported: string[] };
    expect(document.grant_types_supported).toEqual(
      expect.arrayContaining([passwordGrant, mfaOtpGrant, otpGrant]),
    );
  });
});

describe('the password grant', () => {
  it('carries the claims a code-flow sign-in of the same user, client and scopes carries', async () => {
    const user = grace();
    const scope = 'openid profile email offline_access';
    const direct = await verified(await signIn(user, { scope }), confidential());
    const flow = await provider.login({ user: user.id, client: 'direct-auth-app', scope });
    // What differs from one issue to the next, and the nonce only a redirect flow has.
    const varying = new Set(['jti', 'iat', 'exp', 'auth_time', 'nonce']);
    const stable = (claims: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(claims).filter(([name]) => !varying.has(name)));
    expect(stable(direct.accessToken)).toEqual(stable(decodeJwt(flow.tokens.access_token)));
    expect(stable(direct.idToken)).toEqual(stable(decodeJwt(flow.tokens.id_token ?? '')));
  });

  it("answers a code flow's tokens: Okta's access token claims, amr pwd, a refresh token", async () => {
    const user = grace();
    const answer = await signIn(user);
    expect(answer.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    expect(String(answer.body.scope).split(' ').sort()).toEqual([
      'offline_access',
      'openid',
      'profile',
    ]);
    const { accessToken, idToken } = await verified(answer, confidential());
    expect(accessToken).toMatchObject({ uid: user.id, sub: user.login, cid: 'direct-auth-app' });
    expect(accessToken.scp).toEqual(
      expect.arrayContaining(['openid', 'profile', 'offline_access']),
    );
    expect(accessToken.acr).toBeUndefined();
    expect(idToken).toMatchObject({ sub: user.id, amr: ['pwd'], preferred_username: user.login });
    expect(typeof idToken.auth_time).toBe('number');
    expect(idToken.acr).toBeUndefined();

    // The refresh token works as a code flow's does, and keeps the sign-in's amr.
    const refreshed = await tokenRequest(
      { grant_type: 'refresh_token', refresh_token: String(answer.body.refresh_token) },
      confidential(),
    );
    const again = await verified(refreshed, confidential());
    expect(again.idToken.amr).toEqual(['pwd']);
    expect(again.accessToken.uid).toBe(user.id);
  });

  it('issues no ID token without openid and no refresh token without offline_access', async () => {
    const answer = await signIn(grace(), { scope: 'profile' });
    expect(answer.status).toBe(200);
    expect(answer.body).not.toHaveProperty('id_token');
    expect(answer.body).not.toHaveProperty('refresh_token');
    expect(decodeJwt(String(answer.body.access_token)).scp).toEqual(['profile']);
  });

  it('serves public clients too', async () => {
    const answer = await signIn(grace(), {}, publicClient());
    const { idToken } = await verified(answer, publicClient());
    expect(idToken.amr).toEqual(['pwd']);
  });

  it("refuses a wrong password with Okta's invalid_grant", async () => {
    const answer = await signIn(grace(), { password: 'not-the-password' });
    expectRefusal(answer, 400, 'invalid_grant');
    expect(answer.body.error_description).toBe('The credentials provided were invalid.');
  });

  it('refuses an unknown user the same way', async () => {
    const answer = await signIn({ ...grace(), login: 'nobody@task-vantage.com' });
    expectRefusal(answer, 400, 'invalid_grant');
    expect(answer.body.error_description).toBe('The credentials provided were invalid.');
  });

  it('asks for the missing parameters with invalid_request', async () => {
    const answer = await tokenRequest(
      { grant_type: passwordGrant, username: grace().login, scope: 'openid' },
      confidential(),
    );
    expectRefusal(answer, 400, 'invalid_request');
    expect(answer.body.error_description).toContain("'password'");
  });

  it('is refused to a client whose grant_types do not list it', async () => {
    const web = seededClient(provider.seed, 'web');
    const answer = await signIn(grace(), {}, web);
    // As Okta answers it (oidc-provider's own check says invalid_request).
    expectRefusal(answer, 400, 'unauthorized_client');
    expect(answer.body.error_description).toBe(
      'The client is not authorized to use the provided grant type. Configured grant types: [authorization_code, refresh_token].',
    );
  });
});

describe('a second factor: mfa_required, then the mfa-otp grant', () => {
  it('signs hannah in with Google Authenticator, once per mfa_token', async () => {
    const required = await signIn(hannah(), { acr_values: twoFactor });
    expectRefusal(required, 403, 'mfa_required');
    const mfaToken = required.body.mfa_token;
    expect(typeof mfaToken).toBe('string');
    expect(String(mfaToken).length).toBeGreaterThanOrEqual(32);

    const secret = totpSecret(hannah());
    const answer = await tokenRequest(
      { grant_type: mfaOtpGrant, mfa_token: String(mfaToken), otp: totp(secret) },
      confidential(),
    );
    const { accessToken, idToken } = await verified(answer, confidential());
    expect(idToken.amr).toEqual(['mfa', 'otp', 'pwd']);
    expect(idToken.acr).toBe(twoFactor);
    expect(idToken.sub).toBe(hannah().id);
    expect(accessToken.acr).toBe(twoFactor);
    expect(accessToken.uid).toBe(hannah().id);

    // The refreshed tokens keep the sign-in's acr and amr.
    const refreshed = await verified(
      await tokenRequest(
        { grant_type: 'refresh_token', refresh_token: String(answer.body.refresh_token) },
        confidential(),
      ),
      confidential(),
    );
    expect(refreshed.idToken.acr).toBe(twoFactor);
    expect(refreshed.idToken.amr).toEqual(['mfa', 'otp', 'pwd']);
    expect(refreshed.accessToken.acr).toBe(twoFactor);

    // Spent: even with a good code (the next step's, not used yet), the token is refused.
    const reused = await tokenRequest(
      {
        grant_type: mfaOtpGrant,
        mfa_token: String(mfaToken),
        otp: totp(secret, Date.now() / 1000 + 30),
      },
      confidential(),
    );
    expectRefusal(reused, 400, 'invalid_grant');
  });

  it("asks for the second factor when the app's policy is 2fa, without acr_values", async () => {
    const required = await signIn(hannah(), {}, seeded('direct-auth-2fa'));
    expectRefusal(required, 403, 'mfa_required');
    expect(typeof required.body.mfa_token).toBe('string');
  });

  it('refuses a wrong code, and the mfa_token stays usable', async () => {
    const user = ivan();
    const required = await signIn(user, { acr_values: twoFactor });
    expect(required.status).toBe(403);
    const mfaToken = String(required.body.mfa_token);

    const wrong = await tokenRequest(
      { grant_type: mfaOtpGrant, mfa_token: mfaToken, otp: wrongCode(user) },
      confidential(),
    );
    expectRefusal(wrong, 400, 'invalid_grant');

    const right = await tokenRequest(
      { grant_type: mfaOtpGrant, mfa_token: mfaToken, otp: totp(totpSecret(user)) },
      confidential(),
    );
    const { idToken } = await verified(right, confidential());
    expect(idToken.amr).toEqual(['mfa', 'otp', 'pwd']);
    expect(idToken.sub).toBe(user.id);
  });

  it('refuses an mfa_token to another client, and an unknown one', async () => {
    const required = await signIn(hannah(), { acr_values: twoFactor });
    expect(required.status).toBe(403);
    const code = totp(totpSecret(hannah()), Date.now() / 1000 - 30);
    const elsewhere = await tokenRequest(
      { grant_type: mfaOtpGrant, mfa_token: String(required.body.mfa_token), otp: code },
      publicClient(),
    );
    expectRefusal(elsewhere, 400, 'invalid_grant');
    const unknown = await tokenRequest(
      { grant_type: mfaOtpGrant, mfa_token: 'not-an-mfa-token', otp: code },
      confidential(),
    );
    expectRefusal(unknown, 400, 'invalid_grant');
  });

  it('refuses a user who cannot meet the requirement', async () => {
    const noFactor = await signIn(grace(), { acr_values: twoFactor });
    expectRefusal(noFactor, 400, 'invalid_grant');
    // Email codes would need Okta's oob grants: not a factor these grants verify.
    const emailOnly = await signIn(carol(), { acr_values: twoFactor });
    expectRefusal(emailOnly, 400, 'invalid_grant');
    const phishingResistant = await signIn(hannah(), { acr_values: 'phr' });
    expectRefusal(phishingResistant, 400, 'invalid_grant');
  });

  it('answers one factor with 2fa:any:ifpossible for a user without a second one', async () => {
    const acr = 'urn:okta:loa:2fa:any:ifpossible';
    const { idToken } = await verified(await signIn(grace(), { acr_values: acr }), confidential());
    expect(idToken.acr).toBe(acr);
    expect(idToken.amr).toEqual(['pwd']);
  });
});

describe('the OTP grant', () => {
  it('signs a user in with a Google Authenticator code alone, each code once', async () => {
    const user = olga();
    const code = totp(totpSecret(user));
    const form = { grant_type: otpGrant, login_hint: user.login, otp: code, scope: 'openid' };
    const answer = await tokenRequest(form, confidential());
    const { accessToken, idToken } = await verified(answer, confidential());
    expect(idToken.amr).toEqual(['otp']);
    expect(idToken.sub).toBe(user.id);
    expect(accessToken.uid).toBe(user.id);

    expectRefusal(await tokenRequest(form, confidential()), 400, 'invalid_grant');
  });

  it('refuses a wrong code and an unknown user', async () => {
    const user = olga();
    const wrong = await tokenRequest(
      { grant_type: otpGrant, login_hint: user.login, otp: wrongCode(user), scope: 'openid' },
      confidential(),
    );
    expectRefusal(wrong, 400, 'invalid_grant');
    const unknown = await tokenRequest(
      {
        grant_type: otpGrant,
        login_hint: 'nobody@task-vantage.com',
        otp: totp(totpSecret(user)),
        scope: 'openid',
      },
      confidential(),
    );
    expectRefusal(unknown, 400, 'invalid_grant');
  });

  it('is not enough for an app whose policy wants two factors', async () => {
    const user = olga();
    const answer = await tokenRequest(
      { grant_type: otpGrant, login_hint: user.login, otp: wrongCode(user), scope: 'openid' },
      seeded('direct-auth-2fa'),
    );
    expectRefusal(answer, 400, 'invalid_grant');
    expect(answer.body.error_description).toContain('two factors');
  });
});

describe.runIf(redisAvailable())('instances sharing Redis', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  const instances: RunningProvider[] = [];
  const issuerOf = (index: number) => instances[index]?.issuers.get('default') ?? '';

  beforeAll(async () => {
    redis = await startRedis();
    const seed = await directAuthSeed();
    for (const name of ['a', 'b']) {
      instances.push(
        await listen({
          host: '127.0.0.1',
          port: 0,
          issuerBase: undefined,
          dataDir: mkdtempSync(join(tmpdir(), `understudy-direct-auth-${name}-`)),
          seed,
          redisUrl: redis.url,
        }),
      );
    }
  }, 30_000);
  afterAll(async () => {
    for (const running of instances) await running.close();
    await redis?.stop();
  });

  it('redeems on one instance the mfa_token another issued, once', async () => {
    const user = ivan();
    const required = await tokenRequest(
      {
        grant_type: passwordGrant,
        username: user.login,
        password: 'understudy',
        scope: 'openid',
        acr_values: twoFactor,
      },
      confidential(),
      issuerOf(0),
    );
    expect(required.status).toBe(403);
    const mfaToken = String(required.body.mfa_token);
    // A code no other test of this file has used: Redis keeps its own record of used codes.
    const redeem = (issuer: string) =>
      tokenRequest(
        { grant_type: mfaOtpGrant, mfa_token: mfaToken, otp: totp(totpSecret(user)) },
        confidential(),
        issuer,
      );
    const answer = await redeem(issuerOf(1));
    expect(answer.status).toBe(200);
    expect(decodeJwt(String(answer.body.id_token)).amr).toEqual(['mfa', 'otp', 'pwd']);
    expectRefusal(await redeem(issuerOf(0)), 400, 'invalid_grant');
  });
});
