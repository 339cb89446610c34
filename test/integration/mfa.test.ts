/**
 * MFA and step-up as Okta Identity Engine does them, through the hosted page over HTTP and
 * openid-client 6: the second factor asked for by `acr_values` or the app's policy, Google
 * Authenticator (TOTP) and email (the outbox), the `acr` and `amr` of the tokens, and what a
 * user who cannot meet the level gets.
 */
import { decodeJwt } from 'jose';
import * as client from 'openid-client';
import { describe, expect, it } from 'vitest';
import { totp } from '../../provider/okta/index.js';
import type { SeedUser } from '../../seed/schema.js';
import { Browser, findForm, formsOf, type Page, userPicker } from '../helpers/browser.js';
import { seedWith, seededClient, seededUser, useTestProvider } from '../helpers/provider.js';
import {
  type AuthorizationStart,
  buildAuthorization,
  discoverFor,
  redeemCallback,
} from '../helpers/relying-party.js';

const twoFactor = 'urn:okta:loa:2fa:any';
const provider = useTestProvider(async () => ({
  control: true,
  seed: await seedWith((base) => ({
    users: [
      ...base.users,
      {
        id: '00uDanaTotpAuthTime1',
        login: 'dana.ortiz@task-vantage.com',
        email: 'dana.ortiz@task-vantage.com',
        givenName: 'Dana',
        familyName: 'Ortiz',
        password: 'understudy',
        authenticators: [{ key: 'google_otp', secret: 'DANAORTIZAUTHTIMESECRET2' }],
      },
    ],
    clients: [
      ...base.clients,
      {
        client_id: 'admin-console',
        client_secret: 'admin-console-secret-000',
        client_name: 'Admin console (2fa policy)',
        redirect_uris: ['http://localhost:3000/admin/callback'],
        authenticationPolicy: '2fa',
      },
    ],
  })),
}));

const web = () => seededClient(provider.seed, 'web');
const hannah = () => seededUser(provider.seed, 'hannah'); // Google Authenticator
const carol = () => seededUser(provider.seed, 'carol.lee'); // email
const grace = () => seededUser(provider.seed, 'grace.li'); // no second factor
const dana = () => seededUser(provider.seed, 'dana.ortiz'); // Google Authenticator, for one test

function totpSecret(user: SeedUser): string {
  const authenticator = user.authenticators.find((candidate) => candidate.key === 'google_otp');
  if (authenticator?.key !== 'google_otp') throw new Error(`${user.login} has no google_otp`);
  return authenticator.secret;
}

async function start(params: Record<string, string>, seedClient = web()) {
  const config = await discoverFor(provider.issuer, seedClient);
  const begun = await buildAuthorization(config, seedClient.redirect_uris[0] ?? '', params);
  return { config, begun };
}

/** Picks `user` on the login page; the page that follows (or the callback). */
async function pick(browser: Browser, begun: AuthorizationStart, user: SeedUser): Promise<Page> {
  const login = await browser.open(begun.url.href, begun.redirectUri);
  return browser.submit(userPicker(login), { user_id: user.id }, begun.redirectUri);
}

const selectForm = (page: Page) =>
  findForm(page, 'security method', (form) => form.fields.step === 'select');
const codeForm = (page: Page) => findForm(page, 'code', (form) => form.fields.step === 'verify');

