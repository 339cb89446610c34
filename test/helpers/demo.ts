/**
 * The demo app and a provider for it, both on free loopback ports, with the seed's demo
 * clients moved to the app's port.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import type { Store } from 'express-session';
import { createApp } from '../../app/app.js';
import { demoClientIds, readAppConfig } from '../../app/config.js';
import { createOidc } from '../../app/oidc.js';
import type { Seed, SeedInput } from '../../seed/schema.js';
import { freePort } from './child-app.js';
import { seedWithClients, startTestProvider, type TestProvider } from './provider.js';
import { defaultSeedPath, loadSeed } from '../../seed/load.js';

/** The seed's clients for the demo app, found by client_id as the app finds them. */
export function demoClients(seed: Seed) {
  return {
    web: seed.clients.find((client) => client.client_id === demoClientIds.web),
    spa: seed.clients.find((client) => client.client_id === demoClientIds.spa),
  };
}

export interface Demo {
  provider: TestProvider;
  appUrl: string;
  /** Another process-like instance of the app (same clients and secret) on its own port. */
  startAnotherApp(sessionStore?: Store): Promise<{ url: string; close(): Promise<void> }>;
  stop(): Promise<void>;
}

export async function startDemo(options: { sessionStore?: Store } = {}): Promise<Demo> {
  const port = await freePort();
  const base = `http://localhost:${port}`;
  const defaults = await loadSeed();
  const { web, spa } = demoClients(defaults);
  if (!web || !spa) throw new Error('the default seed lacks the demo clients');
  const moved: SeedInput['clients'] = [
    {
      ...web,
      client_id: 'demo-web-on-test-port',
      redirect_uris: [`${base}/authorization-code/callback`],
      post_logout_redirect_uris: [`${base}/`],
    },
    {
      ...spa,
      client_id: 'demo-spa-on-test-port',
      redirect_uris: [`${base}/spa/`],
      post_logout_redirect_uris: [`${base}/spa/`],
      allowedOrigins: [base],
    },
  ];
  const seed = await seedWithClients(moved);
  const provider = await startTestProvider({ seed, control: true });
  const configFor = (appPort: number) =>
    readAppConfig(
      {
        APP_PORT: String(appPort),
        OKTA_ISSUER: provider.issuer,
        OKTA_CLIENT_ID: 'demo-web-on-test-port',
        OKTA_CLIENT_SECRET: web.client_secret,
        SPA_CLIENT_ID: 'demo-spa-on-test-port',
      },
      [],
    );
  const startAppOn = async (appPort: number, sessionStore = options.sessionStore) => {
    const config = configFor(appPort);
    const oidc = createOidc(config);
    const app = createApp(config, {
      seed,
      sessionSecret: 'test-session-secret-0123456789abcdef',
      sessionStore,
      oidc,
    });
    const server = await new Promise<Server>((resolve) => {
      const listening = app.listen(appPort, '127.0.0.1', () => resolve(listening));
    });
    return {
      url: `http://localhost:${appPort}`,
      close: async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        oidc.close();
      },
    };
  };
  const first = await startAppOn(port);
  const others: { close(): Promise<void> }[] = [];
  return {
    provider,
    appUrl: base,
    async startAnotherApp(sessionStore) {
      const other = await startAppOn(await freePort(), sessionStore);
      others.push(other);
      return other;
    },
    async stop() {
      for (const app of [first, ...others]) await app.close();
      await provider.stop();
    },
  };
}

/**
 * The default seed as a file in `dir`, with the demo web app's redirect URIs moved to
 * `appUrl`: for a provider run as the CLI in its own process.
 */
export async function writeDemoSeedFor(appUrl: string, dir: string): Promise<string> {
  const seed = JSON.parse(readFileSync(defaultSeedPath, 'utf8'));
  const { web } = demoClients(await loadSeed());
  const client = seed.clients.find(
    (candidate: { client_id: string }) => candidate.client_id === web?.client_id,
  );
  client.redirect_uris = [`${appUrl}/authorization-code/callback`];
  client.post_logout_redirect_uris = [`${appUrl}/`];
  const seedFile = join(dir, 'seed.json');
  writeFileSync(seedFile, JSON.stringify(seed));
  return seedFile;
}
