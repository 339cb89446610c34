/**
 * The demo in real Chromium (Debian's, driven by playwright-core): what a person sees.
 * Screenshots of the main pages land in test/e2e/screenshots/ (git-ignored).
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInWithPage } from '../../provider/testkit/playwright.js';
import { chromiumAvailable, launchChromium } from '../helpers/chromium.js';
import { authenticatorCodes, type Demo, startDemo } from '../helpers/demo.js';

const screenshots = fileURLToPath(new URL('./screenshots/', import.meta.url));

describe.runIf(chromiumAvailable())('the demo in Chromium', () => {
  let demo: Demo;
  let browser: Browser;
  let nextCode: () => Promise<string>;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    mkdirSync(screenshots, { recursive: true });
    demo = await startDemo();
    nextCode = authenticatorCodes(demo.provider.seed, 'hannah.smith');
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
  });

  async function newPage(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
    contexts.push(context);
    return context.newPage();
  }

  async function signIn(page: Page, login: string) {
    await page.goto(`${demo.appUrl}/login`);
    await signInWithPage(page, login);
    await page.waitForURL(`${demo.appUrl}/dashboard`);
  }

  it('shows an admin all five teams after a second factor, and logout ends both sessions', async () => {
    const page = await newPage();
    await page.goto(`${demo.appUrl}/`);
    await page.screenshot({ path: `${screenshots}home.png` });
    await page.goto(`${demo.appUrl}/login`);
    await page.screenshot({ path: `${screenshots}understudy-login.png` });
    await signInWithPage(page, 'hannah.smith@task-vantage.com');
    await page.waitForURL(`${demo.appUrl}/dashboard`);
    // One factor (the picker): no team yet, and the way to every team.
    const stepUp = page.getByRole('link', {
      name: 'Verify with a second factor to see every team',
    });
    await stepUp.waitFor();
    expect(await page.locator('.card[data-team]').count()).toBe(0);
    await page.screenshot({ path: `${screenshots}dashboard-admin-one-factor.png` });

    // The provider asks only for the second factor, with Okta's selectors.
    await stepUp.click();
    await page.locator('[aria-label="Select Google Authenticator."]').click();
    expect(await page.locator('input[name="identifier"]').count()).toBe(0);
    await page.screenshot({ path: `${screenshots}step-up-code.png` });
    await page.fill('input[name="credentials.passcode"]', await nextCode());
    await page.click('[type="submit"]');
    await page.waitForURL(`${demo.appUrl}/dashboard`);
    await expect.poll(() => page.locator('.card[data-team]').count()).toBe(5);
    expect(await stepUp.count()).toBe(0);
    await page.screenshot({ path: `${screenshots}dashboard-admin.png` });

    await page.getByRole('button', { name: 'Logout' }).click();
    await page.waitForURL(`${demo.appUrl}/`);
    await expect.poll(() => page.getByRole('link', { name: 'Login' }).count()).toBeGreaterThan(0);
    // The provider's session ended too: signing in again shows the user picker.
    await page.goto(`${demo.appUrl}/dashboard`);
    await page.getByText('Pick a seeded user').waitFor();
    expect(page.url()).toContain('/interaction/');
  });

  it('shows a finance user only finance, and a friendly 403 on legal', async () => {
    const page = await newPage();
    await signIn(page, 'carol.lee@task-vantage.com');
    expect(await page.locator('.card[data-team]').count()).toBe(1);
    await page.getByRole('link', { name: 'View' }).click();
    await page.waitForURL(`${demo.appUrl}/team/finance`);
    expect(await page.locator('[data-total]').textContent()).toBe('2,780');
    await page.screenshot({ path: `${screenshots}team-finance.png` });

    const response = await page.goto(`${demo.appUrl}/team/legal`);
    expect(response?.status()).toBe(403);
    await page.getByText('You are not in the Legal team').waitFor();
    await page.screenshot({ path: `${screenshots}team-legal-403.png` });
  });

  it('runs the SPA: PKCE in the browser, the code exchanged over CORS, the API called', async () => {
    const page = await newPage();
    const cspViolations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
    await page.goto(`${demo.appUrl}/spa/`);
    await page.getByRole('button', { name: 'Sign in (SPA)' }).click();
    await signInWithPage(page, 'carol.lee@task-vantage.com');
    await page.waitForURL(`${demo.appUrl}/spa/`);
    await page.locator('#spa-signed-in').waitFor();
    expect(await page.locator('#spa-user').textContent()).toBe('carol.lee@task-vantage.com');
    // Everyone is in the token; the team picked is the first group that is a team.
    expect(await page.locator('#spa-groups').textContent()).toBe('Everyone, finance');
    expect(await page.locator('#spa-team').inputValue()).toBe('finance');
    // The SPA asked for the API's scope, and the provider granted it.
    expect(await page.locator('#spa-output').textContent()).toContain('"expenses:read"');

    await page.getByRole('button', { name: 'Call the API' }).click();
    await expect.poll(() => page.locator('#spa-output').textContent()).toContain('"total": 2780');
    expect(await page.locator('#spa-output').textContent()).toContain('"status": 200');
    await page.screenshot({ path: `${screenshots}spa.png` });

    // The lesson panel: the real values this page sent and saw, each beside its spec link.
    const lesson = page.locator('[data-spa-lesson]');
    await lesson.waitFor();
    const { clientId } = JSON.parse((await page.locator('#spa-config').textContent()) ?? '{}') as {
      clientId: string;
    };
    expect(clientId).toBeTruthy();
    const value = (name: string) => lesson.locator(`[data-param="${name}"] td.value`).first();
    expect(await value('client_id').textContent()).toBe(clientId);
    expect(await value('code_challenge_method').textContent()).toBe('S256');
    expect(await value('client_secret').textContent()).toContain('public client');
    expect(await value('code_verifier').textContent()).toContain('its code is spent');
    expect(await lesson.locator('[data-check="s256"]').textContent()).toContain('✓');
    expect(await lesson.locator('[data-check="nonce"]').textContent()).toContain('✓');
    expect(await lesson.locator('a.spec').count()).toBeGreaterThanOrEqual(8);
    await expect
      .poll(() => lesson.locator('[data-param="Authorization"] td.value').first().textContent())
      .toMatch(/^Bearer eyJ.{9}…\(\d+ characters\)$/);

    // What if the API got the ID token? Its aud is this client, not the API: 401 invalid_token.
    await page.getByRole('button', { name: 'Send the API the ID token instead' }).click();
    const refusal = lesson.locator('[data-what-if-result="wrong-audience"]');
    await refusal.waitFor();
    expect(await refusal.locator('[data-param="status"] td.value').textContent()).toBe('401');
    expect(await refusal.locator('[data-param="error"] td.value').textContent()).toBe(
      'invalid_token',
    );
    expect(await refusal.locator('[data-param="WWW-Authenticate"] td.value').textContent()).toMatch(
      /^Bearer .*error="invalid_token"/,
    );
    await page.screenshot({ path: `${screenshots}spa-lesson.png`, fullPage: true });

    await page.locator('#spa-team').selectOption('legal');
    await page.getByRole('button', { name: 'Call the API' }).click();
    await expect.poll(() => page.locator('#spa-output').textContent()).toContain('"status": 403');
    expect(await page.locator('#spa-output').textContent()).toContain('"error": "forbidden"');

    // What if the page reloads? The token lived in a variable: it is gone, and not in storage.
    await page.getByRole('button', { name: 'Reload the page' }).click();
    await page.locator('[data-spa-reloaded]').waitFor();
    expect(await page.locator('[data-token-gone]').textContent()).toContain('gone');
    expect(await page.locator('[data-spa-reloaded]').textContent()).toContain(
      'tokens among them: 0',
    );
    expect(await page.locator('#spa-signed-in').isVisible()).toBe(false);
    expect(cspViolations).toEqual([]);
  });

  it('shows how you signed in, with the S256 check passing', async () => {
    const page = await newPage();
    await signIn(page, 'sarah.morgan@task-vantage.com');
    await page.getByRole('link', { name: 'How you signed in' }).click();
    await page.waitForURL(`${demo.appUrl}/flow`);
    expect(await page.locator('[data-check="s256"]').textContent()).toContain(
      '✓ S256 check passes',
    );
    expect(await page.locator('[data-check="signature"]').count()).toBe(2);
    await page.screenshot({ path: `${screenshots}flow.png`, fullPage: true });
    await page.goto(`${demo.appUrl}/profile`);
    await page.screenshot({ path: `${screenshots}profile.png` });
  });
});