describe('a second factor asked for by acr_values', () => {
  it('asks for Google Authenticator, refuses a wrong code, and issues acr and amr', async () => {
    const { config, begun } = await start({
      acr_values: twoFactor,
      scope: 'openid offline_access',
    });
    const browser = new Browser();
    const select = await pick(browser, begun, hannah());
    expect(select.body).toContain("Verify it's you with a security method");
    expect(select.body).toContain('aria-label="Select Google Authenticator."');
    expect(select.body).toContain('data-se="authenticator-button"');

    const challenge = await browser.submit(selectForm(select), { authenticator: 'google_otp' });
    const wrong = await browser.submit(codeForm(challenge), { 'credentials.passcode': '000000' });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toContain('Invalid code. Try again.');

    const code = totp(totpSecret(hannah()));
    const callback = await browser.submit(
      codeForm(wrong),
      { 'credentials.passcode': code },
      begun.redirectUri,
    );
    const tokens = await redeemCallback(config, begun, callback.url);
    const idToken = tokens.claims();
    expect(idToken?.acr).toBe(twoFactor);
    expect(idToken?.amr).toEqual(['mfa', 'otp', 'pwd']);
    expect(decodeJwt(tokens.access_token).acr).toBe(twoFactor);

    // The refreshed tokens keep the sign-in's acr.
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token ?? '');
    expect(refreshed.claims()?.acr).toBe(twoFactor);
    expect(decodeJwt(refreshed.access_token).acr).toBe(twoFactor);

    // A code is good once: the same one again is refused.
    const again = await start({ acr_values: twoFactor, prompt: 'login' });
    const second = new Browser();
    const selectAgain = await pick(second, again.begun, hannah());
    const challengeAgain = await second.submit(selectForm(selectAgain), {
      authenticator: 'google_otp',
    });
    const reused = await second.submit(codeForm(challengeAgain), { 'credentials.passcode': code });
    expect(reused.status).toBe(401);
  });

  it('sends an email code to the outbox, which verifies once', async () => {
    const { config, begun } = await start({ acr_values: twoFactor });
    const browser = new Browser();
    const select = await pick(browser, begun, carol());
    const challenge = await browser.submit(selectForm(select), { authenticator: 'okta_email' });
    expect(challenge.body).toContain(carol().email);
    expect(formsOf(challenge).some((form) => form.fields.step === 'resend')).toBe(true);
    const [message] = await provider.outbox.list(carol().email);
    expect(message).toMatchObject({ channel: 'email', to: carol().email });
    expect(message?.code).toMatch(/^\d{6}$/);
    const callback = await browser.submit(
      codeForm(challenge),
      { 'credentials.passcode': message?.code ?? '' },
      begun.redirectUri,
    );
    const tokens = await redeemCallback(config, begun, callback.url);
    expect(tokens.claims()?.amr).toEqual(['email', 'mfa', 'pwd']);
  });

  it('remembers the factors in the SSO session: a later 2fa request asks for nothing', async () => {
    const browser = new Browser();
    const first = await start({ acr_values: twoFactor });
    const select = await pick(browser, first.begun, hannah());
    const challenge = await browser.submit(selectForm(select), { authenticator: 'google_otp' });
    await browser.submit(
      codeForm(challenge),
      { 'credentials.passcode': totp(totpSecret(hannah()), Date.now() / 1000 + 30) },
      first.begun.redirectUri,
    );
    // Okta's Sessions API sees the factors too.
    const origin = new URL(provider.issuer).origin;
    const me = await fetch(`${origin}/api/v1/sessions/me`, {
      headers: { cookie: await browser.jar.getCookieString(`${origin}/api/v1/sessions/me`) },
    });
    expect(await me.json()).toMatchObject({ amr: ['mfa', 'otp', 'pwd'], mfaActive: true });

    const admin = seededClient(provider.seed, 'your-app');
    const second = await start({ acr_values: twoFactor }, admin);
    const callback = await browser.open(second.begun.url.href, second.begun.redirectUri);
    const tokens = await redeemCallback(second.config, second.begun, callback.url);
    expect(tokens.claims()?.acr).toBe(twoFactor);
    expect(tokens.claims()?.amr).toContain('otp');
  });

  it('asks a one-factor session only for the missing factor', async () => {
    const browser = new Browser();
    const first = await start({});
    await pick(browser, first.begun, carol());
    const stepUp = await start({ acr_values: twoFactor });
    const page = await browser.open(stepUp.begun.url.href, stepUp.begun.redirectUri);
    expect(page.body).toContain('aria-label="Select Email."');
    expect(page.body).not.toContain('name="identifier"');
  });
});

