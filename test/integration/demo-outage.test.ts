/**
 * The demo app when its provider goes away: the provider is the compiled CLI in its own
 * process, really stopped and started again. Code exchange, refresh and logout meet a clear
 * 503 page with "Try again" instead of a 500, nothing is left unhandled, and once the
 * provider is back the app carries on by itself.
 */
import { mkdtempSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../app/app.js';
import { readAppConfig } from '../../app/config.js';
import { setClockOffset } from '../../provider/control/clock.js';
import { loadSeed } from '../../seed/load.js';
import { demoClients, writeDemoSeedFor } from '../helpers/demo.js';
import { Browser, formPostingTo, userPicker } from '../helpers/browser.js';
import { freePort } from '../helpers/child-app.js';
import { type RunningCli, startCli } from '../helpers/cli.js';

describe('the demo app when the provider goes away', () => {
  let provider: RunningCli | undefined;
  let app: Server;
  let appUrl: string;
  let providerPort: string;
  let startProvider: () => Promise<RunningCli>;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    const appPort = await freePort();
    appUrl = `http://localhost:${appPort}`;
    const dataDir = mkdtempSync(join(tmpdir(), 'understudy-outage-'));
    const seedFile = await writeDemoSeedFor(appUrl, dataDir);
    const { web } = demoClients(await loadSeed());
    providerPort = String(await freePort());
    startProvider = () =>
      startCli(['--port', providerPort, '--data-dir', dataDir, '--seed', seedFile]);
    provider = await startProvider();
    const config = readAppConfig(
      {
        APP_PORT: String(appPort),
        OKTA_ISSUER: provider.issuer,
        OKTA_CLIENT_ID: web?.client_id,
        OKTA_CLIENT_SECRET: web?.client_secret,
      },
      (await loadSeed()).clients,
    );
    const express = createApp(config, {
      seed: await loadSeed(),
      sessionSecret: 'test-session-secret-0123456789abcdef',
    });
    app = await new Promise<Server>((resolve) => {
      const listening = express.listen(appPort, '127.0.0.1', () => resolve(listening));
    });
  }, 30_000);

  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    setClockOffset(0);
    await new Promise<void>((resolve) => {
      app?.close(() => resolve());
      app?.closeAllConnections();
    });
    await provider?.stop();
  });

  const stopProvider = async () => {
    await provider?.stop();
    provider = undefined;
  };
  const signIn = async (browser: Browser) => {
    const login = await browser.open(`${appUrl}/login`);
    const seed = await loadSeed();
    const carol = seed.users.find((user) => user.login.startsWith('carol.lee'));
    return browser.submit(userPicker(login), { user_id: carol?.id ?? '' });
  };
  const retryLink = (body: string) =>
    /<a class="btn btn-primary" href="([^"]*)" data-retry>Try again<\/a>/
      .exec(body)?.[1]
      ?.replace(/&amp;/g, '&')
      .replace(/&#x3D;/g, '=');

  it('the code exchange: 503 with Try again, which finishes the sign-in once it is back', async () => {
    const browser = new Browser();
    const login = await browser.open(`${appUrl}/login`);
    const seed = await loadSeed();
    const carol = seed.users.find((user) => user.login.startsWith('carol.lee'));
    const callback = await browser.submit(
      userPicker(login),
      { user_id: carol?.id ?? '' },
      `${appUrl}/authorization-code/callback`,
    );
    await stopProvider();

    const failed = await browser.open(callback.url);
    expect(failed.status).toBe(503);
    expect(failed.body).toContain('cannot be reached right now');
    expect(failed.body).toContain('data-error-code>provider_unreachable<');
    expect(failed.headers.get('retry-after')).toBe('2');
    expect(retryLink(failed.body)).toBe(
      new URL(callback.url).pathname + new URL(callback.url).search,
    );

    provider = await startProvider();
    // The provider kept the code across its restart (its default store is durable): Try
    // again finishes the very same sign-in.
    const retried = await browser.open(callback.url);
    expect(retried.url).toBe(`${appUrl}/dashboard`);
    expect(retried.status).toBe(200);
  });

  it('a refresh: 503 with Try again, the session kept; then the refresh goes through', async () => {
    const browser = new Browser();
    expect((await signIn(browser)).url).toBe(`${appUrl}/dashboard`);
    await stopProvider();
    try {
      setClockOffset(3600);
      const failed = await browser.open(`${appUrl}/dashboard`);
      expect(failed.status).toBe(503);
      expect(retryLink(failed.body)).toBe('/dashboard');
    } finally {
      setClockOffset(0);
    }
    provider = await startProvider();
    // Still signed in: the tokens are fresh again at the real time.
    const again = await browser.open(`${appUrl}/dashboard`);
    expect(again.status).toBe(200);
  });

  it('logout: signed out of the app, told the provider could not be reached', async () => {
    const browser = new Browser();
    const dashboard = await signIn(browser);
    await stopProvider();
    const out = await browser.submit(formPostingTo(dashboard, '/logout'));
    expect(out.status).toBe(503);
    expect(out.body).toContain('You are signed out of this app');
    expect(retryLink(out.body)).toContain(`/oauth2/default/v1/logout?`);
    const after = await browser.open(`${appUrl}/dashboard`, `http://localhost:${providerPort}`);
    expect(new URL(after.url).pathname).toBe('/oauth2/default/v1/authorize');
    provider = await startProvider();
  });

  it('left nothing unhandled', () => {
    expect(unhandled).toEqual([]);
  });
});
