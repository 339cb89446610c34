import { html } from './escape-html.js';
import { renderPage } from './layout.js';

export interface ErrorPageInput {
  error: string;
  error_description?: string | undefined;
  hint?: string | undefined;
}

/** A protocol or interaction error as a readable page: the OAuth code, never a stack trace. */
export function renderErrorPage(
  { error, error_description, hint }: ErrorPageInput,
  nonce: string,
): string {
  return renderPage(
    'Error',
    html`<h1>Something went wrong</h1>
      <section class="error" role="alert">
        <dl>
          <dt>error</dt>
          <dd><code>${error}</code></dd>
          ${
            error_description
              ? html`<dt>error_description</dt>
                  <dd>${error_description}</dd>`
              : ''
          }
        </dl>
      </section>
      ${hint ? html`<p>${hint}</p>` : ''}`,
    nonce,
  );
}