describe('auth_time', () => {
  it('moves only when a factor is verified', async () => {
    const browser = new Browser();
    const first = await start({ acr_values: twoFactor });
    const select = await pick(browser, first.begun, dana());
    const challenge = await browser.submit(selectForm(select), { authenticator: 'google_otp' });
    const callback = await browser.submit(
      codeForm(challenge),
      { 'credentials.passcode': totp(totpSecret(dana()), Date.now() / 1000) },
      first.begun.redirectUri,
    );
    const signedIn = (await redeemCallback(first.config, first.begun, callback.url)).claims();
    try {
      await provider.control?.shiftClock(120);
      // Another acr the session already meets: a new sign-in record, no new factor.
      const again = await start({ acr_values: 'urn:okta:loa:2fa:any:ifpossible' });
      const silent = await browser.open(again.begun.url.href, again.begun.redirectUri);
      const claims = (await redeemCallback(again.config, again.begun, silent.url)).claims();
      expect(claims?.acr).toBe('urn:okta:loa:2fa:any:ifpossible');
      expect(claims?.auth_time).toBe(signedIn?.auth_time);
      // The password again: now it moves.
      const fresh = await start({ prompt: 'login' });
      const page = await browser.open(fresh.begun.url.href, fresh.begun.redirectUri);
      const back = await browser.submit(
        userPicker(page),
        { user_id: dana().id },
        fresh.begun.redirectUri,
      );
      const later = (await redeemCallback(fresh.config, fresh.begun, back.url)).claims();
      expect(later?.auth_time).toBeGreaterThanOrEqual((signedIn?.auth_time ?? 0) + 120);
    } finally {
      await provider.control?.shiftClock(0);
    }
  });
});

describe('what cannot be met', () => {
  it('sends unmet_authentication_requirements for a user without a second factor', async () => {
    const { begun } = await start({ acr_values: twoFactor });
    const callback = await pick(new Browser(), begun, grace());
    const url = new URL(callback.url);
    expect(url.searchParams.get('error')).toBe('unmet_authentication_requirements');
    expect(url.searchParams.get('state')).toBe(begun.state);
  });

  it('falls back to one factor with 2fa:any:ifpossible', async () => {
    const acr = 'urn:okta:loa:2fa:any:ifpossible';
    const { config, begun } = await start({ acr_values: acr });
    const callback = await pick(new Browser(), begun, grace());
    const tokens = await redeemCallback(config, begun, callback.url);
    expect(tokens.claims()?.acr).toBe(acr);
    expect(tokens.claims()?.amr).toEqual(['pwd']);
  });

  it('cannot meet phr (phishing-resistant) here', async () => {
    const { begun } = await start({ acr_values: 'phr' });
    const browser = new Browser();
    const callback = await browser.open(begun.url.href, begun.redirectUri);
    expect(new URL(callback.url).searchParams.get('error')).toBe(
      'unmet_authentication_requirements',
    );
  });
});

describe("the app's policy and max_age", () => {
  it('asks an app with a 2fa policy for the second factor without acr_values', async () => {
    const admin = provider.seed.clients.find(
      (candidate) => candidate.client_id === 'admin-console',
    );
    if (!admin) throw new Error('the admin console is seeded');
    const { begun } = await start({}, admin);
    const page = await pick(new Browser(), begun, hannah());
    expect(page.body).toContain('aria-label="Select Google Authenticator."');
  });

  it('shows the password again with max_age=0, even with a session', async () => {
    const browser = new Browser();
    const first = await start({});
    await pick(browser, first.begun, grace());
    const again = await start({ max_age: '0' });
    const page = await browser.open(again.begun.url.href, again.begun.redirectUri);
    expect(page.body).toContain('name="identifier"');
    expect(page.body).toContain('name="credentials.passcode"');
  });
});

describe('tokens without acr_values', () => {
  it('carry amr pwd and no acr', async () => {
    const { config, begun } = await start({});
    const callback = await pick(new Browser(), begun, grace());
    const tokens = await redeemCallback(config, begun, callback.url);
    expect(tokens.claims()?.amr).toEqual(['pwd']);
    expect(tokens.claims()?.acr).toBeUndefined();
    expect(decodeJwt(tokens.access_token).acr).toBeUndefined();
  });
});
