import { html, Html } from './escape-html.js';

// JSON inside a <script> element: nothing in it may close the element or end the line.
const scriptUnsafe = /[<>&\u2028\u2029]/g;
const escapeForScript = (char: string) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;

/**
 * The page of Okta's okta_post_message response mode: one script, allowed by its nonce, that
 * posts the authorization response to the window that opened or framed it, at one origin.
 */
export function renderPostMessagePage(input: {
  message: Record<string, unknown>;
  targetOrigin: string;
  nonce: string;
}): string {
  const data = JSON.stringify(input.message).replace(scriptUnsafe, escapeForScript);
  const origin = JSON.stringify(input.targetOrigin).replace(scriptUnsafe, escapeForScript);
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <title>Understudy</title>
      </head>
      <body>
        <script nonce="${input.nonce}">
          ${new Html(`(window.opener || window.parent).postMessage(${data}, ${origin});`)};
        </script>
      </body>
    </html>`.text;
}
