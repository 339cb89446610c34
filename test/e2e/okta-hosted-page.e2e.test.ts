/**
 * An e2e script written for Okta's hosted page, run unchanged against Understudy's: only Okta's
 * selectors (`input[name="identifier"]`, `input[name="credentials.passcode"]`,
 * `[type="submit"]`, the "Select Google Authenticator." button), a TOTP code from the test kit,
 * an email code from the outbox, in both of Okta's page modes.
 */
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startUnderstudy, totp, type Understudy } from '../../provider/testkit/index.js';
import { loadSeed } from '../../seed/load.js';
import type { SeedInput } from '../../seed/schema.js';
import { chromiumAvailable, launchChromium } from '../helpers/chromium.js';

const redirectUri = 'http://localhost:3000/authorization-code/callback';

describe.runIf(chromiumAvailable())("Okta's hosted-page selectors in Chromium", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(() => browser?.close());

  for (const identifierFirst of [false, true]) {
    describe(identifierFirst ? 'identifier first' : 'identify with password', () => {
      let understudy: Understudy;
      beforeAll(async () => {
        const base = (await loadSeed()) as unknown as SeedInput;
        understudy = await startUnderstudy({ seed: { ...base, signInPage: { identifierFirst } } });
      });
      afterAll(() => understudy?.close());

      /** The page at the login, with the callback answered by a stub. */
      async function authorize(acrValues: string): Promise<Page> {
        const web = understudy.clients.find((client) => client.redirect_uris.includes(redirectUri));
        if (!web) throw new Error('the seed has the demo web app');
        const page = await browser.newPage();
        await page.route('http://localhost:3000/**', (route) => route.fulfill({ body: 'back' }));
        const url = new URL(`${understudy.issuer}/v1/authorize`);
        url.search = new URLSearchParams({
          client_id: web.client_id,
          response_type: 'code',
          scope: 'openid profile',
          redirect_uri: redirectUri,
          state: 'e2e-state',
          code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
          code_challenge_method: 'S256',
          acr_values: acrValues,
        }).toString();
        await page.goto(url.href);
        return page;
      }

      async function identify(page: Page, login: string) {
        await page.fill('input[name="identifier"]', login);
        if (identifierFirst) {
          expect(await page.locator('input[name="credentials.passcode"]').count()).toBe(0);
          expect(await page.locator('[data-se="o-form-input-submit"]').inputValue()).toBe('Next');
          await page.click('[type="submit"][data-se="o-form-input-submit"]');
          expect(await page.locator('[type="submit"]').first().inputValue()).toBe('Verify');
        }
        await page.fill('input[name="credentials.passcode"]', 'understudy');
        await page.click('[type="submit"][data-se="o-form-input-submit"]');
      }

      it('signs the admin in with password and Google Authenticator', async () => {
        const page = await authorize('urn:okta:loa:2fa:any');
        await identify(page, 'hannah.smith@task-vantage.com');
        await page.click('[aria-label="Select Google Authenticator."]');
        await page.fill('input[name="credentials.passcode"]', '000000');
        await page.click('[type="submit"]');
        await page.getByText('Invalid code. Try again.').waitFor();
        const hannah = understudy.users.find((user) => user.login.startsWith('hannah'));
        const otp = hannah?.authenticators.find(
          (authenticator) => authenticator.key === 'google_otp',
        );
        if (otp?.key !== 'google_otp') throw new Error('hannah has Google Authenticator');
        await page.fill('input[name="credentials.passcode"]', totp(otp.secret));
        await page.click('[type="submit"]');
        await page.waitForURL(/\/authorization-code\/callback\?code=/);
        expect(new URL(page.url()).searchParams.get('state')).toBe('e2e-state');
        await page.close();
      });

      it('signs a user in with an email code from the outbox', async () => {
        const page = await authorize('urn:okta:loa:2fa:any');
        await identify(page, 'carol.lee@task-vantage.com');
        await page.click('[aria-label="Select Email."]');
        await page.locator('input[name="credentials.passcode"]').waitFor();
        const message = await understudy.outbox.latest('carol.lee@task-vantage.com');
        await page.fill('input[name="credentials.passcode"]', message?.code ?? '');
        await page.click('[type="submit"]');
        await page.waitForURL(/\/authorization-code\/callback\?code=/);
        await page.close();
      });

      it("shows Okta's message for a wrong password", async () => {
        const page = await authorize('urn:okta:loa:1fa:any');
        await page.fill('input[name="identifier"]', 'grace.li@task-vantage.com');
        if (identifierFirst) await page.click('[type="submit"][data-se="o-form-input-submit"]');
        await page.fill('input[name="credentials.passcode"]', 'wrong');
        await page.click('[type="submit"][data-se="o-form-input-submit"]');
        await page.getByText('Unable to sign in').waitFor();
        await page.close();
      });
    });
  }
});
