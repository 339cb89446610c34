/**
 * The demo app and a provider for it, both on free loopback ports, with the seed's demo
 * clients moved to the app's port; and Google Authenticator codes for its step-up.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import type { Store } from 'express-session';
import { createApp } from '../../app/app.js';
import { demoClientIds, readAppConfig } from '../../app/config.js';
import { createOidc } from '../../app/oidc.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { totp } from '../../provider/testkit/index.js';
import type { Seed, SeedInput } from '../../seed/schema.js';
import { freePort } from './child-app.js';
import { seededUser, seedWithClients, startTestProvider, type TestProvider } from './provider.js';
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

/** The level the demo's all-teams view asks for (app/teams.ts). */
export const twoFactorAcr = 'urn:okta:loa:2fa:any';

/**
 * Google Authenticator codes for a seeded user, each of a 30-second step not used before: the
 * provider takes a code once, and one step either side of its clock. Steps are kept per
 * returned function, so use one per provider.
 */
export function authenticatorCodes(seed: Seed, loginPrefix: string): () => Promise<string> {
  const user = seededUser(seed, loginPrefix);
  const otp = user.authenticators.find((authenticator) => authenticator.key === 'google_otp');
  if (otp?.key !== 'google_otp') throw new Error(`${user.login} has no Google Authenticator`);
  const used = new Set<number>();
  return async function next(): Promise<string> {
    const seconds = Date.now() / 1000;
    const now = Math.floor(seconds / 30);
    const step = [now, now + 1, now - 1].find((candidate) => !used.has(candidate));
    // The step before now stops matching at the next step: not that close to it.
    const left = (now + 1) * 30 - seconds;
    if (step === undefined || (step === now - 1 && left < 5)) {
      await sleep(left * 1000 + 100);
      return next();
    }
    used.add(step);
    return totp(otp.secret, step * 30);
  };
}
