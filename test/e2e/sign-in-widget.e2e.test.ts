/**
 * Okta's Sign-In Widget 7, unmodified, embedded in a page on another origin and signing in
 * against Understudy's Identity Engine API in real Chromium. The widget is the IDX client most
 * Okta customers ship, and it reads the remediation forms, authenticator lists, messages and
 * CORS answers far more literally than okta-auth-js's idx module does: if Understudy's IDX
 * answers drift from Okta's, this is where an embedded sign-in breaks. A password sign-in;
 * Google Authenticator (a wrong code first) and email (the code from the outbox) asked for with
 * acr_values; a wrong password, whose Okta message (errors.E0000004) the widget shows in its
 * own words, then the next try: each ends in showSignIn() resolving with tokens whose signature,
 * issuer, audience, `amr`, `acr` and `groups` check, obtained by the interaction code flow
 * (interact, IDX, `grant_type=interaction_code`) with no redirect.
 */
import { createRemoteJWKSet, type JWTPayload, jwtVerify } from 'jose';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { totp } from '../../provider/okta/index.js';
import { chromiumAvailable, launchChromium } from '../helpers/chromium.js';
import { freePort } from '../helpers/child-app.js';
import {
  seededUser,
  seedWithClients,
  startTestProvider,
  type TestProvider,
} from '../helpers/provider.js';
import { outboxCodes, wrongTotp } from '../helpers/codes.js';
import { startWidgetHost, submitWidgetForm, type WidgetHost } from '../helpers/widget-host.js';

const clientId = '0oaWidgetEmbedded0001';
const twoFactor = 'urn:okta:loa:2fa:any';

/** What `startWidget` resolves with: showSignIn()'s status and the raw tokens. */
interface WidgetResult {
  status?: string;
  idToken?: string;
  accessToken?: string;
}

declare global {
  // What the widget page defines (see test/helpers/widget-host.ts).
  var startWidget: (extra?: Record<string, unknown>) => Promise<WidgetResult>;
  // The widget's okta-auth-js client; only plain data comes back from the page.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  var widget: { authClient: any };
}

/** A request the page made to the provider: method, path, and a form body's fields. */
interface ProviderCall {
  call: string;
  form: URLSearchParams;
}

