import { Html, html } from './escape-html.js';

// Inline styles only: the pages must render with no network and no asset server.
const styles = `
  :root { color-scheme: light dark; --accent: #1662dd; --muted: #6b7280; --danger: #b91c1c; }
  * { box-sizing: border-box; }
  body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0;
    background: Canvas; color: CanvasText; }
  main { max-width: 34rem; margin: 3rem auto; padding: 0 1rem; }
  header { display: flex; align-items: baseline; gap: .5rem; margin-bottom: 1.5rem; }
  header strong { font-size: 1.1rem; }
  header span { color: var(--muted); font-size: .85rem; }
  h1 { font-size: 1.35rem; margin: 0 0 .25rem; }
  p.lead { color: var(--muted); margin-top: 0; }
  section { border: 1px solid color-mix(in srgb, CanvasText 15%, transparent); border-radius: 8px;
    padding: 1rem; margin: 1rem 0; }
  h2 { font-size: 1rem; margin: 0 0 .75rem; }
  ul.users { list-style: none; padding: 0; margin: 0; display: grid; gap: .5rem; }
  button, input[type=submit] { font: inherit; cursor: pointer; border-radius: 6px;
    padding: .5rem .9rem; border: 1px solid var(--accent); background: var(--accent);
    color: white; }
  button.user { width: 100%; text-align: left; background: transparent; color: inherit;
    border-color: color-mix(in srgb, CanvasText 20%, transparent); display: flex;
    justify-content: space-between; gap: 1rem; }
  button.user:hover, button.user:focus { border-color: var(--accent); }
  button.user small { color: var(--muted); }
  button.secondary { background: transparent; color: inherit;
    border-color: color-mix(in srgb, CanvasText 30%, transparent); }
  label { display: block; margin: .5rem 0 .25rem; }
  input[type=text], input[type=password] { width: 100%; font: inherit; padding: .45rem .6rem;
    border-radius: 6px; border: 1px solid color-mix(in srgb, CanvasText 30%, transparent); }
  .actions { display: flex; gap: .5rem; margin-top: 1rem; flex-wrap: wrap; }
  .error { border-color: var(--danger); color: var(--danger); }
  code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .9em; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: 0; }
  dt { color: var(--muted); }
  dd { margin: 0; word-break: break-all; }
`;

/** A whole page; `nonce` is the response's CSP nonce, which lets its one style element in. */
export function renderPage(title: string, body: Html, nonce: string): string {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>${title} · Understudy</title>
        <style nonce="${nonce}">
          ${new Html(styles)}
        </style>
      </head>
      <body>
        <main>
          <header><strong>Understudy</strong><span>local stand-in for Okta</span></header>
          ${body}
        </main>
      </body>
    </html> `.text;
}
