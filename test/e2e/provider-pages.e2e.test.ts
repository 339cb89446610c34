/**
 * The provider's own pages in Chromium under their Content-Security-Policy: they render with
 * their styles and work (login, consent, device, logout), no policy violation fires, and a page
 * on another origin cannot frame the login.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInWithPage } from '../../provider/testkit/playwright.js';
import { chromiumAvailable, launchChromium } from '../helpers/chromium.js';
import {
  seededClient,
  seededUser,
  seedWithClients,
  startTestProvider,
  type TestProvider,
} from '../helpers/provider.js';

declare global {
  var cspViolations: string[] | undefined;
  // The few browser globals the page callbacks use (this project compiles without the DOM lib).
  var getComputedStyle: (element: unknown) => { backgroundColor: string };
}
declare const document: {
  addEventListener(
    type: 'securitypolicyviolation',
    listener: (event: { violatedDirective: string; blockedURI: string }) => void,
  ): void;
};

describe.runIf(chromiumAvailable())('provider pages in Chromium', () => {
  let provider: TestProvider;
  let browser: Browser;
  let framer: Server;
  let framerOrigin: string;

  beforeAll(async () => {
    provider = await startTestProvider({
      seed: await seedWithClients([
        {
          client_id: 'device-on-the-desk',
          client_name: 'A device on the desk',
          token_endpoint_auth_method: 'none',
          grant_types: ['urn:ietf:params:oauth:grant-type:device_code'],
          response_types: [],
        },
      ]),
    });
    browser = await launchChromium();
    framer = createServer((req, res) => {
      const src = new URL(req.url ?? '/', 'http://x').searchParams.get('src') ?? '';
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<!doctype html><iframe id="framed" src="${src.replace(/"/g, '&quot;')}"></iframe>`);
    });
    await new Promise<void>((resolve) => framer.listen(0, '127.0.0.1', resolve));
    framerOrigin = `http://127.0.0.1:${(framer.address() as AddressInfo).port}`;
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => framer?.close(resolve));
    await provider?.stop();
  });

  /** A page that records every CSP violation, on whatever origin it navigates to. */
  async function watchedPage(): Promise<{ page: Page; console: string[] }> {
    const context = await browser.newContext();
    await context.addInitScript(() => {
      globalThis.cspViolations = [];
      document.addEventListener('securitypolicyviolation', (event) =>
        globalThis.cspViolations?.push(`${event.violatedDirective} ${event.blockedURI}`),
      );
    });
    const page = await context.newPage();
    const console: string[] = [];
    page.on('console', (message) => console.push(message.text()));
    return { page, console };
  }

  const violations = (page: Page) => page.evaluate(() => globalThis.cspViolations ?? []);
  const accent = (page: Page, selector: string) =>
    page
      .locator(selector)
      .first()
      .evaluate((element) => getComputedStyle(element).backgroundColor);

  function authorizeUrl(client: { client_id: string; redirect_uris: readonly string[] }) {
    const url = new URL(`${provider.issuer}/v1/authorize`);
    url.search = new URLSearchParams({
      client_id: client.client_id,
      response_type: 'code',
      scope: 'openid profile',
      redirect_uri: client.redirect_uris[0] ?? '',
      state: 'csp-test',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
    }).toString();
    return url.href;
  }

  it('login and consent render styled and work, with no CSP violation', async () => {
    const { page } = await watchedPage();
    const partner = seededClient(provider.seed, 'partner');
    await page.route(`${new URL(partner.redirect_uris[0] ?? '').origin}/**`, (route) =>
      route.fulfill({ body: 'callback' }),
    );
    await page.goto(authorizeUrl(partner));
    await page.locator('button[name="user_id"]').first().waitFor();
    // The stylesheet applied: the Sign in button has the accent colour, not the default grey.
    expect(await accent(page, 'form [type="submit"]:not(.user):not(.secondary)')).toBe(
      'rgb(22, 98, 221)',
    );
    expect(await violations(page)).toEqual([]);

    await signInWithPage(page, seededUser(provider.seed, 'carol.lee').login);
    await page.getByRole('heading', { name: 'Allow access?' }).waitFor();
    expect(await accent(page, 'button[type="submit"]')).toBe('rgb(22, 98, 221)');
    expect(await violations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL(/\/callback\?code=/);
  });

  it('the device pages render styled and work, with no CSP violation', async () => {
    const { page } = await watchedPage();
    const device = (await (
      await fetch(`${provider.issuer}/v1/device/authorize`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ client_id: 'device-on-the-desk', scope: 'openid' }),
      })
    ).json()) as { user_code: string };
    expect(device.user_code).toEqual(expect.any(String));
    await page.goto(`${provider.issuer}/v1/device/verify`);
    expect(await accent(page, 'button[type="submit"]')).toBe('rgb(22, 98, 221)');
    expect(await violations(page)).toEqual([]);
    await page.locator('input[name="user_code"]').fill(device.user_code);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByText('asks to sign in with code').waitFor();
    expect(await violations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Continue' }).click();
    await signInWithPage(page, seededUser(provider.seed, 'frank.wilson').login);
    await page.getByRole('heading', { name: 'Device activated' }).waitFor();
    expect(await violations(page)).toEqual([]);
  });

  it('logout asks, signs out, and says so, with no CSP violation', async () => {
    const { page } = await watchedPage();
    const web = seededClient(provider.seed, 'web');
    await page.route(`${new URL(web.redirect_uris[0] ?? '').origin}/**`, (route) =>
      route.fulfill({ body: 'callback' }),
    );
    await page.goto(authorizeUrl(web));
    await signInWithPage(page, seededUser(provider.seed, 'grace.li').login);
    await page.waitForURL(/\/callback\?code=/);

    await page.goto(`${provider.issuer}/v1/logout`);
    await page.getByRole('heading', { name: 'Sign out of Understudy?' }).waitFor();
    expect(await accent(page, 'button[type="submit"]')).toBe('rgb(22, 98, 221)');
    expect(await violations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Signed out' }).waitFor();
    expect(await violations(page)).toEqual([]);
  });

  it('cannot be framed by a page on another origin', async () => {
    const { page, console } = await watchedPage();
    const login = authorizeUrl(seededClient(provider.seed, 'web'));
    await page.goto(`${framerOrigin}/?src=${encodeURIComponent(login)}`);
    await expect.poll(() => page.frames().length).toBe(2);
    const framed = page.frames().find((frame) => frame !== page.mainFrame());
    await framed?.waitForLoadState();
    // Chromium shows its own error document in place of the refused page.
    expect(await framed?.evaluate(() => globalThis.location.href)).toMatch(/^chrome-error:/);
    expect(await framed?.locator('button[name="user_id"]').count()).toBe(0);
    // The same page opened directly does load: it is the framing that is refused.
    await page.goto(login);
    expect(await page.locator('button[name="user_id"]').count()).toBeGreaterThan(0);
    expect(console.join('\n')).not.toContain('Uncaught');
  });
});
