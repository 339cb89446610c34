/**
 * Step-up in the demo (issue 26): the admin's all-teams view needs a second factor
 * (acr urn:okta:loa:2fa:any). Over real HTTP with a cookie jar, the admin signs in with one
 * factor, is sent to the provider for the code only, and comes back to every team; the app
 * refuses a sign-in that comes back without the acr it asked for; the API answers a one-factor
 * admin token with Okta's step-up challenge, and a two-factor one with the team.
 */
import { WWWAuthError } from '@okta/okta-auth-js';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintAccessToken } from '../../provider/testkit/mint.js';
import { Browser, findForm, type Page, userPicker } from '../helpers/browser.js';
import { authenticatorCodes, type Demo, startDemo, twoFactorAcr } from '../helpers/demo.js';
import { seededUser } from '../helpers/provider.js';
import {
  buildAuthorization,
  discoverFor,
  redeemCallback,
  signInWithPicker,
} from '../helpers/relying-party.js';

let demo: Demo;
let nextCode: () => Promise<string>;
beforeAll(async () => {
  demo = await startDemo();
  nextCode = authenticatorCodes(demo.provider.seed, 'hannah.smith');
});
afterAll(() => demo.stop());

const allTeams = ['finance', 'hr', 'marketing', 'legal', 'dev-advocacy'];
const stepUpLabel = 'Verify with a second factor to see every team';
const hannah = () => seededUser(demo.provider.seed, 'hannah.smith');

const teamCards = (page: Page) =>
  [...page.body.matchAll(/data-team="([^"]+)"/g)].map((match) => match[1]);
const stepUpLink = (page: Page) =>
  new RegExp(`<a [^>]*href="([^"]*)"[^>]*>${stepUpLabel}</a>`).exec(page.body)?.[1];
const selectForm = (page: Page) =>
  findForm(page, 'security method', (form) => form.fields.step === 'select');
const codeForm = (page: Page) => findForm(page, 'code', (form) => form.fields.step === 'verify');

/** The admin signed in with the user picker: one factor. */
async function signInWithOneFactor(browser: Browser): Promise<Page> {
  const login = await browser.open(`${demo.appUrl}/login`);
  return browser.submit(userPicker(login), { user_id: hannah().id });
}

/** On the provider's "security method" page: picks Google Authenticator, enters the code. */
async function enterCode(browser: Browser, select: Page, stopAt?: string): Promise<Page> {
  const challenge = await browser.submit(selectForm(select), { authenticator: 'google_otp' });
  return browser.submit(codeForm(challenge), { 'credentials.passcode': await nextCode() }, stopAt);
}

/** What the app asked the provider for: the authorization request's parameters. */
function authorizationParams(page: Page): URLSearchParams {
  expect(page.url.startsWith(`${demo.provider.issuer}/v1/authorize?`)).toBe(true);
  return new URL(page.url).searchParams;
}

