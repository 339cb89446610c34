/**
 * The demo app over real HTTP with a cookie jar: every page, and every way signing in can go
 * wrong. (test/e2e/ drives the same app in Chromium.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Server } from 'node:http';
import { createApp } from '../../app/app.js';
import { readAppConfig } from '../../app/config.js';
import { createOidc } from '../../app/oidc.js';
import { specLinks } from '../../app/spec-links.js';
import { setClockOffset } from '../../provider/control/clock.js';
import { mintAccessToken } from '../../provider/testkit/mint.js';
import { Browser, formPostingTo, type Page, userPicker } from '../helpers/browser.js';
import { freePort } from '../helpers/child-app.js';
import { type Demo, startDemo } from '../helpers/demo.js';
import { seededUser, startTestProvider } from '../helpers/provider.js';

let demo: Demo;
beforeAll(async () => {
  demo = await startDemo();
});
afterAll(() => demo.stop());

const login = (prefix: string) => seededUser(demo.provider.seed, prefix);

async function signIn(browser: Browser, prefix: string, path = '/login'): Promise<Page> {
  const page = await browser.open(`${demo.appUrl}${path}`);
  return browser.submit(userPicker(page), { user_id: login(prefix).id });
}

const teamCards = (page: Page) =>
  [...page.body.matchAll(/data-team="([^"]+)"/g)].map((match) => match[1]);

describe('pages', () => {
  it('serves the home page and its styles locally, loading nothing from elsewhere', async () => {
    const home = await new Browser().open(`${demo.appUrl}/`);
    expect(home.status).toBe(200);
    expect(home.body).toContain('Expense Dashboard');
    expect(home.body).toContain('href="/login"');
    expect(home.body).not.toMatch(/(src|href)="(https?:)?\/\//);
    const css = await fetch(`${demo.appUrl}/assets/bootstrap/bootstrap.min.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toContain('text/css');
  });

  it('shows an admin signed in with one factor no team yet, and the step-up (demo-step-up.test.ts)', async () => {
    const dashboard = await signIn(new Browser(), 'hannah.smith');
    expect(dashboard.url).toBe(`${demo.appUrl}/dashboard`);
    expect(teamCards(dashboard)).toEqual([]);
    expect(dashboard.body).toContain(
      'href="/step-up?returnTo=%2Fdashboard">Verify with a second factor to see every team</a>',
    );
  });

  it('shows a finance user only finance, with its expenses and total; 403 and 404 elsewhere', async () => {
    const browser = new Browser();
    const dashboard = await signIn(browser, 'carol.lee');
    expect(teamCards(dashboard)).toEqual(['finance']);

    const finance = await browser.open(`${demo.appUrl}/team/finance`);
    expect(finance.status).toBe(200);
    expect(finance.body).toContain('Product Launch Campaign');
    expect(finance.body).toContain('data-total="2780"');

    const legal = await browser.open(`${demo.appUrl}/team/legal`);
    expect(legal.status).toBe(403);
    expect(legal.body).toContain('You are not in the Legal team');
    expect(legal.body).not.toContain('Event Booth');

    const unknown = await browser.open(`${demo.appUrl}/team/<script>`);
    expect(unknown.status).toBe(404);
    expect(unknown.body).not.toContain('<script>"');
    expect(unknown.body).toContain('&lt;script&gt;');
  });

  it('shows the profile from the ID token and userinfo', async () => {
    const browser = new Browser();
    await signIn(browser, 'grace.li');
    const profile = await browser.open(`${demo.appUrl}/profile`);
    expect(profile.body).toContain('Grace Li');
    expect(profile.body).toContain('grace.li@task-vantage.com');
    expect(profile.body).toContain('<code>given_name</code>');
  });

  it('sends signed-out visitors to log in, and back to the page they wanted', async () => {
    const browser = new Browser();
    const redirected = await browser.open(`${demo.appUrl}/team/finance`, demo.provider.issuer);
    expect(redirected.url.startsWith(`${demo.provider.issuer}/v1/authorize`)).toBe(true);
    const landed = await signIn(browser, 'carol.lee', '/login?returnTo=%2Fteam%2Ffinance');
    expect(landed.url).toBe(`${demo.appUrl}/team/finance`);

    const offsite = await signIn(
      new Browser(),
      'carol.lee',
      '/login?returnTo=https%3A%2F%2Fevil.example%2F',
    );
    expect(offsite.url).toBe(`${demo.appUrl}/dashboard`);
    const protocolRelative = await signIn(
      new Browser(),
      'carol.lee',
      '/login?returnTo=%2F%2Fevil.example',
    );
    expect(protocolRelative.url).toBe(`${demo.appUrl}/dashboard`);
  });
});

describe('the session', () => {
  it('is an httpOnly, SameSite=Lax cookie, renewed at sign-in', async () => {
    const browser = new Browser();
    await browser.open(`${demo.appUrl}/login`, demo.provider.issuer);
    const before = (await browser.jar.getCookies(demo.appUrl)).find(
      (cookie) => cookie.key === 'demo.sid',
    );
    expect(before?.httpOnly).toBe(true);
    expect(before?.sameSite).toBe('lax');
    await signIn(browser, 'carol.lee');
    const after = (await browser.jar.getCookies(demo.appUrl)).find(
      (cookie) => cookie.key === 'demo.sid',
    );
    expect(after?.value).not.toBe(before?.value);
  });

  it('refreshes the access token before it expires, and asks to log in again when it cannot', async () => {
    const browser = new Browser();
    await signIn(browser, 'alice.johnson');
    try {
      setClockOffset(3600);
      const refreshed = await browser.open(`${demo.appUrl}/dashboard`);
      expect(refreshed.status).toBe(200);
      expect(teamCards(refreshed)).toEqual(['marketing']);

      // The next refresh is refused: the user is told and signed out.
      setClockOffset(2 * 3600);
      demo.provider.control?.failNext('token', 'invalid_grant', 'refresh token revoked');
      const expired = await browser.open(`${demo.appUrl}/dashboard`, demo.provider.issuer);
      expect(expired.url).toBe(`${demo.appUrl}/?notice=session_expired`);
    } finally {
      setClockOffset(0);
    }
    const home = await browser.open(`${demo.appUrl}/?notice=session_expired`);
    expect(home.body).toContain(
      'Your session expired and could not be renewed. Please sign in again.',
    );
  });
});

describe('behind a TLS proxy', () => {
  it('marks the session cookie Secure when the proxy says the request was HTTPS', async () => {
    const port = await freePort();
    const config = readAppConfig(
      {
        APP_PORT: String(port),
        APP_BASE_URL: `https://localhost:${port}`,
        OKTA_ISSUER: demo.provider.issuer,
      },
      demo.provider.seed.clients,
    );
    expect(config.trustProxy).toBe('loopback');
    const app = createApp(config, { seed: demo.provider.seed, sessionSecret: 'x'.repeat(32) });
    const server = await new Promise<Server>((resolve) => {
      const listening = app.listen(port, '127.0.0.1', () => resolve(listening));
    });
    try {
      const login = await fetch(`http://localhost:${port}/login`, {
        redirect: 'manual',
        headers: { 'x-forwarded-proto': 'https' },
      });
      expect(login.status).toBe(302);
      const cookie = login.headers.getSetCookie().find((line) => line.startsWith('demo.sid='));
      expect(cookie).toMatch(/; Secure/);
      expect(cookie).toMatch(/; HttpOnly/);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('logout', () => {
  it('is a POST with a CSRF token that ends both sessions', async () => {
    const browser = new Browser();
    const dashboard = await signIn(browser, 'frank.wilson');
    const logout = formPostingTo(dashboard, '/logout');
    const forged = await browser.submit({ ...logout, fields: { _csrf: 'forged' } });
    expect(forged.status).toBe(403);
    expect(forged.body).toContain('invalid_csrf_token');
    expect((await browser.open(`${demo.appUrl}/dashboard`)).status).toBe(200);

    const home = await browser.submit(logout);
    expect(home.url).toBe(`${demo.appUrl}/`);
    expect(home.body).toContain('href="/login"');
    const again = await browser.open(`${demo.appUrl}/dashboard`);
    expect(again.body).toContain('Pick a seeded user');
  });
});

describe('sign-in errors become readable pages', () => {
  it('Deny at the provider: access_denied', async () => {
    const browser = new Browser();
    const page = await browser.open(`${demo.appUrl}/login`);
    const denied = await browser.submit(formPostingTo(page, '/abort'));
    expect(denied.status).toBe(400);
    expect(denied.body).toContain('<code data-error-code>access_denied</code>');
    expect(denied.body).not.toMatch(/at \w+ \(|node_modules/);
  });

  it('a tampered state: state_mismatch, without cancelling the real sign-in; a code is used once', async () => {
    const browser = new Browser();
    const page = await browser.open(`${demo.appUrl}/login`);
    const callback = await browser.submit(
      userPicker(page),
      { user_id: login('carol').id },
      `${demo.appUrl}/authorization-code/callback`,
    );
    const tampered = new URL(callback.url);
    tampered.searchParams.set('state', 'not-the-state');
    const result = await browser.open(tampered.href);
    expect(result.status).toBe(400);
    expect(result.body).toContain('state_mismatch');

    const genuine = await browser.open(callback.url);
    expect(genuine.url).toBe(`${demo.appUrl}/dashboard`);
    const replay = await browser.open(callback.url);
    expect(replay.body).toContain('no_login_in_progress');
  });

  it('two tabs signing in at once both complete', async () => {
    const browser = new Browser();
    const first = await browser.open(`${demo.appUrl}/login?returnTo=%2Fprofile`);
    const second = await browser.open(`${demo.appUrl}/login?returnTo=%2Fteam%2Ffinance`);
    const carol = { user_id: login('carol').id };
    const secondDone = await browser.submit(userPicker(second), carol);
    expect(secondDone.url).toBe(`${demo.appUrl}/team/finance`);
    const firstCallback = await browser.submit(
      userPicker(first),
      carol,
      `${demo.appUrl}/authorization-code/callback`,
    );
    // The provider session from the second tab already exists; the first tab's login still completes.
    const firstDone = await browser.open(firstCallback.url);
    expect(firstDone.url).toBe(`${demo.appUrl}/profile`);
  });

  it('a callback with no sign-in in progress', async () => {
    const page = await new Browser().open(
      `${demo.appUrl}/authorization-code/callback?code=x&state=y`,
    );
    expect(page.status).toBe(400);
    expect(page.body).toContain('no_login_in_progress');
  });

  it('an unknown page: 404; a malformed URL: 400, not a server error', async () => {
    const page = await new Browser().open(`${demo.appUrl}/nowhere`);
    expect(page.status).toBe(404);
    const browser = new Browser();
    await signIn(browser, 'carol.lee');
    const malformed = await browser.open(`${demo.appUrl}/team/%ZZ`);
    expect(malformed.status).toBe(400);
    expect(malformed.body).toContain('invalid_request');
  });

  it('keeps signed-in pages out of the browser cache', async () => {
    const browser = new Browser();
    const dashboard = await signIn(browser, 'carol.lee');
    expect(dashboard.headers.get('cache-control')).toBe('no-store');
  });
});

describe('how you signed in', () => {
  it('shows the real values with the S256, state, nonce and signature checks passing, and no secrets', async () => {
    const browser = new Browser();
    await signIn(browser, 'sarah.morgan');
    const flow = await browser.open(`${demo.appUrl}/flow`);
    expect(flow.body).toContain('✓ S256 check passes');
    expect(flow.body).toContain('✓ state matches');
    expect(flow.body).toContain('✓ nonce matches');
    expect(flow.body.match(/✓ RS256 signature verified/g)).toHaveLength(2);
    expect(flow.body).toContain('<svg class="sequence');
    expect(flow.body).toContain('code_verifier');
    const secret = demo.provider.seed.clients.find(
      (client) => client.client_id === 'demo-web-on-test-port',
    )?.client_secret;
    expect(flow.body).not.toContain(secret);
    expect(flow.body).toContain('client_secret ••••••••');
  });
});

describe('the API', () => {
  const context = () => ({
    seed: demo.provider.seed,
    keys: demo.provider.keys(),
    issuers: demo.provider.issuers,
  });
  /** An access token as the SPA gets one: with the API's scope. */
  const tokenFor = (
    user: string,
    options: { expiresIn?: number; audience?: string; claims?: Record<string, unknown> } = {},
  ) => mintAccessToken(context(), { user, scopes: ['openid', 'expenses:read'], ...options });
  const call = (team: string, token?: string, headers: Record<string, string> = {}) =>
    fetch(`${demo.appUrl}/api/teams/${team}/expenses`, {
      headers: token ? { authorization: `Bearer ${token}`, ...headers } : headers,
    });

  it('wants a bearer token: 401 with WWW-Authenticate', async () => {
    const missing = await call('finance');
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer realm="expenses"/);
    const garbage = await call('finance', 'not.a.token');
    expect(garbage.status).toBe(401);
    expect(garbage.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('answers refusals with RFC 6750 challenges and JSON bodies, even to a browser', async () => {
    // No credentials: a bare challenge, no error code (RFC 6750 §3.1).
    const missing = await call('finance', undefined, { accept: 'text/html' });
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="expenses"');
    expect(missing.headers.get('content-type')).toContain('application/json');
    expect(await missing.json()).toEqual({
      error: 'unauthorized',
      error_description: 'A bearer access token is required',
    });

    const garbage = await call('finance', 'not.a.token');
    expect(garbage.headers.get('www-authenticate')).toBe(
      'Bearer realm="expenses", error="invalid_token", error_description="The access token is invalid"',
    );
    expect(await garbage.json()).toEqual({
      error: 'invalid_token',
      error_description: 'The access token is invalid',
    });

    const malformed = await fetch(`${demo.appUrl}/api/teams/finance/expenses`, {
      headers: { authorization: 'Bearer two tokens' },
    });
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get('www-authenticate')).toContain('error="invalid_request"');
    expect(await malformed.json()).toMatchObject({ error: 'invalid_request' });

    // Another scheme is no bearer credentials at all.
    const basic = await fetch(`${demo.appUrl}/api/teams/finance/expenses`, {
      headers: { authorization: 'Basic eDp5' },
    });
    expect(basic.status).toBe(401);
    expect(basic.headers.get('www-authenticate')).toBe('Bearer realm="expenses"');
  });

  it("applies the team rules to the token's groups", async () => {
    const carol = await tokenFor('carol.lee@task-vantage.com');
    const finance = await call('finance', carol);
    expect(finance.status).toBe(200);
    expect(await finance.json()).toMatchObject({ team: { id: 'finance' }, total: 2780 });
    const legal = await call('legal', carol, { accept: 'text/html' });
    expect(legal.status).toBe(403);
    expect(legal.headers.get('www-authenticate')).toBe(null);
    expect(await legal.json()).toEqual({
      error: 'forbidden',
      error_description: 'Not a member of Legal',
    });
    const nope = await call('nope', carol);
    expect(nope.status).toBe(404);
    expect(await nope.json()).toEqual({ error: 'not_found', error_description: 'No such team' });
    // The admin sees every team with a second factor (demo-step-up.test.ts has the rest).
    const hannah = await tokenFor('hannah.smith@task-vantage.com', {
      claims: { acr: 'urn:okta:loa:2fa:any' },
    });
    expect((await call('legal', hannah)).status).toBe(200);
    const oneFactor = await tokenFor('hannah.smith@task-vantage.com');
    expect((await call('legal', oneFactor)).status).toBe(403);
  });

  it('refuses expired, wrong-audience and under-scoped tokens', async () => {
    const expired = await tokenFor('carol.lee@task-vantage.com', { expiresIn: -60 });
    const expiredResponse = await call('finance', expired);
    expect(expiredResponse.status).toBe(401);
    expect(expiredResponse.headers.get('www-authenticate')).toContain('The access token expired');
    const elsewhere = await tokenFor('carol.lee@task-vantage.com', { audience: 'api://other' });
    expect((await call('finance', elsewhere)).status).toBe(401);
    const noScope = await mintAccessToken(context(), {
      user: 'carol.lee@task-vantage.com',
      scopes: ['profile'],
    });
    const forbidden = await call('finance', noScope);
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
  });

  it('requires expenses:read, not openid', async () => {
    // openid profile email: a sign-in token that never asked for the API.
    const signInOnly = await mintAccessToken(context(), { user: 'carol.lee@task-vantage.com' });
    const refused = await call('finance', signInOnly);
    expect(refused.status).toBe(403);
    expect(refused.headers.get('www-authenticate')).toBe(
      'Bearer realm="expenses", error="insufficient_scope", error_description="The access token lacks the expenses:read scope", scope="expenses:read"',
    );
    expect(await refused.json()).toEqual({
      error: 'insufficient_scope',
      error_description: 'The access token lacks the expenses:read scope',
    });
    const apiOnly = await mintAccessToken(context(), {
      user: 'carol.lee@task-vantage.com',
      scopes: ['expenses:read'],
    });
    expect((await call('finance', apiOnly)).status).toBe(200);
  });

  it('is what the SPA asks for', async () => {
    const page = await new Browser().open(`${demo.appUrl}/spa/`);
    const config = JSON.parse(
      /<script[^>]*id="spa-config"[^>]*>([^<]*)<\/script>/.exec(page.body)?.[1] ?? '{}',
    ) as { scope?: string };
    expect(config.scope?.split(' ')).toContain('expenses:read');
  });

  it("hands the SPA's lesson its spec links from the one table", async () => {
    const page = await new Browser().open(`${demo.appUrl}/spa/`);
    const links = JSON.parse(
      /<script[^>]*id="spa-spec"[^>]*>([^<]*)<\/script>/.exec(page.body)?.[1] ?? '{}',
    ) as Record<string, { href: string; label: string; why: string }>;
    expect(Object.keys(links).length).toBeGreaterThanOrEqual(20);
    expect(links.code_challenge_method).toEqual(specLinks.code_challenge_method);
    expect(links.iss).toEqual(specLinks['token.iss']);
    expect(links.public_client?.href).toContain('rfc6749#section-2.1');
    expect(links.invalid_token?.href).toContain('rfc6750');
    // No inline script: the data is JSON, the code is /assets/spa.js (the CSP allows no more).
    const scripts = [...page.body.matchAll(/<script([^>]*)>/g)].map((match) => match[1] ?? '');
    expect(scripts.every((attributes) => /type="application\/json"|src="/.test(attributes))).toBe(
      true,
    );
  });
});

describe('discovery at start-up', () => {
  it('answers requests with a 503 while the provider is not up, instead of hanging', async () => {
    const oidc = createOidc({
      issuer: `http://localhost:${await freePort()}/oauth2/default`,
      clientId: 'x',
      clientSecret: 'y',
      log: () => undefined,
      waitMs: 200,
    });
    try {
      await expect(oidc.configuration()).rejects.toMatchObject({
        status: 503,
        code: 'provider_unavailable',
      });
    } finally {
      // Its provider never comes: without this, the retry would outlive the test.
      oidc.close();
    }
  });

  it('retries until the provider is up, then keeps the configuration', async () => {
    const port = await freePort();
    const oidc = createOidc({
      issuer: `http://localhost:${port}/oauth2/default`,
      clientId: 'x',
      clientSecret: 'y',
      log: () => undefined,
    });
    let resolved = false;
    const pending = oidc.configuration().then((configuration) => {
      resolved = true;
      return configuration;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(resolved).toBe(false);
    const late = await startTestProvider({ port });
    try {
      const configuration = await pending;
      expect(configuration.serverMetadata().issuer).toBe(late.issuer);
      expect(await oidc.configuration()).toBe(configuration);
    } finally {
      oidc.close();
      await late.stop();
    }
  });
});
