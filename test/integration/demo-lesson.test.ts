/**
 * The sign-in as a lesson (issue 29), over real HTTP with a cookie jar: the whole life of a
 * sign-in (refresh and logout included) with a spec link beside each value and no secret in the
 * page, and the "What if…" lab's real refusals, which leave the learner's session working.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setClockOffset } from '../../provider/control/clock.js';
import { Browser, findForm, formPostingTo, type Page, userPicker } from '../helpers/browser.js';
import {
  authenticatorCodes,
  type Demo,
  demoClients,
  startDemo,
  twoFactorAcr,
} from '../helpers/demo.js';
import { seededUser } from '../helpers/provider.js';

let demo: Demo;
let nextCode: () => Promise<string>;
beforeAll(async () => {
  demo = await startDemo();
  nextCode = authenticatorCodes(demo.provider.seed, 'hannah.smith');
});
afterAll(() => demo.stop());

async function signIn(browser: Browser, prefix: string): Promise<Page> {
  const page = await browser.open(`${demo.appUrl}/login`);
  return browser.submit(userPicker(page), { user_id: seededUser(demo.provider.seed, prefix).id });
}

const specLinks = (page: Page) => [...page.body.matchAll(/<a class="spec" href="([^"]+)"/g)];
const refusals = (page: Page) =>
  [...page.body.matchAll(/data-refusal>([^<]*)</g)].map((match) => match[1]);
const statuses = (page: Page) =>
  [...page.body.matchAll(/data-status>([^<]*)</g)].map((match) => match[1]);

function expectNoSecrets(page: Page) {
  const secret = demoClients(demo.provider.seed).web?.client_secret;
  expect(secret).toBeTruthy();
  expect(page.body).not.toContain(secret);
  // Refresh tokens appear only as a prefix and a length.
  expect(page.body).not.toMatch(/refresh_token[^]{0,200}?[\w-]{30,}(?!…)/);
}

describe('the life of a sign-in', () => {
  it('shows the sign-in, a refresh and the logout, each value beside its spec, no secret', async () => {
    const browser = new Browser();
    await signIn(browser, 'carol.lee');
    const flow = await browser.open(`${demo.appUrl}/flow`);
    expect(flow.status).toBe(200);
    expect(specLinks(flow).length).toBeGreaterThanOrEqual(20);
    const hrefs = specLinks(flow).map((match) => match[1] ?? '');
    for (const source of ['rfc6749', 'rfc7636', 'rfc9207', 'rfc7519', 'openid-connect-core-1_0']) {
      expect(hrefs.some((href) => href.includes(source))).toBe(true);
    }
    expect(hrefs.some((href) => href.includes('developer.okta.com'))).toBe(true);
    expect(flow.body).toContain('data-mfa');
    expect(flow.body).not.toContain('data-refresh="0"');
    expectNoSecrets(flow);
    // The sequence diagram grows with the sign-in: two arrows a refresh, four for the logout.
    const exchanges = (page: Page) => Number(/data-exchanges="(\d+)"/.exec(page.body)?.[1]);
    const signedIn = exchanges(flow);
    expect(signedIn).toBeGreaterThanOrEqual(7);
    expect(flow.body).not.toContain('data-arrow="refresh"');

    try {
      setClockOffset(3600);
      expect((await browser.open(`${demo.appUrl}/dashboard`)).status).toBe(200);
    } finally {
      setClockOffset(0);
    }
    const refreshed = await browser.open(`${demo.appUrl}/flow`);
    expect(refreshed.body).toContain('data-refresh="0"');
    // A confidential client: Okta does not rotate its refresh token.
    expect(refreshed.body).toContain('data-rotated="false"');
    expect(refreshed.body).toContain('Okta rotates only public clients');
    expect(refreshed.body).toContain('data-life-refresh');
    expect(exchanges(refreshed)).toBe(signedIn + 2);
    expect(refreshed.body).toContain('POST /v1/token: refresh_token');
    expectNoSecrets(refreshed);

    const home = await browser.submit(formPostingTo(refreshed, '/logout'));
    expect(home.url).toBe(`${demo.appUrl}/`);
    expect(home.body).toContain('href="/login"');
    const ended = await browser.open(`${demo.appUrl}/flow`);
    expect(ended.status).toBe(200);
    expect(ended.body).toContain('data-ended');
    expect(ended.body).toContain('data-logout');
    expect(ended.body).toContain('data-life-logout');
    expect(exchanges(ended)).toBe(signedIn + 2 + 4);
    expect(ended.body).toContain('GET /v1/logout: the provider session ends');
    expect(ended.body).toContain('<code>id_token_hint</code>');
    expect(ended.body).toContain(`${demo.appUrl}/</td>`);
    expect(ended.body).toMatch(/data-check="provider-logout">✓ The provider ended its session/);
    expect(ended.body).not.toContain('data-what-if');
    expectNoSecrets(ended);
    // It names who signed out: shown for a while, not to whoever uses the browser next.
    try {
      setClockOffset(11 * 60);
      const later = await browser.open(`${demo.appUrl}/flow`, demo.provider.issuer);
      expect(later.url.startsWith(`${demo.provider.issuer}/v1/authorize`)).toBe(true);
    } finally {
      setClockOffset(0);
    }
    // Signed out for real: the dashboard asks to sign in.
    const again = await browser.open(`${demo.appUrl}/dashboard`);
    expect(again.body).toContain('Pick a seeded user');
  });

  it('shows the second factor of a step-up: amr and acr from the ID token', async () => {
    const browser = new Browser();
    await signIn(browser, 'hannah.smith');
    const select = await browser.open(`${demo.appUrl}/step-up?returnTo=%2Fflow`);
    const challenge = await browser.submit(
      findForm(select, 'security method', (form) => form.fields.step === 'select'),
      { authenticator: 'google_otp' },
    );
    const flow = await browser.submit(
      findForm(challenge, 'code', (form) => form.fields.step === 'verify'),
      { 'credentials.passcode': await nextCode() },
    );
    expect(flow.url).toBe(`${demo.appUrl}/flow`);
    const mfa = /<section class="step" data-mfa>([^]*?)<\/section>/.exec(flow.body)?.[1] ?? '';
    expect(mfa).toContain(twoFactorAcr);
    expect(mfa).toMatch(/&#34;(otp|mfa)&#34;/);
    expect(flow.body).toContain('acr_values');

    // With a second factor already, the acr what-if runs on a labelled one-factor copy.
    const acr = await browser.submit(formPostingTo(flow, '/flow/what-if/acr'));
    expect(acr.body).toContain(`a copy: yours is ${twoFactorAcr}`);
    expect(refusals(acr)[0]).toBe('insufficient_authentication_context');
    // The API's acr rule on the real (two-factor) access token lets it through.
    expect(statuses(acr).at(-1)).toBe('200');
    expect((await browser.open(`${demo.appUrl}/flow`)).status).toBe(200);
  });
});

describe('what if…', () => {
  it('shows each real refusal, and the learner is still signed in afterwards', async () => {
    const browser = new Browser();
    await signIn(browser, 'alice.johnson');
    const flow = await browser.open(`${demo.appUrl}/flow`);

    const state = await browser.submit(formPostingTo(flow, '/flow/what-if/state'));
    expect(state.status).toBe(200);
    expect(refusals(state)).toEqual(['state_mismatch']);
    expect(statuses(state)).toEqual(['400']);

    const verifier = await browser.submit(formPostingTo(flow, '/flow/what-if/code_verifier'));
    expect(refusals(verifier)).toEqual(['invalid_grant']);
    expect(statuses(verifier)).toEqual(['400']);

    const api = await browser.submit(formPostingTo(flow, '/flow/what-if/api_tokens'));
    expect(refusals(api)).toEqual(['invalid_token', 'invalid_token', 'invalid_token']);
    expect(statuses(api)).toEqual(['401', '401', '401']);
    expect(api.body).toContain('Bearer realm=&#34;expenses&#34;, error=&#34;invalid_token&#34;');

    const redirect = await browser.submit(formPostingTo(flow, '/flow/what-if/redirect_uri'));
    expect(statuses(redirect)).toEqual(['400']);
    expect(redirect.body).toContain('(none: no redirect)');

    for (const page of [state, verifier, api, redirect]) expectNoSecrets(page);

    // Forged: no CSRF token, no lab.
    const forged = await browser.submit({
      ...formPostingTo(flow, '/flow/what-if/state'),
      fields: { _csrf: 'forged' },
    });
    expect(forged.status).toBe(403);

    // The learner's sign-in still works, a refresh included: nothing was revoked.
    expect((await browser.open(`${demo.appUrl}/team/marketing`)).status).toBe(200);
    try {
      setClockOffset(3600);
      expect((await browser.open(`${demo.appUrl}/team/marketing`)).status).toBe(200);
    } finally {
      setClockOffset(0);
    }
    expect((await browser.open(`${demo.appUrl}/flow`)).body).toContain('data-refresh="0"');
  });

  it('refuses a nonce that does not match, an expired token and a one-factor step-up; the session carries on', async () => {
    const browser = new Browser();
    await signIn(browser, 'hannah.smith');
    const flow = await browser.open(`${demo.appUrl}/flow`);
    for (const id of ['nonce', 'expired', 'acr']) {
      expect(flow.body).toContain(`data-what-if="${id}"`);
    }

    const nonce = await browser.submit(formPostingTo(flow, '/flow/what-if/nonce'));
    // Accepted with the nonce this sign-in sent, refused by openid-client with another.
    expect(statuses(nonce)).toEqual(['200', '400']);
    expect(refusals(nonce)).toEqual(['OAUTH_JWT_CLAIM_COMPARISON_FAILED']);
    expect(nonce.body).toContain('unexpected ID Token &#34;nonce&#34; claim value');
    expect(nonce.body).toContain('replay');

    const expired = await browser.submit(formPostingTo(flow, '/flow/what-if/expired'));
    expect(statuses(expired)).toEqual(['401', '200']);
    expect(refusals(expired)).toEqual(['invalid_token']);
    expect(expired.body).toContain(
      'Bearer realm=&#34;expenses&#34;, error=&#34;invalid_token&#34;, error_description=&#34;The access token expired&#34;',
    );
    expect(expired.body).toContain('&#34;exp&#34; claim timestamp check failed');
    expect(expired.body).toContain('refresh first');
    expect(expired.body).toContain('POST /__understudy/clock');

    const acr = await browser.submit(formPostingTo(flow, '/flow/what-if/acr'));
    // The callback's acr check, the team page's step-up redirect, the API over HTTP (scope
    // first), then the API's acr rule on the same token.
    expect(statuses(acr)).toEqual(['403', '302', '403', '403']);
    expect(refusals(acr)).toEqual([
      'insufficient_authentication_context',
      'insufficient_scope',
      'insufficient_authentication_context',
    ]);
    expect(acr.body).toContain('/step-up?returnTo=%2Fteam%2F');
    expect(acr.body).toContain(
      'error=&#34;insufficient_authentication_context&#34;, error_description=&#34;Only members see',
    );
    expect(acr.body).toContain('acr_values=&#34;urn:okta:loa:2fa:any&#34;');
    for (const page of [nonce, expired, acr]) expectNoSecrets(page);

    // Nothing was refreshed or revoked: the session is as it was, and refreshes for real later.
    const after = await browser.open(`${demo.appUrl}/flow`);
    expect(after.status).toBe(200);
    expect(after.body).not.toContain('data-refresh="0"');
    try {
      setClockOffset(3600);
      expect((await browser.open(`${demo.appUrl}/dashboard`)).status).toBe(200);
    } finally {
      setClockOffset(0);
    }
    expect((await browser.open(`${demo.appUrl}/flow`)).body).toContain('data-refresh="0"');
  });

  it('replays the spent code only after a confirm, shows the revocation, and signs the learner out', async () => {
    const browser = new Browser();
    await signIn(browser, 'carol.lee');
    const flow = await browser.open(`${demo.appUrl}/flow`);
    expect(flow.body).toContain('(this ends your sign-in)');

    // First the confirm step: nothing is replayed yet, and the sign-in still works.
    const confirm = await browser.submit(formPostingTo(flow, '/flow/what-if/code_replay'));
    expect(confirm.status).toBe(200);
    expect(confirm.body).toContain('data-confirm="code_replay"');
    expect(confirm.body).toContain('This ends your sign-in.');
    expect(statuses(confirm)).toEqual([]);
    const stillIn = await browser.open(`${demo.appUrl}/dashboard`);
    expect(stillIn.url).toBe(`${demo.appUrl}/dashboard`);
    expect(stillIn.status).toBe(200);

    const result = await browser.submit(formPostingTo(confirm, '/flow/what-if/code_replay'));
    expect(result.status).toBe(200);
    // The replay refused, the access token no longer active, the refresh token refused.
    expect(statuses(result)).toEqual(['400', '200', '400']);
    expect(refusals(result)).toEqual(['invalid_grant', 'invalid_grant']);
    expect(result.body).toMatch(/<code>active<\/code><\/th><td class="value">false</);
    expect(result.body).toContain('data-signed-out');
    expect(result.body).toContain('the provider revoked what it issued');
    expect(result.body).toContain('href="/login"');
    expectNoSecrets(result);

    // Signed out of the app, the lesson kept; the link ends the provider's session too.
    const ended = await browser.open(`${demo.appUrl}/flow`);
    expect(ended.body).toContain('data-ended');
    const endSession = /<a href="([^"]+)" data-end-session>/.exec(result.body)?.[1] ?? '';
    expect(endSession.startsWith(demo.provider.issuer)).toBe(true);
    const home = await browser.open(endSession.replaceAll('&amp;', '&'));
    expect(home.url).toBe(`${demo.appUrl}/`);
    const again = await browser.open(`${demo.appUrl}/dashboard`);
    expect(again.body).toContain('Pick a seeded user');
  });
});
