/**
 * A single-page app's host for browser tests: an http origin (another site than an https
 * provider, as in real use) serving a page that loads an okta-auth-js browser bundle from
 * node_modules and exposes `makeAuth(options)` for the test to drive.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** The browser bundles, by the path prefix the page is served under. */
export const oktaAuthBundles = {
  v7: join(dirname(require.resolve('okta-auth-js-7/package.json')), 'dist/okta-auth-js.min.js'),
  v8: join(dirname(require.resolve('@okta/okta-auth-js/package.json')), 'dist/okta-auth-js.min.js'),
} as const;

export type OktaAuthVersion = keyof typeof oktaAuthBundles;

export interface SpaHost {
  /** e.g. http://localhost:53111 */
  origin: string;
  close(): Promise<void>;
}

/** Pages at /{version}/ and /{version}/login/callback; `settings` become OktaAuth's options. */
export async function startSpaHost(
  port: number,
  settings: (version: OktaAuthVersion, origin: string) => Record<string, unknown>,
): Promise<SpaHost> {
  const origin = `http://localhost:${port}`;
  const bundles = Object.fromEntries(
    Object.entries(oktaAuthBundles).map(([version, file]) => [version, readFileSync(file)]),
  );
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', origin);
    const [, version, ...rest] = url.pathname.split('/');
    const bundle = bundles[version ?? ''];
    if (!bundle) {
      res.writeHead(404).end();
      return;
    }
    if (rest.join('/') === 'okta-auth-js.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
      return;
    }
    const options = JSON.stringify(settings(version as OktaAuthVersion, origin));
    res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html>
<html><head><meta charset="utf-8"><title>SPA ${version}</title>
<script src="/${version}/okta-auth-js.js"></script>
<script>
  window.makeAuth = (extra) => new OktaAuth(Object.assign(${options}, extra));
</script></head><body><h1>SPA ${version}</h1></body></html>`);
  });
  return serveOnLocalhost(server, port);
}

/** Listens on loopback at `port`; the page origin says localhost, as a developer's would. */
export async function serveOnLocalhost(
  server: Server,
  port: number,
): Promise<{ origin: string; close(): Promise<void> }> {
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    origin: `http://localhost:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
