/**
 * The demo app's entry point shut down while its provider is still down: closing it stops
 * the discovery retry, so nothing goes on asking the provider after the app is gone.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startApp } from '../../app/server.js';
import { freePort } from '../helpers/child-app.js';

describe('the demo app shut down while the provider is down', () => {
  const requests: IncomingMessage[] = [];
  // Answers every request with a 503, as a provider still starting might.
  const provider = createServer((req, res) => {
    requests.push(req);
    res.writeHead(503).end();
  });
  beforeAll(() => new Promise<void>((resolve) => provider.listen(0, '127.0.0.1', resolve)));
  afterAll(
    () =>
      new Promise<void>((resolve) => {
        provider.closeAllConnections();
        provider.close(() => resolve());
      }),
  );

  it('stops asking the provider once closed', async () => {
    const { port } = provider.address() as AddressInfo;
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const app = await startApp({
        APP_PORT: String(await freePort()),
        OKTA_ISSUER: `http://127.0.0.1:${port}/oauth2/default`,
        SESSION_SECRET: 'test-session-secret-0123456789abcdef',
      });
      await vi.waitFor(() => expect(requests.length).toBeGreaterThanOrEqual(2), {
        timeout: 5_000,
      });
      await app.close();
      const seen = requests.length;
      // Longer than the retry's next wait would have been (it grows 250 ms per attempt).
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(requests.length).toBe(seen);
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('waiting for the provider'));
    } finally {
      warn.mockRestore();
    }
  });
});
