/**
 * Restarts lose nothing with Redis: a user signed in to the demo app stays signed in while
 * the demo app (sessions in Redis) and the provider (the CLI with --redis) are both
 * restarted, and the refresh token keeps working after.
 */
import { mkdtempSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../app/app.js';
import { readAppConfig } from '../../app/config.js';
import { connectRedisSessionStore, type SharedSessionStore } from '../../app/session-store.js';
import { setClockOffset } from '../../provider/control/clock.js';
import { loadSeed } from '../../seed/load.js';
import { demoClients, writeDemoSeedFor } from '../helpers/demo.js';
import { Browser, userPicker } from '../helpers/browser.js';
import { freePort } from '../helpers/child-app.js';
import { type RunningCli, startCli } from '../helpers/cli.js';
import { redisAvailable, startRedis } from '../helpers/redis.js';

describe.runIf(redisAvailable())('the demo and the provider restarted on Redis', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let provider: RunningCli | undefined;
  let startProvider: () => Promise<RunningCli>;
  let appUrl: string;
  let startApp: () => Promise<{ server: Server; sessions: SharedSessionStore }>;
  let app: { server: Server; sessions: SharedSessionStore } | undefined;

  const stopApp = async () => {
    await new Promise<void>((resolve) => {
      app?.server.close(() => resolve());
      app?.server.closeAllConnections();
    });
    await app?.sessions.close();
    app = undefined;
  };

  beforeAll(async () => {
    redis = await startRedis();
    const appPort = await freePort();
    appUrl = `http://localhost:${appPort}`;
    const dir = mkdtempSync(join(tmpdir(), 'understudy-restarts-'));
    const seedFile = await writeDemoSeedFor(appUrl, dir);
    const { web } = demoClients(await loadSeed());
    const providerPort = String(await freePort());
    // A new data directory each start: everything that must survive is in Redis.
    startProvider = () =>
      startCli([
        '--port',
        providerPort,
        '--data-dir',
        mkdtempSync(join(tmpdir(), 'understudy-restart-')),
        '--seed',
        seedFile,
        '--redis',
        redis.url,
      ]);
    provider = await startProvider();
    const issuer = provider.issuer;
    startApp = async () => {
      const sessions = await connectRedisSessionStore(redis.url);
      const express = createApp(
        readAppConfig(
          {
            APP_PORT: String(appPort),
            OKTA_ISSUER: issuer,
            OKTA_CLIENT_ID: web?.client_id,
            OKTA_CLIENT_SECRET: web?.client_secret,
          },
          (await loadSeed()).clients,
        ),
        {
          seed: await loadSeed(),
          sessionSecret: 'test-session-secret-0123456789abcdef',
          sessionStore: sessions.store,
        },
      );
      const server = await new Promise<Server>((resolve) => {
        const listening = express.listen(appPort, '127.0.0.1', () => resolve(listening));
      });
      return { server, sessions };
    };
    app = await startApp();
  }, 30_000);

  afterAll(async () => {
    setClockOffset(0);
    await stopApp();
    await provider?.stop();
    await redis?.stop();
  });

  it('keeps the user signed in, and refreshes after both restarts', async () => {
    const browser = new Browser();
    const login = await browser.open(`${appUrl}/login`);
    const carol = (await loadSeed()).users.find((user) => user.login.startsWith('carol.lee'));
    const dashboard = await browser.submit(userPicker(login), { user_id: carol?.id ?? '' });
    expect(dashboard.url).toBe(`${appUrl}/dashboard`);

    await stopApp();
    await provider?.stop();
    provider = await startProvider();
    app = await startApp();

    const after = await browser.open(`${appUrl}/dashboard`);
    expect(after.status).toBe(200);
    expect(after.url).toBe(`${appUrl}/dashboard`);
    try {
      // An hour on, the access token needs its refresh token, issued before the restarts.
      setClockOffset(3600);
      const refreshed = await browser.open(`${appUrl}/dashboard`);
      expect(refreshed.status).toBe(200);
      expect(refreshed.url).toBe(`${appUrl}/dashboard`);
    } finally {
      setClockOffset(0);
    }
  });
});
