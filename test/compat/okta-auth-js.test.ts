/**
 * Okta's browser SDK, unmodified, as okta-react/angular/vue use it: @okta/okta-auth-js 7.x
 * (what okta-react 6 depends on) and 8.x, their browser bundles from node_modules, in real
 * Chromium. The app page is on http://localhost, the provider on https with the local CA:
 * two sites, as in real use, so the hidden iframe needs SameSite=None session cookies. Step-up
 * (acrValues, checked by the SDK against the ID token's acr) and maxAge: 0 run as the admin,
 * with Google Authenticator, in a browser of their own.
 */
import { decodeJwt } from 'jose';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totp } from '../../provider/testkit/index.js';
import { signInWithPage } from '../../provider/testkit/playwright.js';
import { chromiumAvailable, chromiumPath, offlineChromiumArgs } from '../helpers/chromium.js';
import { freePort } from '../helpers/child-app.js';
import { isActive } from '../helpers/introspect.js';
import {
  seededClient,
  seededUser,
  seedWithClients,
  startTestProvider,
  type TestProvider,
} from '../helpers/provider.js';
import { type OktaAuthVersion, type SpaHost, startSpaHost } from '../helpers/spa-host.js';

const clientId = '0oaOktaAuthJsBrowser1';

declare global {
  // What the SPA page defines (see test/helpers/spa-host.ts). The SDK's types stay out: the
  // callbacks run in the page, and only plain data comes back.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  var makeAuth: (extra?: Record<string, unknown>) => any;
  var location: { href: string };
  var addEventListener: (type: 'message', listener: (event: { data: unknown }) => void) => void;
  var document: {
    createElement(tag: 'iframe'): { src: string; onload: unknown };
    body: { append(element: unknown): void };
  };
}

/**
 * A Chromium of its own on a fresh profile, recording every authorization request it makes
 * (frames and popups included) in `authorizeRequests`.
 */
async function launchProfile(authorizeRequests: URL[]) {
  // A normal Chrome profile allows third-party cookies; a fresh headless one does not.
  const profile = mkdtempSync(join(tmpdir(), 'understudy-chromium-'));
  const removeProfile = () => rmSync(profile, { recursive: true, force: true });
  try {
    mkdirSync(join(profile, 'Default'));
    writeFileSync(
      join(profile, 'Default', 'Preferences'),
      JSON.stringify({
        profile: { cookie_controls_mode: 0, block_third_party_cookies: false },
      }),
    );
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath,
      headless: true,
      // Trusts the run's local CA the way NODE_EXTRA_CA_CERTS does for Node: nothing else.
      ignoreHTTPSErrors: true,
      args: offlineChromiumArgs,
    });
    context.on('request', (request) => {
      const url = new URL(request.url());
      if (url.pathname.endsWith('/v1/authorize')) authorizeRequests.push(url);
    });
    return {
      context,
      close: async () => {
        await context.close();
        removeProfile();
      },
    };
  } catch (error) {
    removeProfile();
    throw error;
  }
}

/**
 * The provider takes each 30-second step's code once per user, and both versions sign the
 * same admin in: each sign-in gets a step no earlier one used (the provider accepts one step
 * either side of now).
 */
let lastTotpStep = 0;
function unusedTotp(secret: string): string {
  const step = Math.max(Math.floor(Date.now() / 30_000), lastTotpStep + 1);
  lastTotpStep = step;
  return totp(secret, step * 30);
}

