import { html } from './escape-html.js';
import { renderPage } from './layout.js';

export interface DebugPageInput {
  issuer: string;
  discoveryUrl: string;
  jwksUrl: string;
  requestOrigin: string;
  audience: string;
  clients: readonly { client_id: string; client_name: string; redirect_uris: readonly string[] }[];
}

/** The setup facts people get wrong most: the exact issuer, and which host they came in on. */
export function renderDebugPage(
  { issuer, discoveryUrl, jwksUrl, requestOrigin, audience, clients }: DebugPageInput,
  nonce: string,
): string {
  const issuerOrigin = new URL(issuer).origin;
  const mismatch = issuerOrigin !== requestOrigin;
  return renderPage(
    'Issuer check',
    html`<h1>Issuer check</h1>
      ${
        mismatch
          ? html`<section class="error" role="alert">
              This page was requested at <code>${requestOrigin}</code>, but the issuer is at
              <code>${issuerOrigin}</code>. Clients compare the issuer byte for byte: configure your
              app with the issuer below, and use the same host in the browser.
            </section>`
          : ''
      }
      <section>
        <dl>
          <dt>issuer</dt>
          <dd><code>${issuer}</code></dd>
          <dt>discovery</dt>
          <dd><code>${discoveryUrl}</code></dd>
          <dt>JWKS</dt>
          <dd><code>${jwksUrl}</code></dd>
          <dt>audience</dt>
          <dd><code>${audience}</code></dd>
          <dt>this request</dt>
          <dd><code>${requestOrigin}</code></dd>
        </dl>
      </section>
      <section>
        <h2>Clients</h2>
        <dl>
          ${clients.map(
            (client) =>
              html`<dt><code>${client.client_id}</code></dt>
                <dd>
                  ${client.client_name}${client.redirect_uris.map((uri) => html`<br /><code>${uri}</code>`)}
                </dd>`,
          )}
        </dl>
      </section>`,
    nonce,
  );
}
