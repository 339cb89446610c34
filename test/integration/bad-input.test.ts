/**
 * What goes wrong must go wrong clearly: each refusal carries the OAuth error code, and the
 * login page never signs anyone in on bad credentials.
 */
import * as client from 'openid-client';
import { beforeAll, describe, expect, it } from 'vitest';
import { Browser, formPostingTo, passwordForm, userPicker } from '../helpers/browser.js';
import { basicAuth } from '../helpers/introspect.js';
import { seededClient, seededUser, useTestProvider } from '../helpers/provider.js';
import { buildAuthorization, buildAuthorizeUrl, discoverFor } from '../helpers/relying-party.js';

const provider = useTestProvider();
let config: client.Configuration;
let web: ReturnType<typeof seededClient>;
let redirectUri: string;

beforeAll(async () => {
  web = seededClient(provider.seed, 'web');
  redirectUri = web.redirect_uris[0] ?? '';
  config = await discoverFor(provider.issuer, web);
});

async function startLogin(browser: Browser, params: Record<string, string> = {}) {
  const { url, verifier, state } = await buildAuthorization(config, redirectUri, params);
  const page = await browser.open(url.href, redirectUri);
  return { verifier, state, page };
}

async function codeFor(loginPrefix: string) {
  const browser = new Browser();
  const { verifier, state, page } = await startLogin(browser);
  const user = seededUser(provider.seed, loginPrefix);
  const callback = await browser.submit(
    passwordForm(page),
    { identifier: user.login, 'credentials.passcode': user.password ?? '' },
    redirectUri,
  );
  const url = new URL(callback.url);
  return { verifier, state, url, code: url.searchParams.get('code') ?? '' };
}

async function redeem(code: string, verifier: string | undefined) {
  const body = new URLSearchParams({
    grant_type: 'authorization_code',
    code,
    redirect_uri: redirectUri,
  });
  if (verifier !== undefined) body.set('code_verifier', verifier);
  const response = await fetch(`${provider.issuer}/v1/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: basicAuth(web.client_id, web.client_secret),
    },
    body,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('authorization request errors', () => {
  it('shows an error page, and does not redirect, for an unregistered redirect_uri', async () => {
    const browser = new Browser();
    const url = buildAuthorizeUrl(provider.issuer, {
      client_id: web.client_id,
      scope: 'openid',
      redirect_uri: 'http://localhost:3000/authorization-code/callback/',
      state: 's',
    });
    const page = await browser.open(url.href);
    expect(page.status).toBe(400);
    expect(page.headers.get('location')).toBeNull();
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.body).toContain('invalid_redirect_uri');
    expect(page.body).not.toMatch(/at \w+ \(|node_modules/);
  });

  it('requires PKCE for a client whose seed entry asks for it', async () => {
    const url = new URL(`${provider.issuer}/v1/authorize`);
    url.search = new URLSearchParams({
      client_id: web.client_id,
      response_type: 'code',
      scope: 'openid',
      redirect_uri: redirectUri,
      state: 'xyz',
    }).toString();
    const page = await new Browser().open(url.href, redirectUri);
    const location = new URL(page.url);
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('error_description')).toMatch(/PKCE/);
    expect(location.searchParams.get('state')).toBe('xyz');
  });

  it('returns access_denied to the client when the user presses Deny', async () => {
    const browser = new Browser();
    const { page, state } = await startLogin(browser);
    const deny = formPostingTo(page, '/abort');
    expect(deny).toBeDefined();
    const callback = await browser.submit(deny, {}, redirectUri);
    const location = new URL(callback.url);
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('state')).toBe(state);
    await expect(
      client.authorizationCodeGrant(config, location, {
        pkceCodeVerifier: 'x',
        expectedState: state,
      }),
    ).rejects.toMatchObject({ error: 'access_denied' });
  });

  it('refuses a POST without the CSRF token', async () => {
    const browser = new Browser();
    const { page } = await startLogin(browser);
    const form = passwordForm(page);
    const user = seededUser(provider.seed, 'grace.li');
    const result = await browser.submit(
      { ...form, fields: { ...form.fields, csrf: 'forged' } },
      { identifier: user.login, 'credentials.passcode': user.password ?? '' },
      redirectUri,
    );
    expect(result.status).toBe(400);
    expect(result.body).toContain('CSRF');
  });
});

describe('the login page', () => {
  it('keeps the user on the login page with a clear message for a wrong password', async () => {
    const browser = new Browser();
    const { page } = await startLogin(browser);
    const grace = seededUser(provider.seed, 'grace.li');
    const retry = await browser.submit(
      passwordForm(page),
      { identifier: grace.login, 'credentials.passcode': 'not-the-password' },
      redirectUri,
    );
    expect(retry.status).toBe(401);
    expect(retry.body).toContain('Unable to sign in');
    expect(retry.headers.get('location')).toBeNull();

    const ok = await browser.submit(
      passwordForm(retry),
      { identifier: grace.login, 'credentials.passcode': grace.password ?? '' },
      redirectUri,
    );
    expect(new URL(ok.url).searchParams.get('code')).toBeTruthy();
  });

  it('gives the same message for an unknown user', async () => {
    const browser = new Browser();
    const { page } = await startLogin(browser);
    const retry = await browser.submit(
      passwordForm(page),
      { identifier: 'nobody@task-vantage.com', 'credentials.passcode': 'understudy' },
      redirectUri,
    );
    expect(retry.status).toBe(401);
    expect(retry.body).toContain('Unable to sign in');
    expect(retry.body).toContain('value="nobody@task-vantage.com"');
  });

  it('rejects a picked user id that is not in the seed', async () => {
    const browser = new Browser();
    const { page } = await startLogin(browser);
    const picker = userPicker(page);
    const result = await browser.submit(picker, { user_id: '00uDoesNotExist000000' }, redirectUri);
    expect(result.status).toBe(400);
    expect(result.body).toContain('That user cannot sign in: not in the seed, or not active.');
  });

  it('escapes seed values and parameters in the page', async () => {
    const browser = new Browser();
    const { page } = await startLogin(browser, { login_hint: '"><script>alert(1)</script>' });
    expect(page.body).not.toContain('<script>alert(1)</script>');
    expect(page.body).toContain('&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
  });
});

describe('token endpoint errors', () => {
  it('rejects a code redeemed without its code_verifier', async () => {
    const { code } = await codeFor('frank.wilson');
    const result = await redeem(code, undefined);
    expect(result.status).toBe(400);
    expect(result.body.error).toBe('invalid_grant');
  });

  it('rejects a code redeemed with the wrong code_verifier', async () => {
    const { code } = await codeFor('frank.wilson');
    const result = await redeem(code, client.randomPKCECodeVerifier());
    expect(result.status).toBe(400);
    expect(result.body).toMatchObject({ error: 'invalid_grant' });
  });

  it('rejects a replayed code', async () => {
    const { code, verifier } = await codeFor('alice.johnson');
    const first = await redeem(code, verifier);
    expect(first.status).toBe(200);
    const second = await redeem(code, verifier);
    expect(second.status).toBe(400);
    expect(second.body.error).toBe('invalid_grant');
  });
});