describe.runIf(chromiumAvailable())('@okta/okta-auth-js in Chromium', () => {
  let provider: TestProvider;
  let spa: SpaHost;

  beforeAll(async () => {
    const port = await freePort();
    const origin = `http://localhost:${port}`;
    const seed = await seedWithClients([
      {
        client_id: clientId,
        client_name: 'okta-auth-js test SPA',
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: [`${origin}/v7/login/callback`, `${origin}/v8/login/callback`],
        post_logout_redirect_uris: [`${origin}/v7/`, `${origin}/v8/`],
        allowedOrigins: [origin],
      },
    ]);
    provider = await startTestProvider({ seed, https: true });
    spa = await startSpaHost(port, (version, pageOrigin) => ({
      issuer: provider.issuer,
      clientId,
      redirectUri: `${pageOrigin}/${version}/login/callback`,
      postLogoutRedirectUri: `${pageOrigin}/${version}/`,
      scopes: ['openid', 'profile', 'email'],
      pkce: true,
      tokenManager: { autoRenew: false, autoRemove: false },
      // handleLoginRedirect would otherwise navigate away from the callback page.
      restoreOriginalUri: null,
    }));
  }, 60_000);

  afterAll(async () => {
    await spa?.close();
    await provider?.stop();
  });

  const introspect = (token: string) =>
    isActive(provider.issuer, seededClient(provider.seed, 'web'), token);

  for (const version of ['v7', 'v8'] satisfies OktaAuthVersion[]) {
    describe(`okta-auth-js ${version === 'v7' ? '7.14' : '8.0'}`, () => {
      let page: Page;
      let context: BrowserContext;
      let close: (() => Promise<void>) | undefined;
      /** Every authorization request the browser made, frames and popups included. */
      const authorizeRequests: URL[] = [];
      const user = () => seededUser(provider.seed, version === 'v7' ? 'carol.lee' : 'grace.li');
      const home = () => `${spa.origin}/${version}/`;

      beforeAll(async () => {
        ({ context, close } = await launchProfile(authorizeRequests));
        page = await context.newPage();
      }, 60_000);
      afterAll(() => close?.());

      it('signs in with redirect: handleLoginRedirect, getUser, session.exists', async () => {
        await page.goto(home());
        expect(await page.evaluate(() => globalThis.makeAuth().session.exists())).toBe(false);
        await page.evaluate(() => {
          void globalThis.makeAuth().signInWithRedirect();
        });
        await page.waitForURL(/\/interaction\//);
        await signInWithPage(page, user().login);
        await page.waitForURL(new RegExp(`^${spa.origin}/${version}/login/callback\\?code=`));
        const result = await page.evaluate(async () => {
          const auth = globalThis.makeAuth();
          await auth.handleLoginRedirect();
          const tokens = await auth.tokenManager.getTokens();
          return {
            sub: tokens.idToken?.claims.sub,
            accessToken: tokens.accessToken?.accessToken,
            refreshToken: tokens.refreshToken?.refreshToken,
            user: await auth.getUser(),
            exists: await auth.session.exists(),
            session: await auth.session.get(),
          };
        });
        expect(result.sub).toBe(user().id);
        // The default groups claim lets the built-in Everyone through, as Okta's guide sets it.
        expect(decodeJwt(result.accessToken ?? '').groups).toEqual(['Everyone', ...user().groups]);
        expect(result.accessToken).toEqual(expect.any(String));
        expect(result.refreshToken).toBeUndefined();
        expect(result.user).toMatchObject({ sub: user().id, email: user().email });
        expect(result.exists).toBe(true);
        expect(result.session).toMatchObject({
          status: 'ACTIVE',
          userId: user().id,
          login: user().login,
        });
      });

      it('renews the access token in a hidden iframe when there is no refresh token', async () => {
        const before = authorizeRequests.length;
        const { oldToken, newToken } = await page.evaluate(async () => {
          const auth = globalThis.makeAuth();
          const old = (await auth.tokenManager.getTokens()).accessToken.accessToken;
          const renewed = await auth.tokenManager.renew('accessToken');
          return { oldToken: old, newToken: renewed.accessToken };
        });
        expect(newToken).not.toBe(oldToken);
        const silent = authorizeRequests.slice(before);
        expect(silent).toHaveLength(1);
        expect(silent[0]?.searchParams.get('prompt')).toBe('none');
        expect(silent[0]?.searchParams.get('response_mode')).toBe('okta_post_message');
        expect(await introspect(newToken)).toBe(true);
      });

      it('signs in with a popup, and then renews with the refresh token', async () => {
        const popupOpened = context.waitForEvent('page');
        const tokens = page.evaluate(async () => {
          const auth = globalThis.makeAuth();
          const { tokens } = await auth.token.getWithPopup({
            scopes: ['openid', 'profile', 'email', 'offline_access'],
          });
          auth.tokenManager.setTokens(tokens);
          return {
            refreshToken: tokens.refreshToken?.refreshToken,
            sub: tokens.idToken?.claims.sub,
          };
        });
        const popup = await popupOpened;
        // The provider session from the first test signs the popup in without a page.
        await popup.waitForEvent('close');
        const popped = await tokens;
        expect(popped.sub).toBe(user().id);
        expect(popped.refreshToken).toEqual(expect.any(String));

        const before = authorizeRequests.length;
        const renewed = await page.evaluate(async () => {
          const auth = globalThis.makeAuth();
          return (await auth.tokenManager.renew('accessToken')).accessToken;
        });
        expect(authorizeRequests.length).toBe(before);
        expect(await introspect(renewed)).toBe(true);
      });

      it('signs out: both tokens revoked, back on the post-logout URI, the next sign-in asks again', async () => {
        const tokens = await page.evaluate(async () => {
          const all = await globalThis.makeAuth().tokenManager.getTokens();
          return { access: all.accessToken.accessToken, refresh: all.refreshToken.refreshToken };
        });
        await page.evaluate(() => {
          void globalThis.makeAuth().signOut();
        });
        await page.waitForURL(home());
        expect(await introspect(tokens.access)).toBe(false);
        expect(await introspect(tokens.refresh)).toBe(false);
        expect(await page.evaluate(() => globalThis.makeAuth().session.exists())).toBe(false);

        await page.evaluate(() => {
          void globalThis.makeAuth().signInWithRedirect();
        });
        await page.waitForURL(/\/interaction\//);
        await expect
          .poll(() => page.locator(`button[data-login="${user().login}"]`).count())
          .toBe(1);
        await page.goto(home());
      });

      it('posts nothing to a page on another origin that frames the authorize request', async () => {
        // Same host and port, another origin (127.0.0.1 is not localhost): not the client's.
        await page.goto(home().replace('://localhost:', '://127.0.0.1:'));
        const authorize = new URL(`${provider.issuer}/v1/authorize`);
        authorize.search = new URLSearchParams({
          client_id: clientId,
          response_type: 'code',
          scope: 'openid',
          redirect_uri: `${home()}login/callback`,
          state: 'framed-elsewhere',
          code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
          code_challenge_method: 'S256',
          prompt: 'none',
          response_mode: 'okta_post_message',
        }).toString();
        const messages = await page.evaluate(async (src) => {
          const received: unknown[] = [];
          globalThis.addEventListener('message', (event) => received.push(event.data));
          const frame = document.createElement('iframe');
          frame.src = src;
          await new Promise((resolve) => {
            frame.onload = resolve;
            document.body.append(frame);
          });
          // Posting happens as the framed page loads; give it a moment after that.
          await new Promise((resolve) => setTimeout(resolve, 500));
          return received;
        }, authorize.href);
        expect(messages).toEqual([]);
        await page.goto(home());
      });

      it('signs in with a custom form: signInWithCredentials, then the sessionToken', async () => {
        await page.goto(home());
        const wrong = await page.evaluate(async (login) => {
          try {
            await globalThis
              .makeAuth()
              .signInWithCredentials({ username: login, password: 'wrong' });
            return undefined;
          } catch (error) {
            const { errorCode, errorSummary } = error as {
              errorCode: string;
              errorSummary: string;
            };
            return { errorCode, errorSummary };
          }
        }, user().login);
        expect(wrong).toEqual({ errorCode: 'E0000004', errorSummary: 'Authentication failed' });

        const silent = await page.evaluate(async (login) => {
          const auth = globalThis.makeAuth();
          const transaction = await auth.signInWithCredentials({
            username: login,
            password: 'understudy',
          });
          const { tokens } = await auth.token.getWithoutPrompt({
            sessionToken: transaction.sessionToken,
          });
          let again: string | undefined;
          try {
            await auth.token.getWithoutPrompt({ sessionToken: transaction.sessionToken });
          } catch (error) {
            again = (error as { errorCode: string }).errorCode;
          }
          return { status: transaction.status, sub: tokens.idToken?.claims.sub, again };
        }, user().login);
        expect(silent).toEqual({ status: 'SUCCESS', sub: user().id, again: 'login_required' });

        const sessionToken = await page.evaluate(async (login) => {
          const auth = globalThis.makeAuth();
          await auth.closeSession();
          const transaction = await auth.signInWithCredentials({
            username: login,
            password: 'understudy',
          });
          return transaction.sessionToken as string;
        }, user().login);
        expect(await page.evaluate(() => globalThis.makeAuth().session.exists())).toBe(false);
        await Promise.all([
          page.waitForURL(`${home()}?signed-in`),
          page.evaluate((token) => {
            const auth = globalThis.makeAuth();
            auth.session.setCookieAndRedirect(token, `${globalThis.location.href}?signed-in`);
          }, sessionToken),
        ]);
        expect(await page.evaluate(() => globalThis.makeAuth().session.exists())).toBe(true);

        // Spent: the same token at sessionCookieRedirect is refused with a readable page.
        const spent = new URL(`${new URL(provider.issuer).origin}/login/sessionCookieRedirect`);
        spent.search = new URLSearchParams({ token: sessionToken, redirectUrl: home() }).toString();
        const refused = await page.goto(spent.href);
        expect(refused?.status()).toBe(401);
        expect(await page.textContent('body')).toContain('login_required');
      });
    });

    describe(`okta-auth-js ${version === 'v7' ? '7.14' : '8.0'}: step-up and max_age`, () => {
      let page: Page;
      let context: BrowserContext;
      let close: (() => Promise<void>) | undefined;
      const authorizeRequests: URL[] = [];
      const stepUp = 'urn:okta:loa:2fa:any';
      // The admin, who has Google Authenticator: in a browser of her own, away from the above.
      const hannah = () => seededUser(provider.seed, 'hannah.smith');
      const home = () => `${spa.origin}/${version}/`;
      const callback = () => new RegExp(`^${spa.origin}/${version}/login/callback\\?code=`);

      beforeAll(async () => {
        ({ context, close } = await launchProfile(authorizeRequests));
        page = await context.newPage();
      }, 60_000);
      afterAll(() => close?.());

      it("steps up with acrValues through Google Authenticator, and passes the SDK's acr check", async () => {
        const otp = hannah().authenticators.find(({ key }) => key === 'google_otp');
        if (otp?.key !== 'google_otp')
          throw new Error('the seed gives hannah Google Authenticator');
        await page.goto(home());
        const before = authorizeRequests.length;
        await page.evaluate((acrValues) => {
          void globalThis.makeAuth().signInWithRedirect({ acrValues });
        }, stepUp);
        await page.waitForURL(/\/interaction\//);
        await signInWithPage(page, hannah().login);
        // The picker stands for the password; the request's acr_values want a second factor.
        await page.getByText("Verify it's you with a security method").waitFor({ timeout: 10_000 });
        await page.click('[aria-label="Select Google Authenticator."]');
        await page.fill('input[name="credentials.passcode"]', unusedTotp(otp.secret));
        await page.click('[type="submit"]');
        await page.waitForURL(callback());
        expect(
          authorizeRequests.slice(before).map((url) => url.searchParams.get('acr_values')),
        ).toEqual([stepUp]);

        const result = await page.evaluate(async () => {
          const auth = globalThis.makeAuth();
          // What handleLoginRedirect checks the ID token's acr against: the request's.
          const state = new URL(globalThis.location.href).searchParams.get('state');
          const expected = auth.transactionManager.load({ state })?.acrValues as unknown;
          let redirectError: string | undefined;
          try {
            await auth.handleLoginRedirect();
          } catch (error) {
            redirectError = String((error as Error).message ?? error);
          }
          const tokens = await auth.tokenManager.getTokens();
          // The same check with another acr asked for: the SDK must refuse the token.
          let otherAcr: string | undefined;
          try {
            await auth.token.verify(tokens.idToken, { acrValues: 'urn:okta:loa:1fa:any' });
          } catch (error) {
            otherAcr = (error as Error).message;
          }
          return {
            expected,
            redirectError,
            claims: tokens.idToken?.claims as Record<string, unknown> | undefined,
            accessToken: tokens.accessToken?.accessToken as string | undefined,
            otherAcr,
          };
        });
        expect(result.expected).toBe(stepUp);
        expect(result.redirectError).toBeUndefined();
        expect(result.claims).toMatchObject({ sub: hannah().id, acr: stepUp });
        expect(result.claims?.amr).toContain('mfa');
        expect(result.claims?.amr).toEqual(expect.arrayContaining(['otp', 'pwd']));
        expect(decodeJwt(result.accessToken ?? '').acr).toBe(stepUp);
        expect(result.otherAcr).toBe(
          `The acr [${stepUp}] does not match acr_values [urn:okta:loa:1fa:any]`,
        );
      });

      it('asks for the password again with maxAge: 0, though the session is there', async () => {
        await page.goto(home());
        expect(await page.evaluate(() => globalThis.makeAuth().session.exists())).toBe(true);
        const before = authorizeRequests.length;
        await page.evaluate(() => {
          void globalThis.makeAuth().signInWithRedirect({ maxAge: 0 });
        });
        // The sign-in page, not a redirect straight back with a code.
        const passcode = page.locator('input[name="credentials.passcode"]');
        const landed = await Promise.race([
          passcode.waitFor({ state: 'visible', timeout: 10_000 }).then(
            () => 'the sign-in page',
            () => 'no password field',
          ),
          page.waitForURL(callback(), { timeout: 10_000 }).then(
            () => 'the callback, silently',
            () => 'no callback',
          ),
        ]);
        expect(landed).toBe('the sign-in page');
        expect(page.url()).toMatch(/\/interaction\//);
        expect(await page.locator('input[name="identifier"]').isVisible()).toBe(true);
        expect(
          authorizeRequests.slice(before).map((url) => url.searchParams.get('max_age')),
        ).toEqual(['0']);

        await page.fill('input[name="identifier"]', hannah().login);
        await passcode.fill('understudy');
        await page.click('[data-se="o-form-input-submit"]');
        await page.waitForURL(callback());
        const claims = await page.evaluate(async () => {
          const auth = globalThis.makeAuth();
          await auth.handleLoginRedirect();
          return (await auth.tokenManager.getTokens()).idToken?.claims as Record<string, unknown>;
        });
        // A sign-in of its own (the password only), not the stepped-up session's.
        expect(claims.sub).toBe(hannah().id);
        expect(claims.amr).toEqual(['pwd']);
        // Required in the ID token when the request had max_age (OIDC Core 3.1.2.1).
        expect(claims.auth_time).toEqual(expect.any(Number));
      });
    });
  }
});
