import { Html, html } from './escape-html.js';
import { renderPage } from './layout.js';

/** oidc-provider's own form markup (its xsrf field), already escaped. */
export function renderLogoutConfirm(form: string, nonce: string): string {
  return renderPage(
    'Sign out',
    html`<h1>Sign out of Understudy?</h1>
      <p class="lead">No application asked for this, so Understudy checks with you first.</p>
      ${new Html(form)}
      <div class="actions">
        <button type="submit" form="op.logoutForm" name="logout" value="yes">Sign out</button>
      </div>`,
    nonce,
  );
}

export function renderLoggedOut(nonce: string): string {
  return renderPage(
    'Signed out',
    html`<h1>Signed out</h1>
      <p class="lead">You have been signed out.</p>`,
    nonce,
  );
}
