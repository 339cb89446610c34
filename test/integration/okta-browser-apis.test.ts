/**
 * What Okta's browser SDK relies on, over plain HTTP: okta_post_message answers, public
 * clients at revoke and introspect, the Sessions API, the Classic Authentication API and
 * sessionCookieRedirect, session cookies, and Okta's answers to bad input.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { SeedClient, SeedUser } from '../../seed/schema.js';
import { Browser } from '../helpers/browser.js';
import { isActive } from '../helpers/introspect.js';
import {
  seededClient,
  seededUser,
  startTestProvider,
  useTestProvider,
} from '../helpers/provider.js';
import {
  buildAuthorization,
  buildAuthorizeUrl,
  discoverFor,
  redeemCallback,
  signInWithPicker,
} from '../helpers/relying-party.js';

const provider = useTestProvider();
let origin: string;
let spa: SeedClient;
let web: SeedClient;
let carol: SeedUser;

beforeAll(() => {
  origin = new URL(provider.issuer).origin;
  spa = seededClient(provider.seed, 'spa');
  web = seededClient(provider.seed, 'web');
  carol = seededUser(provider.seed, 'carol.lee');
});

const spaOrigin = () => new URL(spa.redirect_uris[0] ?? '').origin;

/** A browser signed in to the provider, and the SPA's tokens from that sign-in. */
async function spaSignIn(scope = 'openid profile email offline_access') {
  const config = await discoverFor(provider.issuer, spa);
  const browser = new Browser();
  const start = await buildAuthorization(config, spa.redirect_uris[0] ?? '', { scope });
  const callback = await signInWithPicker(browser, start, carol.id);
  const tokens = await redeemCallback(config, start, callback.url);
  return { browser, tokens };
}

const introspect = (token: string) => isActive(provider.issuer, web, token);

/** The SPA's authorization request, its code never redeemed. */
function authorizeUrl(params: Record<string, string>) {
  return buildAuthorizeUrl(provider.issuer, {
    client_id: spa.client_id,
    scope: 'openid',
    redirect_uri: spa.redirect_uris[0] ?? '',
    state: 'state-123',
    ...params,
  }).href;
}

/** The message the okta_post_message page posts, and where to. */
function postedMessage(html: string) {
  const match = /postMessage\((\{.*\}), ("[^"]*")\);/.exec(html);
  if (!match?.[1] || !match[2]) throw new Error(`no postMessage in ${html}`);
  return { message: JSON.parse(match[1]), targetOrigin: JSON.parse(match[2]) as string };
}

describe('response_mode=okta_post_message', () => {
  it('is advertised in discovery', async () => {
    const document = (await (
      await fetch(`${provider.issuer}/.well-known/openid-configuration`)
    ).json()) as { response_modes_supported: string[] };
    expect(document.response_modes_supported).toContain('okta_post_message');
  });

  it('answers prompt=none without a session with login_required, to the redirect URI origin only', async () => {
    const response = await fetch(
      authorizeUrl({ prompt: 'none', response_mode: 'okta_post_message' }),
    );
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(postedMessage(html)).toMatchObject({
      message: { error: 'login_required', state: 'state-123' },
      targetOrigin: spaOrigin(),
    });
    const csp = response.headers.get('content-security-policy') ?? '';
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeDefined();
    expect(html).toContain(`<script nonce="${nonce}">`);
    expect(csp).toContain(`frame-ancestors ${spaOrigin()}`);
    expect(csp).toContain("default-src 'none'");
  });

  it('posts the code for a signed-in browser, and the code redeems', async () => {
    const { browser } = await spaSignIn('openid');
    const config = await discoverFor(provider.issuer, spa);
    const start = await buildAuthorization(config, spa.redirect_uris[0] ?? '', {
      prompt: 'none',
      response_mode: 'okta_post_message',
      scope: 'openid',
    });
    const page = await browser.open(start.url.href);
    const { message, targetOrigin } = postedMessage(page.body);
    expect(targetOrigin).toBe(spaOrigin());
    expect(message).toMatchObject({ code: expect.any(String), state: start.state });
    const callback = new URL(start.redirectUri);
    callback.search = new URLSearchParams(message).toString();
    const tokens = await redeemCallback(config, start, callback);
    expect(tokens.claims()?.sub).toBe(carol.id);
  });

  it('posts implicit tokens, and consent_required for a client the user has not consented to', async () => {
    const { browser } = await spaSignIn('openid');
    const yourApp = seededClient(provider.seed, 'your-app');
    const implicit = await browser.open(
      authorizeUrl({
        client_id: yourApp.client_id,
        redirect_uri: yourApp.redirect_uris[0] ?? '',
        response_type: 'id_token',
        nonce: 'nonce-1',
        prompt: 'none',
        response_mode: 'okta_post_message',
      }),
    );
    const tokens = postedMessage(implicit.body);
    expect(tokens.targetOrigin).toBe(new URL(yourApp.redirect_uris[0] ?? '').origin);
    expect(tokens.message).toMatchObject({ id_token: expect.any(String), state: 'state-123' });

    const partner = seededClient(provider.seed, 'partner');
    const consent = await browser.open(
      authorizeUrl({
        client_id: partner.client_id,
        redirect_uri: partner.redirect_uris[0] ?? '',
        prompt: 'none',
        response_mode: 'okta_post_message',
      }),
    );
    expect(postedMessage(consent.body).message).toMatchObject({
      error: 'consent_required',
      state: 'state-123',
    });
  });

  it('never answers an unregistered redirect URI with a message', async () => {
    const response = await fetch(
      authorizeUrl({
        prompt: 'none',
        response_mode: 'okta_post_message',
        redirect_uri: 'https://attacker.example/callback',
      }),
      { headers: { accept: 'text/html' } },
    );
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).not.toContain('postMessage');
    expect(html).toContain('redirect_uri');
  });

  it('escapes what it posts, so a state cannot end the script', async () => {
    const response = await fetch(
      authorizeUrl({
        prompt: 'none',
        response_mode: 'okta_post_message',
        state: '</script><script>alert(1)</script>',
      }),
    );
    const html = await response.text();
    expect(html).not.toContain('</script><script>');
    expect(postedMessage(html).message.state).toBe('</script><script>alert(1)</script>');
  });
});

