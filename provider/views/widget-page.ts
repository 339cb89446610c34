/**
 * The hosted sign-in page as Okta's own Sign-In Widget, the way an Okta org's hosted page runs
 * it: the widget's files from this server, a container `#okta-login-container`, and the widget
 * started with the state token of the pending authorization request (it then talks to
 * /idp/idx itself and, when done, sends the browser back into the request). Its settings travel
 * in an attribute, escaped, and its script runs under this response's nonce.
 */
import { html } from './escape-html.js';

export interface WidgetPageInput {
  /** The origin the widget calls (/idp/idx) and loads its files from. */
  baseUrl: string;
  /** Where the widget's dist folder is served, e.g. /okta-signin-widget. */
  assetsPath: string;
  stateToken: string;
  clientName: string;
  /** The widget's version, so a new install is not served from a stale cache. */
  version: string;
}

export function renderWidgetPage(input: WidgetPageInput, nonce: string): string {
  const assets = input.assetsPath;
  const settings = JSON.stringify({
    baseUrl: input.baseUrl,
    stateToken: input.stateToken,
    cspNonce: nonce,
    brandName: 'Understudy',
    assets: { baseUrl: `${input.baseUrl}${assets}` },
  });
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>${input.clientName} - Sign In</title>
        <link
          rel="stylesheet"
          nonce="${nonce}"
          href="${assets}/css/okta-sign-in.min.css?v=${input.version}"
        />
        <script nonce="${nonce}" src="${assets}/js/okta-sign-in.min.js?v=${input.version}"></script>
      </head>
      <body>
        <div id="okta-login-container" data-settings="${settings}"></div>
        <script nonce="${nonce}">
          (function () {
            var container = document.getElementById('okta-login-container');
            var widget = new OktaSignIn(JSON.parse(container.dataset.settings));
            widget.renderEl(
              { el: '#okta-login-container' },
              function () {},
              function (error) {
                console.error('Sign-In Widget:', error);
              },
            );
          })();
        </script>
      </body>
    </html> `.text;
}
