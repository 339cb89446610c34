/**
 * The demo app's configuration: read from the environment once, typed, frozen, failing fast.
 * Without any variables it points at a local Understudy with the default seed's demo clients.
 */
import type { SeedClient } from '../seed/schema.js';

/**
 * The default seed's clients for this app (seed/default.json), by client_id: the confidential
 * web app, and the public client the /spa page signs in with.
 */
export const demoClientIds = {
  web: '0oaIkfWUo4oNP64RAzCp',
  spa: '0oanYW22VJxEb5ZB0JT6',
} as const;

export interface AppConfig {
  readonly port: number;
  readonly host: string;
  /** Where browsers reach the app, e.g. http://localhost:3000 (no trailing slash). */
  readonly baseUrl: string;
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** The public client the /spa page signs in with. */
  readonly spaClientId: string;
  /** The audience the API accepts, and the scope it requires (the SPA asks for it). */
  readonly apiAudience: string;
  readonly apiScope: string;
  /** undefined: generate one and keep it in `dataDir` (local development only). */
  readonly sessionSecret: string | undefined;
  readonly dataDir: string;
  /** Path of the seed with the demo's teams and expenses. */
  readonly seedPath: string | undefined;
  /** Sessions in Redis (shared between processes) instead of this process's memory. */
  readonly sessionRedisUrl: string | undefined;
  /** Express's "trust proxy": which proxies may tell us the request was HTTPS. */
  readonly trustProxy: boolean | number | string;
}

export class AppConfigError extends Error {
  override name = 'AppConfigError';
}

/**
 * @param seedClients the clients of the seed the provider serves: the web app's secret comes
 *   from its entry there (found by client_id) unless OKTA_CLIENT_SECRET is set.
 */
export function readAppConfig(
  env: Record<string, string | undefined>,
  seedClients: readonly SeedClient[],
): AppConfig {
  const port = integer(env.APP_PORT ?? '3000', 'APP_PORT');
  const baseUrl = url(env.APP_BASE_URL ?? `http://localhost:${port}`, 'APP_BASE_URL');
  const seeded = (clientId: string) => seedClients.find((client) => client.client_id === clientId);
  const clientId = env.OKTA_CLIENT_ID ?? demoClientIds.web;
  const clientSecret = env.OKTA_CLIENT_SECRET ?? seeded(clientId)?.client_secret;
  const spaClientId = env.SPA_CLIENT_ID ?? demoClientIds.spa;
  if (!clientId || !clientSecret) {
    throw new AppConfigError(
      `OKTA_CLIENT_ID and OKTA_CLIENT_SECRET are required (the seed has no client "${clientId}" with a secret)`,
    );
  }
  if (!spaClientId || (env.SPA_CLIENT_ID === undefined && !seeded(spaClientId))) {
    throw new AppConfigError(`SPA_CLIENT_ID is required (the seed has no client "${spaClientId}")`);
  }
  const sessionSecret = env.SESSION_SECRET;
  if (sessionSecret !== undefined && sessionSecret.length < 32) {
    throw new AppConfigError('SESSION_SECRET must be at least 32 characters');
  }
  return Object.freeze({
    port,
    host: env.APP_HOST ?? '127.0.0.1',
    baseUrl,
    issuer: url(env.OKTA_ISSUER ?? 'http://localhost:4000/oauth2/default', 'OKTA_ISSUER'),
    clientId,
    clientSecret,
    spaClientId,
    apiAudience: env.API_AUDIENCE ?? 'api://default',
    apiScope: env.API_SCOPE ?? 'expenses:read',
    sessionSecret,
    dataDir: env.APP_DATA_DIR ?? '.understudy',
    seedPath: env.SEED_PATH,
    sessionRedisUrl: redisUrl(env.SESSION_REDIS_URL),
    // An https base URL with an http listener means a TLS proxy; by default one on this machine.
    trustProxy: trustProxy(env.APP_TRUST_PROXY, baseUrl.startsWith('https:') ? 'loopback' : false),
  });
}

function trustProxy(
  raw: string | undefined,
  fallback: boolean | string,
): boolean | number | string {
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true' || raw === 'false') return raw === 'true';
  if (/^\d+$/.test(raw)) return Number(raw);
  return raw;
}

function redisUrl(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!/^rediss?:\/\//.test(raw) || !URL.canParse(raw)) {
    throw new AppConfigError(`SESSION_REDIS_URL must be a redis:// or rediss:// URL, got "${raw}"`);
  }
  return raw;
}

function integer(raw: string, name: string): number {
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value > 65535)
    throw new AppConfigError(`${name} must be a port number, got "${raw}"`);
  return value;
}

function url(raw: string, name: string): string {
  if (!URL.canParse(raw)) throw new AppConfigError(`${name} must be an absolute URL, got "${raw}"`);
  // Issuers and base URLs are compared and concatenated as strings: no trailing slash.
  return raw.replace(/\/+$/, '');
}