describe('session cookies', () => {
  it('are SameSite=Lax over plain http, where browsers refuse None without Secure', async () => {
    const config = await discoverFor(provider.issuer, spa);
    const start = await buildAuthorization(config, spa.redirect_uris[0] ?? '');
    const browser = new Browser();
    await signInWithPicker(browser, start, carol.id);
    const cookies = await browser.jar.getCookies(provider.issuer);
    const session = cookies.find((cookie) => cookie.key === 'understudy_default_session');
    expect(session?.sameSite).toBe('lax');
    expect(session?.httpOnly).toBe(true);
  });

  it('are SameSite=None; Secure over HTTPS, so a hidden iframe on another site sends them', async () => {
    const https = await startTestProvider({ https: true });
    try {
      const httpsSpa = seededClient(https.seed, 'spa');
      const config = await discoverFor(https.issuer, httpsSpa);
      const start = await buildAuthorization(config, httpsSpa.redirect_uris[0] ?? '');
      const browser = new Browser();
      await signInWithPicker(browser, start, carol.id);
      const session = (await browser.jar.getCookies(https.issuer)).find(
        (cookie) => cookie.key === 'understudy_default_session',
      );
      expect(session?.sameSite).toBe('none');
      expect(session?.secure).toBe(true);
    } finally {
      await https.stop();
    }
  });
});

