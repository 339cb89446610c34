/**
 * The demo app's entry point: configuration from the environment, then listen.
 */
import type { Server } from 'node:http';
import { defaultSeedPath, loadSeed } from '../seed/load.js';
import type { Seed } from '../seed/schema.js';
import { createApp } from './app.js';
import { type AppConfig, readAppConfig } from './config.js';
import { resolveSessionSecret } from './session.js';
import { connectRedisSessionStore } from './session-store.js';

export interface RunningApp {
  server: Server;
  url: string;
  close(): Promise<void>;
}

export function demoClients(seed: Seed) {
  return {
    web: seed.clients.find((client) => client.client_name.includes('demo web app')),
    spa: seed.clients.find((client) => client.client_name.includes('SPA')),
  };
}

export async function startApp(
  env: Record<string, string | undefined> = process.env,
): Promise<RunningApp> {
  const seed = await loadSeed(env.SEED_PATH ?? defaultSeedPath);
  const config: AppConfig = readAppConfig(env, demoClients(seed));
  const sessionSecret = await resolveSessionSecret(config.sessionSecret, config.dataDir);
  const shared = config.sessionRedisUrl
    ? await connectRedisSessionStore(config.sessionRedisUrl)
    : undefined;
  const app = createApp(config, { seed, sessionSecret, sessionStore: shared?.store });
  let server: Server;
  try {
    server = await new Promise<Server>((resolve, reject) => {
      const listening = app.listen(config.port, config.host, (error?: Error) =>
        error ? reject(error) : resolve(listening),
      );
    });
  } catch (error) {
    await shared?.close();
    throw error;
  }
  return {
    server,
    url: config.baseUrl,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await shared?.close();
    },
  };
}
