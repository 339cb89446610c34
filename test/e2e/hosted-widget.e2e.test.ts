/**
 * Okta's own Sign-In Widget as the hosted page ("signInPage": { "widget": true }), driven by an
 * e2e script written for Okta's hosted page: only the widget's selectors (`identifier`,
 * `credentials.passcode`, its submit button, the authenticator buttons), ending at the client's
 * redirect URI with a code that openid-client redeems (state, nonce and PKCE checked). The
 * second factor comes from the test kit's TOTP and the outbox, as in CI against Okta; a
 * browser already signed in with a password is asked only for the factor a step-up adds.
 */
import { decodeJwt } from 'jose';
import * as client from 'openid-client';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totp } from '../../provider/okta/index.js';
import { chromiumAvailable, launchChromium } from '../helpers/chromium.js';
import {
  seedWith,
  seededClient,
  seededUser,
  startTestProvider,
  type TestProvider,
} from '../helpers/provider.js';
import {
  type AuthorizationStart,
  buildAuthorization,
  discoverFor,
} from '../helpers/relying-party.js';
import { submitWidgetForm } from '../helpers/widget-host.js';
import { totpSecretOf } from '../helpers/codes.js';

const twoFactor = 'urn:okta:loa:2fa:any';

describe.runIf(chromiumAvailable())('the hosted Sign-In Widget in Chromium', () => {
  let browser: Browser;
  let provider: TestProvider;
  let config: client.Configuration;
  let redirectUri: string;

  beforeAll(async () => {
    browser = await launchChromium();
    provider = await startTestProvider({
      control: true,
      seed: await seedWith(() => ({ signInPage: { identifierFirst: false, widget: true } })),
    });
    const web = seededClient(provider.seed, 'web');
    redirectUri = web.redirect_uris[0] ?? '';
    config = await discoverFor(provider.issuer, web);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await provider?.stop();
  });

  /** A page at the widget for a new authorization request; the callback is answered by a stub. */
  async function openWidget(params: Record<string, string> = {}) {
    const start = await buildAuthorization(config, redirectUri, params);
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(String(error)));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    const callback = new URL(redirectUri);
    await context.route(`${callback.origin}/**`, (route) =>
      route.fulfill({ body: 'back at the app' }),
    );
    await page.goto(start.url.href);
    await page.locator('input[name="identifier"]').waitFor();
    return { page, context, start, problems, close: () => context.close() };
  }

  /** Submits the last step and redeems the code the browser brings back to the app. */
  async function submitAndRedeem(page: Page, start: AuthorizationStart) {
    // The request, not the navigation: the widget leaves by a form GET that redirects twice.
    const back = page.waitForRequest((request) => request.url().startsWith(redirectUri));
    await submitWidgetForm(page);
    return client.authorizationCodeGrant(config, new URL((await back).url()), {
      pkceCodeVerifier: start.verifier,
      expectedState: start.state,
      expectedNonce: start.nonce,
    });
  }

  it('signs a password user in and returns a code to the app', async () => {
    const grace = seededUser(provider.seed, 'grace');
    const { page, start, problems, close } = await openWidget();
    try {
      await page.locator('input[name="identifier"]').fill(grace.login);
      await page.locator('input[name="credentials.passcode"]').fill('understudy');
      const tokens = await submitAndRedeem(page, start);
      const claims = decodeJwt(tokens.id_token ?? '');
      expect(claims.sub).toBe(grace.id);
      expect(claims.amr).toEqual(['pwd']);
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });

  it("shows Okta's message for a wrong password, then signs in", async () => {
    const grace = seededUser(provider.seed, 'grace');
    const { page, start, close } = await openWidget();
    try {
      await page.locator('input[name="identifier"]').fill(grace.login);
      await page.locator('input[name="credentials.passcode"]').fill('wrong password');
      await submitWidgetForm(page);
      // The widget shows its own words for errors.E0000004, as on Okta.
      await page.locator('.o-form-error-container').getByText('Unable to sign in').waitFor();
      await page.locator('input[name="credentials.passcode"]').fill('understudy');
      const tokens = await submitAndRedeem(page, start);
      expect(decodeJwt(tokens.id_token ?? '').sub).toBe(grace.id);
    } finally {
      await close();
    }
  });

  it('asks the admin for Google Authenticator when the app asks for two factors', async () => {
    const hannah = seededUser(provider.seed, 'hannah');
    const { page, start, close } = await openWidget({ acr_values: twoFactor });
    try {
      await page.locator('input[name="identifier"]').fill(hannah.login);
      await page.locator('input[name="credentials.passcode"]').fill('understudy');
      await submitWidgetForm(page);
      await page.locator('[aria-label^="Select Google Authenticator"]').click();
      await page.locator('input[name="credentials.passcode"]').fill(totp(totpSecretOf(hannah)));
      const tokens = await submitAndRedeem(page, start);
      const claims = decodeJwt(tokens.id_token ?? '');
      expect(claims.amr).toEqual(['mfa', 'otp', 'pwd']);
      expect(claims.acr).toBe(twoFactor);
    } finally {
      await close();
    }
  });

  it('takes an email code from the outbox', async () => {
    const carol = seededUser(provider.seed, 'carol');
    const { page, start, close } = await openWidget({ acr_values: twoFactor });
    try {
      await page.locator('input[name="identifier"]').fill(carol.login);
      await page.locator('input[name="credentials.passcode"]').fill('understudy');
      await submitWidgetForm(page);
      await page.locator('[aria-label^="Select Email"]').click();
      // Okta's email challenge waits for the link in the email; the code is one click away.
      await page.getByText('Enter a verification code instead').click();
      await expect.poll(async () => (await provider.outbox.list(carol.email)).length).toBe(1);
      const [message] = await provider.outbox.list(carol.email);
      await page.locator('input[name="credentials.passcode"]').fill(message?.code ?? '');
      const tokens = await submitAndRedeem(page, start);
      expect(decodeJwt(tokens.id_token ?? '').amr).toEqual(['email', 'mfa', 'pwd']);
    } finally {
      await close();
    }
  });

  it('asks a signed-in user only for the second factor when the next request wants two', async () => {
    const hannah = seededUser(provider.seed, 'hannah');
    const { page, context, start, close } = await openWidget();
    try {
      await page.locator('input[name="identifier"]').fill(hannah.login);
      await page.locator('input[name="credentials.passcode"]').fill('understudy');
      expect(decodeJwt((await submitAndRedeem(page, start)).id_token ?? '').amr).toEqual(['pwd']);

      // The same browser (a new tab: the first one's way back may still be settling), a
      // request for two factors: the session's password stands.
      const stepUp = await buildAuthorization(config, redirectUri, { acr_values: twoFactor });
      const next = await context.newPage();
      await next.goto(stepUp.url.href);
      await next.locator('[aria-label^="Select Google Authenticator"]').click();
      await next
        .locator('input[name="credentials.passcode"]')
        .fill(totp(totpSecretOf(hannah), Date.now() / 1000 + 30));
      const claims = decodeJwt((await submitAndRedeem(next, stepUp)).id_token ?? '');
      expect(claims.amr).toEqual(['mfa', 'otp', 'pwd']);
      expect(claims.acr).toBe(twoFactor);
    } finally {
      await close();
    }
  });
});