describe('public clients at /v1/revoke and /v1/introspect', () => {
  it('authenticate with Basic client_id alone, or client_id with an empty secret', async () => {
    for (const credentials of [spa.client_id, `${spa.client_id}:`]) {
      const { tokens } = await spaSignIn();
      const refresh = tokens.refresh_token ?? '';
      for (const token of [tokens.access_token, refresh]) {
        const answer = await fetch(`${provider.issuer}/v1/introspect`, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            authorization: `Basic ${Buffer.from(credentials).toString('base64')}`,
          },
          body: new URLSearchParams({ token }),
        });
        expect(answer.status, credentials).toBe(200);
        expect(((await answer.json()) as { active: boolean }).active, credentials).toBe(true);
        const revoked = await fetch(`${provider.issuer}/v1/revoke`, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            authorization: `Basic ${Buffer.from(credentials).toString('base64')}`,
          },
          body: new URLSearchParams({ token }),
        });
        expect(revoked.status, credentials).toBe(200);
        expect(await introspect(token), credentials).toBe(false);
      }
    }
  });

  it('still refuse a confidential client without its secret', async () => {
    const { tokens } = await spaSignIn();
    for (const credentials of [web.client_id, `${web.client_id}:`]) {
      const answer = await fetch(`${provider.issuer}/v1/revoke`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(credentials).toString('base64')}`,
        },
        body: new URLSearchParams({ token: tokens.refresh_token ?? '' }),
      });
      expect(answer.status, credentials).toBeGreaterThanOrEqual(400);
      expect(answer.status, credentials).toBeLessThan(500);
    }
    expect(await introspect(tokens.refresh_token ?? '')).toBe(true);
  });
});

describe('the Sessions API', () => {
  it("reads, refreshes and ends the browser's session, with credentialed CORS", async () => {
    const { browser } = await spaSignIn('openid');
    const headers = async () => ({
      origin: spaOrigin(),
      accept: 'application/json',
      cookie: await browser.jar.getCookieString(`${origin}/api/v1/sessions/me`),
    });
    const me = await fetch(`${origin}/api/v1/sessions/me`, { headers: await headers() });
    expect(me.status).toBe(200);
    expect(me.headers.get('access-control-allow-origin')).toBe(spaOrigin());
    expect(me.headers.get('access-control-allow-credentials')).toBe('true');
    const session = (await me.json()) as Record<string, unknown>;
    expect(session).toMatchObject({
      userId: carol.id,
      login: carol.login,
      status: 'ACTIVE',
      amr: ['pwd'],
      idp: { id: provider.seed.org.id, type: 'OKTA' },
      _links: { refresh: { href: `${origin}/api/v1/sessions/me/lifecycle/refresh` } },
    });
    expect(Date.parse(String(session.expiresAt))).toBeGreaterThan(Date.now());

    const refreshed = await fetch(`${origin}/api/v1/sessions/me/lifecycle/refresh`, {
      method: 'POST',
      headers: await headers(),
    });
    expect(refreshed.status).toBe(200);
    const later = (await refreshed.json()) as { expiresAt: string; id: string };
    expect(Date.parse(later.expiresAt)).toBeGreaterThanOrEqual(
      Date.parse(String(session.expiresAt)),
    );
    expect(later.id).toBe(session.id);

    const closed = await fetch(`${origin}/api/v1/sessions/me`, {
      method: 'DELETE',
      headers: await headers(),
    });
    expect(closed.status).toBe(204);
    const gone = await fetch(`${origin}/api/v1/sessions/me`, { headers: await headers() });
    expect(gone.status).toBe(404);
    expect(await gone.json()).toMatchObject({ errorCode: 'E0000007' });
  });

  it('changes nothing for a page on an untrusted origin, even without a preflight', async () => {
    const { browser } = await spaSignIn('openid');
    const cookie = await browser.jar.getCookieString(`${origin}/api/v1/sessions/me`);
    for (const [method, path] of [
      ['POST', '/api/v1/sessions/me/lifecycle/refresh'],
      ['DELETE', '/api/v1/sessions/me'],
    ] as const) {
      const response = await fetch(`${origin}${path}`, {
        method,
        headers: { origin: 'https://attacker.example', cookie },
      });
      expect(response.status, path).toBe(403);
      expect(await response.json(), path).toMatchObject({ errorCode: 'E0000006' });
    }
    const still = await fetch(`${origin}/api/v1/sessions/me`, { headers: { cookie } });
    expect(still.status).toBe(200);
  });

  it('answers preflights for trusted origins only', async () => {
    const preflight = (from: string) =>
      fetch(`${origin}/api/v1/sessions/me`, {
        method: 'OPTIONS',
        headers: {
          origin: from,
          'access-control-request-method': 'DELETE',
          'access-control-request-headers': 'x-okta-user-agent-extended',
        },
      });
    const trusted = await preflight(spaOrigin());
    expect(trusted.status).toBe(204);
    expect(trusted.headers.get('access-control-allow-origin')).toBe(spaOrigin());
    expect(trusted.headers.get('access-control-allow-methods')).toContain('DELETE');
    expect(trusted.headers.get('access-control-allow-headers')).toBe('x-okta-user-agent-extended');
    const foreign = await preflight('https://attacker.example');
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('the Classic Authentication API', () => {
  const authn = (body: unknown, raw?: string) =>
    fetch(`${origin}/api/v1/authn`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: raw ?? JSON.stringify(body),
    });

  it("answers a right password with Okta's SUCCESS and a sessionToken", async () => {
    const response = await authn({ username: carol.login, password: 'understudy' });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      status: 'SUCCESS',
      sessionToken: expect.any(String),
      _embedded: {
        user: {
          id: carol.id,
          profile: {
            login: carol.login,
            firstName: carol.givenName,
            lastName: carol.familyName,
            locale: carol.locale,
            timeZone: carol.zoneinfo,
          },
        },
      },
    });
    const lifetime = Date.parse(String(body.expiresAt)) - Date.now();
    expect(lifetime).toBeGreaterThan(4 * 60_000);
    expect(lifetime).toBeLessThanOrEqual(5 * 60_000);
  });

  it('gives a wrong password and an unknown user the same 401', async () => {
    for (const body of [
      { username: carol.login, password: 'nope' },
      { username: 'nobody@example.com', password: 'understudy' },
    ]) {
      const response = await authn(body);
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({
        errorCode: 'E0000004',
        errorSummary: 'Authentication failed',
        errorLink: 'E0000004',
        errorId: 'understudy',
        errorCauses: [],
      });
    }
  });

  it("answers a malformed body with Okta's 400, never a 500", async () => {
    const broken = await authn(undefined, '{"username":');
    expect(broken.status).toBe(400);
    expect(await broken.json()).toMatchObject({ errorCode: 'E0000003' });
    const missing = await authn({ username: carol.login });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ errorCode: 'E0000001' });
  });

  it('signs in through sessionCookieRedirect once, and only to a registered place', async () => {
    const token = async () =>
      (
        (await (await authn({ username: carol.login, password: 'understudy' })).json()) as {
          sessionToken: string;
        }
      ).sessionToken;
    const redirect = (sessionToken: string, redirectUrl: string) =>
      `${origin}/login/sessionCookieRedirect?${new URLSearchParams({ checkAccountSetupComplete: 'true', token: sessionToken, redirectUrl })}`;

    const elsewhere = await fetch(redirect(await token(), 'https://attacker.example/'), {
      redirect: 'manual',
      headers: { accept: 'text/html' },
    });
    expect(elsewhere.status).toBe(400);

    const sessionToken = await token();
    const browser = new Browser();
    const landed = await browser.open(
      redirect(sessionToken, spa.redirect_uris[0] ?? ''),
      spa.redirect_uris[0],
    );
    expect(landed.url).toBe(spa.redirect_uris[0]);
    const me = await fetch(`${origin}/api/v1/sessions/me`, {
      headers: { cookie: await browser.jar.getCookieString(`${origin}/api/v1/sessions/me`) },
    });
    expect(((await me.json()) as { userId: string }).userId).toBe(carol.id);

    const again = await fetch(redirect(sessionToken, spa.redirect_uris[0] ?? ''), {
      redirect: 'manual',
      headers: { accept: 'text/html' },
    });
    expect(again.status).toBe(401);
    expect(await again.text()).toContain('login_required');
  });

  it('signs in at /v1/authorize with a sessionToken, once; a spent one is login_required', async () => {
    const { sessionToken } = (await (
      await authn({ username: carol.login, password: 'understudy' })
    ).json()) as { sessionToken: string };
    const url = authorizeUrl({ prompt: 'none', response_mode: 'okta_post_message', sessionToken });
    const first = postedMessage(await (await fetch(url)).text());
    expect(first.message).toMatchObject({ code: expect.any(String), state: 'state-123' });
    const second = postedMessage(await (await fetch(url)).text());
    expect(second.message).toMatchObject({ error: 'login_required', state: 'state-123' });

    const redirectFlow = await fetch(authorizeUrl({ sessionToken }), {
      redirect: 'manual',
      headers: { accept: 'text/html' },
    });
    expect(redirectFlow.status).toBe(401);
    expect(await redirectFlow.text()).toContain('login_required');
  });

  it("answers any other /api/v1 path with Okta's 404 that says it is not emulated", async () => {
    const response = await fetch(`${origin}/api/v1/apps`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({
      errorCode: 'E0000007',
      errorSummary: expect.stringContaining('does not emulate'),
    });
  });
});
