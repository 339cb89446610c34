import { html } from './escape-html.js';
import { renderPage } from './layout.js';

export interface ConsentPageInput {
  action: string;
  abortAction: string;
  csrfToken: string;
  clientName: string;
  userName: string;
  scopes: readonly string[];
}

export function renderConsentPage(input: ConsentPageInput, nonce: string): string {
  const { action, abortAction, csrfToken, clientName, userName, scopes } = input;
  const csrf = html`<input type="hidden" name="csrf" value="${csrfToken}" />`;
  return renderPage(
    'Allow access',
    html`<h1>Allow access?</h1>
      <p class="lead"><strong>${clientName}</strong> asks to access your account (${userName}).</p>
      <section>
        <h2>It will be able to</h2>
        <ul>
          ${scopes.map((scope) => html`<li><code>${scope}</code></li>`)}
        </ul>
      </section>
      <div class="actions">
        <form method="post" action="${action}">${csrf}<button type="submit">Allow</button></form>
        <form method="post" action="${abortAction}">
          ${csrf}<button class="secondary" type="submit">Deny</button>
        </form>
      </div>`,
    nonce,
  );
}
