/**
 * The test kit as another project's tests use it: startUnderstudy in-process, headless login,
 * minted tokens, and every control.
 */
import { createServer } from 'node:net';
import { decodeProtectedHeader, errors as joseErrors } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  HeadlessLoginError,
  SeedError,
  startUnderstudy,
  type Understudy,
} from '../../provider/testkit/index.js';
import { Browser } from '../helpers/browser.js';
import { basicAuth } from '../helpers/introspect.js';
import { verifyJwt } from '../helpers/jwks.js';
import { buildAuthorizeUrl } from '../helpers/relying-party.js';

let understudy: Understudy;
const carol = 'carol.lee@task-vantage.com';

beforeAll(async () => {
  understudy = await startUnderstudy();
});
afterAll(() => understudy.close());
afterEach(() => understudy.control.reset());

const verifyAccessToken = (token: string) => verifyJwt(token, understudy.issuer, 'api://default');

describe('startUnderstudy', () => {
  it('runs on a free loopback port with the seed, and close() frees the port', async () => {
    const other = await startUnderstudy();
    expect(other.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(other.issuer).toMatch(/^http:\/\/localhost:\d+\/oauth2\/default$/);
    expect(other.users.map((user) => user.login)).toContain(carol);
    expect(other.clients.length).toBeGreaterThan(0);
    const discovery = await fetch(`${other.issuer}/.well-known/openid-configuration`);
    expect(discovery.status).toBe(200);
    await other.close();
    const port = Number(new URL(other.url).port);
    await new Promise<void>((resolve, reject) => {
      const probe = createServer();
      probe.once('error', reject);
      probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
    });
  });

  it('takes a seed object and reports a bad one with its path', async () => {
    const [first] = understudy.users;
    if (!first) throw new Error('the default seed has users');
    const custom = await startUnderstudy({ seed: { ...understudy.seed, users: [first] } });
    expect(custom.users).toHaveLength(1);
    await custom.close();
    await expect(
      startUnderstudy({
        seed: { ...understudy.seed, users: [{ ...first, email: 'nope' }] },
      }),
    ).rejects.toThrow(/users\[0\]\.email/);
  });
});

describe('headless login', () => {
  it('runs Authorization Code + PKCE for a seeded user and returns the tokens', async () => {
    const { tokens, redirectUrl } = await understudy.login({
      user: carol,
      scope: 'openid profile groups',
    });
    expect(new URL(redirectUrl).searchParams.get('code')).toBeTruthy();
    const { payload } = await verifyAccessToken(tokens.access_token);
    expect(payload).toMatchObject({ sub: carol, groups: ['Everyone', 'finance'] });
    expect(tokens.id_token).toBeTruthy();
  });

  it("reports the provider's refusal, and an unknown user, by name", async () => {
    const refused = await understudy
      .login({ user: carol, redirectUri: 'http://localhost:3000/not-registered' })
      .catch((error) => error);
    expect(refused).toBeInstanceOf(HeadlessLoginError);
    expect(refused).toMatchObject({ error: 'invalid_redirect_uri' });
    await expect(understudy.login({ user: 'nobody@example.com' })).rejects.toThrow(
      'no seeded user "nobody@example.com"',
    );
  });

  it('answers a consent page, and reports Deny as access_denied', async () => {
    const partner = understudy.clients.find((client) => client.consentRequired)?.client_id;
    const allowed = await understudy.login({ user: carol, client: partner });
    expect(allowed.tokens.access_token).toBeTruthy();
    const denied = await understudy
      .login({ user: carol, client: partner, consent: 'deny' })
      .catch((error) => error);
    expect(denied).toBeInstanceOf(HeadlessLoginError);
    expect(denied.error).toBe('access_denied');
  });
});

describe('minted tokens', () => {
  it("verify against the issuer's keys, with Okta's claims", async () => {
    const token = await understudy.mintAccessToken({
      user: carol,
      scopes: ['openid', 'expenses:read'],
      claims: { team: 'finance' },
    });
    const { payload, protectedHeader } = await verifyAccessToken(token);
    expect(protectedHeader).toEqual({
      kid: (await understudy.control.snapshot()).signingKeys[0],
      alg: 'RS256',
    });
    expect(payload).toMatchObject({
      ver: 1,
      sub: carol,
      scp: ['openid', 'expenses:read'],
      team: 'finance',
    });
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(3600);

    // The provider itself accepts it, as it would its own.
    const userinfo = await fetch(`${understudy.issuer}/v1/userinfo`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(userinfo.status).toBe(200);
  });

  it('can be expired, for the wrong audience, or for a client', async () => {
    const expired = await understudy.mintAccessToken({ user: carol, expiresIn: -60 });
    await expect(verifyAccessToken(expired)).rejects.toBeInstanceOf(joseErrors.JWTExpired);
    const elsewhere = await understudy.mintAccessToken({ user: carol, audience: 'api://other' });
    await expect(verifyAccessToken(elsewhere)).rejects.toBeInstanceOf(
      joseErrors.JWTClaimValidationFailed,
    );
    const service = await understudy.mintAccessToken({
      client: understudy.clients[2]?.client_id,
      scopes: ['expenses:read'],
    });
    const { payload } = await verifyAccessToken(service);
    expect(payload.sub).toBe(understudy.clients[2]?.client_id);
    expect(payload).not.toHaveProperty('uid');
  });

  it('include ID tokens for a user and client', async () => {
    const web = understudy.clients[0];
    const token = await understudy.mintIdToken({ user: carol, nonce: 'n-1' });
    const { payload } = await verifyJwt(token, understudy.issuer, web?.client_id ?? '');
    expect(payload).toMatchObject({
      sub: understudy.users[3]?.id,
      nonce: 'n-1',
      email: carol,
      amr: ['pwd'],
    });
  });
});

describe('control', () => {
  it('signs the next user in without a login page', async () => {
    understudy.control.nextLogin('hannah.smith@task-vantage.com');
    const web = understudy.clients[0];
    const redirectUri = web?.redirect_uris[0] ?? '';
    const url = buildAuthorizeUrl(understudy.issuer, {
      client_id: web?.client_id ?? '',
      redirect_uri: redirectUri,
      scope: 'openid',
    });
    const landed = await new Browser().open(url.href, redirectUri);
    expect(new URL(landed.url).searchParams.get('code')).toBeTruthy();
    // Only once: the next login shows the page again.
    const page = await new Browser().open(url.href, redirectUri);
    expect(page.body).toContain('Pick a seeded user');
  });

  it('makes the next token or authorize request fail with a chosen error, once', async () => {
    understudy.control.failNext('token', 'invalid_grant', 'injected by the test');
    const failure = await understudy.login({ user: carol }).catch((error) => error);
    expect(failure).toMatchObject({
      error: 'invalid_grant',
      error_description: 'injected by the test',
    });
    expect((await understudy.login({ user: carol })).tokens.access_token).toBeTruthy();

    understudy.control.failNext('authorize', 'temporarily_unavailable');
    const refused = await understudy.login({ user: carol }).catch((error) => error);
    expect(refused).toBeInstanceOf(HeadlessLoginError);
    expect(refused.error).toBe('temporarily_unavailable');
    expect(new URL(refused.redirectUrl).searchParams.get('state')).toBeTruthy();
  });

  it('shifts the clock so tokens expire', async () => {
    const { tokens } = await understudy.login({ user: carol });
    const userinfo = () =>
      fetch(`${understudy.issuer}/v1/userinfo`, {
        headers: { authorization: `Bearer ${tokens.access_token}` },
      });
    expect((await userinfo()).status).toBe(200);
    understudy.control.shiftClock(3700);
    expect((await userinfo()).status).toBe(401);
    understudy.control.shiftClock(0);
    expect((await userinfo()).status).toBe(200);
  });

  it('adds and changes users at run time, validated like the seed', async () => {
    await understudy.control.upsertUser({
      id: '00uNewContractor0001',
      login: 'new.contractor@task-vantage.com',
      email: 'new.contractor@task-vantage.com',
      givenName: 'New',
      familyName: 'Contractor',
      password: 'understudy',
      groups: ['Everyone', 'legal'],
      claims: { department: 'Legal Ops' },
    });
    const { tokens } = await understudy.login({ user: 'new.contractor@task-vantage.com' });
    const { payload } = await verifyAccessToken(tokens.access_token);
    expect(payload).toMatchObject({
      uid: '00uNewContractor0001',
      groups: ['Everyone', 'legal'],
      department: 'Legal Ops',
    });

    const grace = understudy.users.find((user) => user.login.startsWith('grace'));
    if (!grace) throw new Error('grace is in the default seed');
    await understudy.control.upsertUser({ ...grace, groups: ['legal', 'admin'] });
    const again = await understudy.login({ user: 'grace.li@task-vantage.com' });
    expect((await verifyAccessToken(again.tokens.access_token)).payload.groups).toEqual([
      'Everyone',
      'legal',
      'admin',
    ]);

    await expect(
      understudy.control.upsertUser({ ...grace, groups: ['no-such-group'] }),
    ).rejects.toBeInstanceOf(SeedError);
    await understudy.control.reset();
    expect(understudy.users.map((user) => user.id)).not.toContain('00uNewContractor0001');
  });

  it('keeps revoked access tokens revoked when users change, and loses no concurrent change', async () => {
    const { tokens } = await understudy.login({ user: carol });
    const web = understudy.clients[0];
    const revoke = await fetch(`${understudy.issuer}/v1/revoke`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: basicAuth(web?.client_id ?? '', web?.client_secret),
      },
      body: new URLSearchParams({ token: tokens.access_token }),
    });
    expect(revoke.status).toBe(200);

    const newcomer = (id: string, login: string) => ({
      id,
      login,
      email: login,
      givenName: 'New',
      familyName: 'Person',
      password: 'understudy',
      groups: ['hr'],
    });
    await Promise.all([
      understudy.control.upsertUser(newcomer('00uConcurrentUser001', 'one@task-vantage.com')),
      understudy.control.upsertUser(newcomer('00uConcurrentUser002', 'two@task-vantage.com')),
    ]);
    expect(understudy.users.map((user) => user.login)).toEqual(
      expect.arrayContaining(['one@task-vantage.com', 'two@task-vantage.com']),
    );
    const userinfo = await fetch(`${understudy.issuer}/v1/userinfo`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(userinfo.status).toBe(401);
  });

  it('rotates the signing key and keeps the old one published', async () => {
    const before = await understudy.mintAccessToken({ user: carol });
    const { kid } = await understudy.control.rotateKeys();
    const published = (await (await fetch(`${understudy.issuer}/v1/keys`)).json()) as {
      keys: { kid: string }[];
    };
    expect(published.keys.map((key) => key.kid)).toEqual([kid, decodeProtectedHeader(before).kid]);
    const { tokens } = await understudy.login({ user: carol });
    expect(decodeProtectedHeader(tokens.access_token).kid).toBe(kid);
    await expect(verifyAccessToken(before)).resolves.toBeDefined();
  });
});
