/**
 * The demo app's entry point: configuration from the environment, then listen. Closing the
 * server also stops discovery, should the provider still not be up.
 */
import type { Server } from 'node:http';
import { defaultSeedPath, loadSeed } from '../seed/load.js';
import { createApp } from './app.js';
import { type AppConfig, readAppConfig } from './config.js';
import { createOidc } from './oidc.js';
import { resolveSessionSecret } from './session.js';
import { connectRedisSessionStore } from './session-store.js';

export interface RunningApp {
  server: Server;
  url: string;
  close(): Promise<void>;
}

export async function startApp(
  env: Record<string, string | undefined> = process.env,
): Promise<RunningApp> {
  const seed = await loadSeed(env.SEED_PATH ?? defaultSeedPath);
  const config: AppConfig = readAppConfig(env, seed.clients);
  const sessionSecret = await resolveSessionSecret(config.sessionSecret, config.dataDir);
  const shared = config.sessionRedisUrl
    ? await connectRedisSessionStore(config.sessionRedisUrl)
    : undefined;
  const oidc = createOidc({
    issuer: config.issuer,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
  });
  const app = createApp(config, { seed, sessionSecret, sessionStore: shared?.store, oidc });
  let server: Server;
  try {
    server = await new Promise<Server>((resolve, reject) => {
      const listening = app.listen(config.port, config.host, (error?: Error) =>
        error ? reject(error) : resolve(listening),
      );
    });
  } catch (error) {
    oidc.close();
    await shared?.close();
    throw error;
  }
  server.once('close', () => oidc.close());
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
