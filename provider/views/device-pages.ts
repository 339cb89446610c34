import { Html, html } from './escape-html.js';
import { renderPage } from './layout.js';

// oidc-provider hands these pages its own, already-escaped form markup (with its xsrf field).
// Its code input selects itself with an inline onfocus handler, which the pages' CSP refuses
// (as it refuses any inline handler), so the handler is left out.
const trusted = (markup: string) => new Html(markup.replace(/\son[a-z]+="[^"]*"/g, ''));

export function renderUserCodeInput(
  form: string,
  errorMessage: string | undefined,
  nonce: string,
): string {
  return renderPage(
    'Activate a device',
    html`<h1>Activate a device</h1>
      <p class="lead">Enter the code shown on your device.</p>
      ${errorMessage ? html`<section class="error" role="alert">${errorMessage}</section>` : ''}
      ${trusted(form)}
      <div class="actions"><button type="submit" form="op.deviceInputForm">Continue</button></div>`,
    nonce,
  );
}

export function renderUserCodeConfirm(
  form: string,
  clientName: string,
  userCode: string,
  nonce: string,
): string {
  return renderPage(
    'Activate a device',
    html`<h1>Activate a device</h1>
      <p class="lead">
        <strong>${clientName}</strong> asks to sign in with code <code>${userCode}</code>.
      </p>
      ${trusted(form)}
      <div class="actions">
        <button type="submit" form="op.deviceConfirmForm">Continue</button>
        <button
          class="secondary"
          type="submit"
          form="op.deviceConfirmForm"
          name="abort"
          value="yes"
        >
          Cancel
        </button>
      </div>`,
    nonce,
  );
}

export function renderDeviceSuccess(clientName: string, nonce: string): string {
  return renderPage(
    'Device activated',
    html`<h1>Device activated</h1>
      <p class="lead">${clientName} is now signed in. You can close this page.</p>`,
    nonce,
  );
}
