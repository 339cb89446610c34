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
    expectNoSecrets(refreshed);

    const home = await browser.submit(formPostingTo(refreshed, '/logout'));
    expect(home.url).toBe(`${demo.appUrl}/`);
    expect(home.body).toContain('href="/login"');
    const ended = await browser.open(`${demo.appUrl}/flow`);
    expect(ended.status).toBe(200);
    expect(ended.body).toContain('data-ended');
    expect(ended.body).toContain('data-logout');
    expect(ended.body).toContain('data-life-logout');
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
});