describe('the pages', () => {
  it('shows a one-factor admin her own view and the step-up, which asks only for the code and brings every team', async () => {
    const browser = new Browser();
    const dashboard = await signInWithOneFactor(browser);
    expect(dashboard.url).toBe(`${demo.appUrl}/dashboard`);
    expect(teamCards(dashboard)).toEqual([]);
    expect(dashboard.body).not.toContain('You are not in any team yet');
    const link = stepUpLink(dashboard);
    expect(link).toBe('/step-up?returnTo=%2Fdashboard');

    // A new authorization request, made like the sign-in's, asking for the second factor.
    const authorize = await browser.open(`${demo.appUrl}${link}`, demo.provider.issuer);
    const params = authorizationParams(authorize);
    expect(params.get('acr_values')).toBe(twoFactorAcr);
    expect(params.get('code_challenge_method')).toBe('S256');
    expect(params.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(params.get('state')).toMatch(/^[\w-]{20,}$/);
    expect(params.get('nonce')).toMatch(/^[\w-]{20,}$/);

    // The provider's session has the password: it asks only for the second factor.
    const select = await browser.open(authorize.url);
    expect(select.body).toContain("Verify it's you with a security method");
    expect(select.body).toContain('aria-label="Select Google Authenticator."');
    expect(select.body).not.toContain('name="identifier"');

    const back = await enterCode(browser, select);
    expect(back.url).toBe(`${demo.appUrl}/dashboard`);
    expect(teamCards(back)).toEqual(allTeams);
    expect(back.body).not.toContain(stepUpLabel);
    expect(back.body).toContain('All Teams');
    const legal = await browser.open(`${demo.appUrl}/team/legal`);
    expect(legal.url).toBe(`${demo.appUrl}/team/legal`);
    expect(legal.status).toBe(200);
    expect(legal.body).toContain('data-team="legal"');
    const profile = await browser.open(`${demo.appUrl}/profile`);
    expect(profile.body).toContain(`<code>acr</code></th><td>${twoFactorAcr}</td>`);

    // Verified already: the step-up goes straight back, with no new request.
    const again = await browser.open(`${demo.appUrl}${link}`, demo.provider.issuer);
    expect(again.url).toBe(`${demo.appUrl}/dashboard`);
  });

  it("sends a one-factor admin from another team's page to the second factor, and back to that page", async () => {
    const browser = new Browser();
    await signInWithOneFactor(browser);
    const authorize = await browser.open(`${demo.appUrl}/team/hr`, demo.provider.issuer);
    expect(authorizationParams(authorize).get('acr_values')).toBe(twoFactorAcr);

    const select = await browser.open(authorize.url);
    expect(select.body).toContain('aria-label="Select Google Authenticator."');
    const hr = await enterCode(browser, select);
    expect(hr.url).toBe(`${demo.appUrl}/team/hr`);
    expect(hr.status).toBe(200);
    expect(hr.body).toContain('data-team="hr"');
  });

  it('refuses a step-up that comes back without the acr it asked for, and keeps the session as it was', async () => {
    const browser = new Browser();
    await signInWithOneFactor(browser);
    const authorize = await browser.open(
      `${demo.appUrl}/step-up?returnTo=%2Fdashboard`,
      demo.provider.issuer,
    );
    // acr_values taken off the request on its way: the provider, with a session, asks nothing.
    const stripped = new URL(authorize.url);
    stripped.searchParams.delete('acr_values');
    const callback = await browser.open(
      stripped.href,
      `${demo.appUrl}/authorization-code/callback`,
    );
    expect(new URL(callback.url).searchParams.get('code')).toBeTruthy();

    const refused = await browser.open(callback.url);
    expect(refused.status).toBe(403);
    expect(refused.body).toContain(
      '<code data-error-code>insufficient_authentication_context</code>',
    );
    expect(refused.body).toContain('A second factor is needed');
    expect(refused.body).toContain(`instead of &#34;${twoFactorAcr}&#34;`);

    const dashboard = await browser.open(`${demo.appUrl}/dashboard`);
    expect(dashboard.url).toBe(`${demo.appUrl}/dashboard`);
    expect(teamCards(dashboard)).toEqual([]);
    expect(stepUpLink(dashboard)).toBe('/step-up?returnTo=%2Fdashboard');
  });

  it('leaves members as they were: their own team with one factor, no step-up offered', async () => {
    const browser = new Browser();
    const login = await browser.open(`${demo.appUrl}/login`);
    const dashboard = await browser.submit(userPicker(login), {
      user_id: seededUser(demo.provider.seed, 'carol.lee').id,
    });
    expect(teamCards(dashboard)).toEqual(['finance']);
    expect(dashboard.body).not.toContain(stepUpLabel);
    expect((await browser.open(`${demo.appUrl}/team/finance`)).status).toBe(200);
    const legal = await browser.open(`${demo.appUrl}/team/legal`, demo.provider.issuer);
    expect(legal.status).toBe(403);
    expect(legal.body).toContain('<code data-error-code>forbidden</code>');
  });
});

describe('the API', () => {
  const context = () => ({
    seed: demo.provider.seed,
    keys: demo.provider.keys(),
    issuers: demo.provider.issuers,
  });
  const adminToken = (acr?: string) =>
    mintAccessToken(context(), {
      user: hannah().login,
      scopes: ['openid', 'expenses:read'],
      ...(acr === undefined ? {} : { claims: { acr } }),
    });
  const call = (team: string, token: string) =>
    fetch(`${demo.appUrl}/api/teams/${team}/expenses`, {
      headers: { authorization: `Bearer ${token}`, accept: 'text/html' },
    });

  it("answers a one-factor admin token with Okta's step-up challenge, and a two-factor one with the team", async () => {
    const refused = await call('legal', await adminToken());
    expect(refused.status).toBe(403);
    const challenge = refused.headers.get('www-authenticate') ?? '';
    const description =
      'Only members see Legal with one factor: an admin needs a token with acr urn:okta:loa:2fa:any';
    expect(challenge).toBe(
      `Bearer realm="expenses", error="insufficient_authentication_context", error_description="${description}", acr_values="${twoFactorAcr}"`,
    );
    expect(refused.headers.get('content-type')).toContain('application/json');
    expect(await refused.json()).toEqual({
      error: 'insufficient_authentication_context',
      error_description: description,
    });
    // What Okta's SDK reads a step-up from: a 403 with this error and acr_values.
    const parsed = WWWAuthError.parseHeader(challenge);
    expect(parsed?.scheme).toBe('Bearer');
    expect(parsed?.error).toBe('insufficient_authentication_context');
    expect(parsed?.parameters.acr_values).toBe(twoFactorAcr);
    expect(parsed?.errorDescription).toBe(description);

    for (const acr of ['urn:okta:loa:1fa:any', `${twoFactorAcr}:ifpossible`]) {
      const other = await call('legal', await adminToken(acr));
      expect(other.status).toBe(403);
      expect(other.headers.get('www-authenticate')).toContain(`acr_values="${twoFactorAcr}"`);
    }

    const allowed = await call('legal', await adminToken(twoFactorAcr));
    expect(allowed.status).toBe(200);
    expect(await allowed.json()).toMatchObject({ team: { id: 'legal' }, total: 3820 });
  });

  it('asks a member for no second factor, and a second factor opens no other team', async () => {
    const member = (acr?: string) =>
      mintAccessToken(context(), {
        user: 'carol.lee@task-vantage.com',
        scopes: ['expenses:read'],
        ...(acr === undefined ? {} : { claims: { acr } }),
      });
    expect((await call('finance', await member())).status).toBe(200);
    const legal = await call('legal', await member(twoFactorAcr));
    expect(legal.status).toBe(403);
    expect(legal.headers.get('www-authenticate')).toBe(null);
    expect(await legal.json()).toMatchObject({ error: 'forbidden' });
  });

  it('with real tokens: the challenge names what to ask for, and the token that asked for it gets the team', async () => {
    const spa = demo.provider.seed.clients.find(
      (client) => client.client_id === 'demo-spa-on-test-port',
    );
    if (!spa) throw new Error('the demo has its SPA client');
    const redirectUri = `${demo.appUrl}/spa/`;
    const config = await discoverFor(demo.provider.issuer, spa);
    const scope = 'openid groups expenses:read';
    const browser = new Browser();

    const first = await buildAuthorization(config, redirectUri, { scope });
    const oneFactor = await redeemCallback(
      config,
      first,
      (await signInWithPicker(browser, first, hannah().id)).url,
    );
    expect(decodeJwt(oneFactor.access_token).acr).toBeUndefined();
    const refused = await call('marketing', oneFactor.access_token);
    expect(refused.status).toBe(403);
    const acrValues = WWWAuthError.parseHeader(refused.headers.get('www-authenticate') ?? '')
      ?.parameters.acr_values;
    expect(acrValues).toBe(twoFactorAcr);

    const second = await buildAuthorization(config, redirectUri, {
      scope,
      acr_values: acrValues ?? '',
    });
    const select = await browser.open(second.url.href, redirectUri);
    const callback = await enterCode(browser, select, redirectUri);
    const twoFactor = await redeemCallback(config, second, callback.url);
    expect(decodeJwt(twoFactor.access_token).acr).toBe(twoFactorAcr);
    const allowed = await call('marketing', twoFactor.access_token);
    expect(allowed.status).toBe(200);
    expect(await allowed.json()).toMatchObject({ team: { id: 'marketing' } });
  });
});
