/**
 * Every value from the seed or a request is escaped in the provider's HTML.
 */
import { describe, expect, it } from 'vitest';
import { renderConsentPage } from '../../../../provider/views/consent-page.js';
import { renderErrorPage } from '../../../../provider/views/error-page.js';
import { html } from '../../../../provider/views/escape-html.js';
import { type LoginView, renderLoginPage } from '../../../../provider/views/login-page.js';
import type { SeedUser } from '../../../../seed/schema.js';

const evil = `"><script>alert('x')</script>`;
const escaped = '&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;';

const user: SeedUser = {
  id: '00uAAAAAAAAAAAAAAAAA',
  login: `${evil}@example.com`,
  email: 'a@example.com',
  givenName: evil,
  familyName: 'B',
  password: 'x',
  status: 'ACTIVE',
  profile: {},
  groups: [evil],
  authenticators: [{ key: 'phone_number', phoneNumber: '+15555550100' }],
  locale: 'en-US',
  zoneinfo: 'UTC',
  claims: {},
};

describe('provider pages', () => {
  it('escape seed values on the login page', () => {
    const page = renderLoginPage(
      {
        view: { step: 'identify', identifierFirst: false },
        action: '/a',
        abortAction: '/b',
        csrfToken: evil,
        clientName: evil,
        users: [user],
        login: evil,
        message: evil,
      },
      'n0nce',
    );
    expect(page).not.toContain('<script>');
    expect(page.split(escaped).length - 1).toBeGreaterThanOrEqual(6);
  });

  it('escape what the factor pages show', () => {
    const factor = { key: evil, label: evil, ariaLabel: evil, sends: true, to: evil };
    const views: LoginView[] = [
      { step: 'password', identifier: evil },
      { step: 'select', choices: [factor] },
      { step: 'challenge', factor },
    ];
    for (const view of views) {
      const page = renderLoginPage(
        { view, action: '/a', abortAction: '/b', csrfToken: 't', clientName: 'c', users: [] },
        'n0nce',
      );
      expect(page, view.step).not.toContain('<script>');
      expect(page, view.step).toContain(escaped);
    }
  });

  it('escape the consent page and the error page', () => {
    const consent = renderConsentPage(
      {
        action: '/a',
        abortAction: '/b',
        csrfToken: 't',
        clientName: evil,
        userName: evil,
        scopes: [evil],
      },
      'n0nce',
    );
    const error = renderErrorPage({ error: evil, error_description: evil, hint: evil }, 'n0nce');
    for (const page of [consent, error]) {
      expect(page).not.toContain('<script>');
      expect(page).toContain(escaped);
    }
  });

  it('keep their own stylesheet intact, let in by the nonce', () => {
    const page = renderErrorPage({ error: 'x' }, 'n0nce');
    expect(page).toContain('<style nonce="n0nce">');
    expect(page).toContain('"Segoe UI"');
    expect(page).not.toContain('&quot;Segoe UI&quot;');
  });

  it('html`` escapes values but keeps nested fragments', () => {
    expect(html`<p>${'<b>'}${html`<i>${'&'}</i>`}${['<', html`<br />`]}</p>`.text).toBe(
      '<p>&lt;b&gt;<i>&amp;</i>&lt;<br /></p>',
    );
  });
});
