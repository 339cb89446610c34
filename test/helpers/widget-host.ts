/**
 * An embedded Sign-In Widget's host for browser tests: an http origin (another origin than the
 * provider's, as in real use) serving a page that loads @okta/okta-signin-widget's browser
 * bundle and stylesheet (with its fonts and images) from node_modules and exposes
 * `startWidget(extra)` for the test to drive.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, extname, join, resolve, sep } from 'node:path';
import type { Page } from 'playwright-core';
import { serveOnLocalhost } from './spa-host.js';

const require = createRequire(import.meta.url);
const distDir = join(dirname(require.resolve('@okta/okta-signin-widget/package.json')), 'dist');

/** The widget's dist folders the page and its stylesheet load from, and their files' types. */
const assetFolders = new Set(['css', 'font', 'img', 'js']);
const contentTypes: Record<string, string> = {
  css: 'text/css',
  js: 'text/javascript',
  png: 'image/png',
  svg: 'image/svg+xml',
  woff: 'font/woff',
  woff2: 'font/woff2',
  ttf: 'font/ttf',
};

/** A file of the widget's dist folder, or undefined for anything else (or outside it). */
function widgetAsset(pathname: string): { body: Buffer; type: string } | undefined {
  const [, folder] = pathname.split('/');
  if (!folder || !assetFolders.has(folder)) return undefined;
  const file = resolve(distDir, `.${decodeURIComponent(pathname)}`);
  if (!file.startsWith(`${distDir}${sep}`) || !existsSync(file)) return undefined;
  const extension = extname(file).slice(1);
  return {
    body: readFileSync(file),
    type: contentTypes[extension] ?? 'application/octet-stream',
  };
}

export interface WidgetHost {
  /** e.g. http://localhost:53111 */
  origin: string;
  close(): Promise<void>;
}

/**
 * The page at / (and /login/callback); `settings` become the widget's options, to which
 * `startWidget(extra)` adds `extra`. `startWidget` renders the widget into #widget and resolves
 * with the status and the raw tokens of what `showSignIn()` resolves with; the widget itself is
 * `window.widget` (its okta-auth-js client is `widget.authClient`).
 */
export async function startWidgetHost(
  port: number,
  settings: (origin: string) => Record<string, unknown>,
): Promise<WidgetHost> {
  const origin = `http://localhost:${port}`;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', origin);
    const asset = widgetAsset(url.pathname);
    if (asset) {
      res.writeHead(200, { 'content-type': asset.type }).end(asset.body);
      return;
    }
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    if (url.pathname !== '/' && url.pathname !== '/login/callback') {
      res.writeHead(404).end();
      return;
    }
    const options = JSON.stringify(settings(origin));
    res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html>
<html><head><meta charset="utf-8"><title>Embedded Sign-In Widget</title>
<link rel="stylesheet" href="/css/okta-sign-in.min.css">
<script src="/js/okta-sign-in.min.js"></script>
<script>
  window.startWidget = (extra) => {
    const widget = new OktaSignIn(Object.assign(${options}, extra));
    window.widget = widget;
    return widget.showSignIn({ el: '#widget' }).then(({ status, tokens }) => ({
      status,
      idToken: tokens && tokens.idToken && tokens.idToken.idToken,
      accessToken: tokens && tokens.accessToken && tokens.accessToken.accessToken,
    }));
  };
</script></head><body><div id="widget"></div></body></html>`);
  });
  return serveOnLocalhost(server, port);
}

/**
 * Clicks the Sign-In Widget's submit button. The widget drops a submit that comes within 200 ms
 * of the one before (its form's `__save` is throttled, trailing: false), which a quick retry
 * after an error from a loopback provider does: so each page waits that out first.
 */
const lastSubmit = new WeakMap<Page, number>();
export async function submitWidgetForm(page: Page): Promise<void> {
  const wait = (lastSubmit.get(page) ?? 0) + 250 - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  await page.locator('input[type="submit"]').click();
  // After the click: Playwright's checks before it can take longer than the throttle.
  lastSubmit.set(page, Date.now());
}
