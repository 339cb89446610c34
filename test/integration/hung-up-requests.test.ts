/**
 * A client that hangs up halfway through sending its request is no fault of the server's:
 * neither the provider (its own routes, oidc-provider's, the control API) nor the demo app
 * logs it as an unhandled error, and both go on answering.
 */
import { mkdtempSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type RunningApp, startApp } from '../../app/server.js';
import { freePort } from '../helpers/child-app.js';
import { useTestProvider } from '../helpers/provider.js';

const provider = useTestProvider({ control: true });
let app: RunningApp;
let appPort = 0;

beforeAll(async () => {
  appPort = await freePort();
  app = await startApp({
    APP_PORT: String(appPort),
    OKTA_ISSUER: provider.issuer,
    SESSION_SECRET: 'test-session-secret-0123456789abcdef',
    APP_DATA_DIR: mkdtempSync(join(tmpdir(), 'understudy-hang-up-')),
  });
});
afterAll(() => app?.close());

/** Declares a body, sends a little of it, and hangs up once the server has begun reading. */
function hangUpMidBody(port: number, path: string, type: string) {
  return new Promise<void>((resolve) => {
    const req = httpRequest({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path,
      headers: { host: `localhost:${port}`, 'content-type': type, 'content-length': '60000' },
    });
    req.on('error', () => resolve());
    req.write(type === 'application/json' ? `{"a":"${'x'.repeat(1000)}` : `a=${'x'.repeat(1000)}`);
    setTimeout(() => {
      req.destroy();
      resolve();
    }, 100);
  });
}

describe('a client that hangs up mid-request', () => {
  it('is not logged as an unhandled error, and the servers go on answering', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const providerPort = Number(new URL(provider.issuer).port);
      const json = 'application/json';
      const form = 'application/x-www-form-urlencoded';
      for (const [port, path, type] of [
        [providerPort, '/__understudy/users', json],
        [providerPort, '/__understudy/next-login', json],
        [providerPort, '/api/v1/authn', json],
        [providerPort, '/oauth2/default/v1/token', form],
        [providerPort, '/oauth2/default/v1/introspect', form],
        [appPort, '/logout', form],
      ] as const) {
        await hangUpMidBody(port, path, type);
      }
      // What the servers make of it comes after the hang-up.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(logged.mock.calls.map((call) => String(call[0]))).toEqual([]);
      expect((await fetch(`http://127.0.0.1:${providerPort}/health`)).status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${appPort}/`)).status).toBe(200);
    } finally {
      logged.mockRestore();
    }
  });
});