describe.runIf(chromiumAvailable())('@okta/okta-signin-widget 7 embedded, in Chromium', () => {
  let provider: TestProvider;
  let host: WidgetHost;
  let browser: Browser;
  let context: BrowserContext | undefined;
  /** What went wrong in the page (errors, failed and refused requests). */
  let problems: string[] = [];
  let calls: ProviderCall[] = [];

  beforeAll(async () => {
    const port = await freePort();
    const origin = `http://localhost:${port}`;
    const seed = await seedWithClients([
      {
        client_id: clientId,
        client_name: 'Widget SPA',
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'interaction_code', 'refresh_token'],
        redirect_uris: [`${origin}/login/callback`],
        allowedOrigins: [origin],
      },
    ]);
    provider = await startTestProvider({ seed, control: true });
    host = await startWidgetHost(port, (pageOrigin) => ({
      issuer: provider.issuer,
      clientId,
      redirectUri: `${pageOrigin}/login/callback`,
      scopes: ['openid', 'profile', 'email', 'groups'],
    }));
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await provider?.stop();
  });

  afterEach(async () => {
    await context?.close();
    context = undefined;
    problems = [];
    calls = [];
  });

  /** A fresh context (the widget keeps its transaction in sessionStorage) on the widget page. */
  async function openPage(): Promise<Page> {
    context = await browser.newContext();
    const providerOrigin = new URL(provider.issuer).origin;
    context.on('request', (request) => {
      const url = new URL(request.url());
      if (url.origin !== providerOrigin || request.method() === 'OPTIONS') return;
      const isForm = request.headers()['content-type']?.startsWith('application/x-www-form');
      calls.push({
        call: `${request.method()} ${url.pathname}`,
        form: new URLSearchParams(isForm ? (request.postData() ?? '') : ''),
      });
    });
    const page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') {
        problems.push(`console: ${message.text()} (${message.location().url})`);
      }
    });
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    page.on('requestfailed', (request) =>
      problems.push(`failed: ${request.method()} ${request.url()} ${request.failure()?.errorText}`),
    );
    page.on('response', (response) => {
      if (response.status() >= 400) {
        problems.push(`${response.status()}: ${response.request().method()} ${response.url()}`);
      }
    });
    await page.goto(`${host.origin}/`);
    return page;
  }

  /** Starts the widget; the promise settles when showSignIn() does, with the page's error. */
  function start(page: Page, extra: Record<string, unknown> = {}): Promise<WidgetResult> {
    const result = page.evaluate((options) => globalThis.startWidget(options), extra);
    // Awaited later; keeps an early rejection from being reported as unhandled meanwhile.
    result.catch(() => undefined);
    return result;
  }

  /** The ID token's claims, once it (and the access token) verify: signature, issuer, audience. */
  async function verified(result: WidgetResult): Promise<JWTPayload> {
    expect(result.status).toBe('SUCCESS');
    const jwks = createRemoteJWKSet(new URL(`${provider.issuer}/v1/keys`));
    const { payload } = await jwtVerify(result.idToken ?? '', jwks, {
      issuer: provider.issuer,
      audience: clientId,
    });
    const access = await jwtVerify(result.accessToken ?? '', jwks, { issuer: provider.issuer });
    expect(access.payload.cid).toBe(clientId);
    return payload;
  }

  /** The widget's first form: identifier and password together, as Okta's default policy asks. */
  async function identify(page: Page, login: string, password: string) {
    await page.locator('input[name="identifier"]').fill(login);
    await page.locator('input[name="credentials.passcode"]').fill(password);
    await submitWidgetForm(page);
  }

  /** Picks an authenticator in the widget's "Verify it's you with a security method" list. */
  async function choose(page: Page, key: 'google_otp' | 'okta_email') {
    await page.locator('.siw-main-view.select-authenticator-authenticate').waitFor();
    await page.locator(`.authenticator-button[data-se="${key}"] [data-se="button"]`).click();
    await page.locator(`.siw-main-view.challenge-authenticator--${key}`).waitFor();
  }

  async function enterCode(page: Page, code: string) {
    await page.locator('input[name="credentials.passcode"]').fill(code);
    await submitWidgetForm(page);
  }

  async function outboxCode(to: string): Promise<string> {
    const [code] = await outboxCodes(new URL(provider.issuer).origin, to);
    if (!code) throw new Error(`no code in the outbox for ${to}`);
    return code;
  }

  /** The interaction code flow's requests, in order (discovery and keys left out). */
  function flow(): string[] {
    return calls
      .filter(({ call }) => /\/(v1\/interact|v1\/token|idp\/idx\/.*)$/.test(call))
      .map(({ call, form }) =>
        call.endsWith('/v1/token') ? `${call} ${form.get('grant_type')}` : call,
      );
  }

  const interactForm = () => calls.find(({ call }) => call.endsWith('/v1/interact'))?.form;

  it('signs a password user in: showSignIn() resolves with tokens that verify', async () => {
    const page = await openPage();
    const grace = seededUser(provider.seed, 'grace.li');
    const result = start(page);
    await identify(page, grace.login, 'understudy');
    const claims = await verified(await result);
    expect(claims.sub).toBe(grace.id);
    expect(claims.amr).toEqual(['pwd']);
    expect(claims.groups).toContain('Everyone');
    const path = new URL(provider.issuer).pathname;
    expect(flow()).toEqual([
      `POST ${path}/v1/interact`,
      'POST /idp/idx/introspect',
      'POST /idp/idx/identify',
      `POST ${path}/v1/token interaction_code`,
    ]);
    expect(interactForm()?.get('client_id')).toBe(clientId);
    expect(interactForm()?.get('code_challenge_method')).toBe('S256');
    expect(problems).toEqual([]);

    // The sign-in started the browser's SSO session: Okta's Sessions API sees it, and a hidden
    // iframe's renew (okta-auth-js getWithoutPrompt) signs her in again without a page.
    const providerOrigin = new URL(provider.issuer).origin;
    const session = await page.evaluate(
      (url) => fetch(url, { credentials: 'include' }).then((response) => response.json()),
      `${providerOrigin}/api/v1/sessions/me`,
    );
    expect(session).toMatchObject({ userId: grace.id, status: 'ACTIVE' });
    const renewed = await page.evaluate(() =>
      globalThis.widget.authClient.token
        .getWithoutPrompt()
        .then(
          ({ tokens }: { tokens: { idToken: { claims: { sub: string } } } }) =>
            tokens.idToken.claims.sub,
        ),
    );
    expect(renewed).toBe(grace.id);
  });

  it('steps up with acr_values through Google Authenticator, after a wrong code', async () => {
    const page = await openPage();
    const hannah = seededUser(provider.seed, 'hannah.smith');
    const otp = hannah.authenticators.find(({ key }) => key === 'google_otp');
    if (otp?.key !== 'google_otp') throw new Error('the seed gives hannah Google Authenticator');
    const result = start(page, { authParams: { acrValues: twoFactor } });
    await identify(page, hannah.login, 'understudy');
    await choose(page, 'google_otp');

    await enterCode(page, wrongTotp(otp.secret));
    // Okta's message for the field (api.authn.error.PASSCODE_INVALID), under the field.
    const fieldError = page.locator(
      '[data-se="o-form-fieldset-credentials.passcode"] .o-form-input-error',
    );
    await fieldError.waitFor();
    expect(await fieldError.innerText()).toBe('Invalid code. Try again.');
    await enterCode(page, totp(otp.secret, Date.now() / 1000));

    const claims = await verified(await result);
    expect(claims.sub).toBe(hannah.id);
    expect(claims.acr).toBe(twoFactor);
    expect(claims.amr).toEqual(['mfa', 'otp', 'pwd']);
    expect(interactForm()?.get('acr_values')).toBe(twoFactor);
    const path = new URL(provider.issuer).pathname;
    expect(flow()).toEqual([
      `POST ${path}/v1/interact`,
      'POST /idp/idx/introspect',
      'POST /idp/idx/identify',
      'POST /idp/idx/challenge',
      'POST /idp/idx/challenge/answer',
      'POST /idp/idx/challenge/answer',
      `POST ${path}/v1/token interaction_code`,
    ]);
    expect(problems.filter((problem) => !problem.includes('/idp/idx/challenge/answer'))).toEqual(
      [],
    );
  });

  it('steps up through email with the code from the outbox', async () => {
    const page = await openPage();
    const carol = seededUser(provider.seed, 'carol.lee');
    const result = start(page, { authParams: { acrValues: twoFactor } });
    await identify(page, carol.login, 'understudy');
    await choose(page, 'okta_email');
    // The widget offers the magic link first, and the code behind a button.
    await page.locator('button.enter-auth-code-instead-link').click();
    await enterCode(page, await outboxCode(carol.email));

    const claims = await verified(await result);
    expect(claims.sub).toBe(carol.id);
    expect(claims.acr).toBe(twoFactor);
    expect(claims.amr).toEqual(['email', 'mfa', 'pwd']);
    expect(problems).toEqual([]);
  });

  it("shows Okta's message for a wrong password, and the next try signs in", async () => {
    const page = await openPage();
    const grace = seededUser(provider.seed, 'grace.li');
    const result = start(page);
    const refused = page.waitForResponse((response) =>
      response.url().endsWith('/idp/idx/identify'),
    );
    await identify(page, grace.login, 'not-the-password');
    const answer = await refused;
    expect(answer.status()).toBe(401);
    const body = (await answer.json()) as {
      messages?: { value?: { message?: string; i18n?: { key?: string }; class?: string }[] };
    };
    expect(body.messages?.value).toEqual([
      expect.objectContaining({
        message: 'Authentication failed',
        i18n: { key: 'errors.E0000004' },
        class: 'ERROR',
      }),
    ]);
    // The widget shows errors.E0000004 in its own words, as it does against Okta.
    const error = page.locator('.o-form-error-container .okta-form-infobox-error');
    await error.waitFor();
    expect(await error.innerText()).toBe('Unable to sign in');

    await identify(page, grace.login, 'understudy');
    const claims = await verified(await result);
    expect(claims.sub).toBe(grace.id);
    expect(claims.amr).toEqual(['pwd']);
    // The same transaction, answered again: not a new interaction.
    const path = new URL(provider.issuer).pathname;
    expect(flow()).toEqual([
      `POST ${path}/v1/interact`,
      'POST /idp/idx/introspect',
      'POST /idp/idx/identify',
      'POST /idp/idx/identify',
      `POST ${path}/v1/token interaction_code`,
    ]);
    expect(problems.filter((problem) => !problem.includes('/idp/idx/identify'))).toEqual([]);
  });
});
