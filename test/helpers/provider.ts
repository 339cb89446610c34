/**
 * Starts a real provider on an ephemeral loopback port for one test file, with its own data
 * directory, and stops it afterwards.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { listen, type RunningProvider } from '../../provider/main/listen.js';
import { loadOrCreateTls } from '../../provider/host/tls.js';
import {
  type HeadlessLoginOptions,
  type HeadlessLoginResult,
  headlessLogin,
} from '../../provider/testkit/headless-login.js';
import { loadSeed } from '../../seed/load.js';
import type { Seed, SeedInput } from '../../seed/schema.js';
import { parseSeed } from '../../seed/validate.js';

export interface TestProvider extends Omit<RunningProvider, 'seed'> {
  issuer: string;
  /** The seed it started with (the control API can change users since). */
  seed: Seed;
  dataDir: string;
  /**
   * The test kit's headless login at `issuer`: Authorization Code + PKCE over HTTP for a
   * seeded user, for tests that need tokens but are not about the login page.
   */
  login(options: HeadlessLoginOptions): Promise<HeadlessLoginResult>;
  stop(): Promise<void>;
}

export interface TestProviderOptions {
  /** Defaults to the bundled demo seed. */
  seed?: Seed;
  /** Kept after stop(); defaults to a temporary directory that stop() removes. */
  dataDir?: string;
  /** Defaults to 0: a free port. */
  port?: number;
  /** Serve HTTPS with the run's local CA (see test/global-setup.ts). */
  https?: boolean;
  /** Serve the control API at /__understudy. */
  control?: boolean;
}

export async function startTestProvider(options: TestProviderOptions = {}): Promise<TestProvider> {
  const seed = options.seed ?? (await loadSeed());
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'understudy-test-'));
  const tls = options.https ? await testTls() : undefined;
  const ca = tls ? readFileSync(tls.caPath, 'utf8') : undefined;
  const running = await listen({
    tls,
    control: options.control,
    host: '127.0.0.1',
    port: options.port ?? 0,
    issuerBase: undefined,
    dataDir,
    seed,
  });
  const issuer = running.issuers.get('default') ?? [...running.issuers.values()][0] ?? '';
  return {
    ...running,
    issuer,
    seed,
    dataDir,
    login: (loginOptions) => headlessLogin({ issuer, seed: running.seed(), ca }, loginOptions),
    async stop() {
      await running.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A provider for the tests of one file, or of the describe block it is called in: started in
 * beforeAll, stopped in afterAll. `options` may be a function, to build a seed first (it runs in
 * that beforeAll, after the hooks registered before it). Read the provider in tests and hooks
 * only: before it has started, any property access throws and says so.
 */
export function useTestProvider(
  options: TestProviderOptions | (() => TestProviderOptions | Promise<TestProviderOptions>) = {},
): TestProvider {
  let started: TestProvider | undefined;
  beforeAll(async () => {
    started = await startTestProvider(typeof options === 'function' ? await options() : options);
  });
  afterAll(() => started?.stop());
  return new Proxy({} as TestProvider, {
    get(_, property) {
      if (!started) {
        throw new Error(
          `the test provider is read (.${String(property)}) before its beforeAll has started it`,
        );
      }
      return Reflect.get(started, property);
    },
  });
}

/** The run's local CA (made by test/global-setup.ts, trusted by every test process). */
export async function testTls() {
  const dir = process.env.UNDERSTUDY_TEST_TLS_DIR;
  if (!dir) throw new Error('UNDERSTUDY_TEST_TLS_DIR is unset: run the tests through vitest');
  return loadOrCreateTls(dir);
}

export function seededClient(seed: Seed, name: 'web' | 'spa' | 'service' | 'partner' | 'your-app') {
  const match = {
    'your-app': (id: string) => id.startsWith('Your app on localhost:3000'),
    web: (id: string) => id.includes('demo web app'),
    spa: (id: string) => id.includes('SPA'),
    service: (id: string) => id.includes('service'),
    partner: (id: string) => id.includes('third party'),
  }[name];
  const client = seed.clients.find((candidate) => match(candidate.client_name));
  if (!client) throw new Error(`no ${name} client in the seed`);
  return client;
}

export function seededUser(seed: Seed, loginPrefix: string) {
  const user = seed.users.find((candidate) => candidate.login.startsWith(loginPrefix));
  if (!user) throw new Error(`no user ${loginPrefix} in the seed`);
  return user;
}

/**
 * The seeded client for "your app on localhost:3000", moved to another port (tests cannot
 * count on 3000 being free) and given another id, with everything else as seeded.
 */
export async function yourAppClientOn(port: number, clientId: string) {
  const seeded = seededClient(await loadSeed(), 'your-app');
  const move = (uri: string) => uri.replace('http://localhost:3000', `http://localhost:${port}`);
  return {
    ...seeded,
    client_id: clientId,
    client_name: `${seeded.client_name} (on ${port})`,
    grant_types: [...seeded.grant_types],
    response_types: [...seeded.response_types],
    redirect_uris: seeded.redirect_uris.map(move),
    post_logout_redirect_uris: seeded.post_logout_redirect_uris.map(move),
  };
}

/** The default seed with some top-level fields replaced, validated as a seed file is. */
export async function seedWith(change: (base: SeedInput) => Partial<SeedInput>): Promise<Seed> {
  const base = (await loadSeed()) as unknown as SeedInput;
  return parseSeed({ ...base, ...change(base) });
}

/** The default seed plus extra clients (for apps whose redirect URIs depend on their port). */
export function seedWithClients(clients: SeedInput['clients']): Promise<Seed> {
  return seedWith((base) => ({ clients: [...base.clients, ...clients] }));
}

/** A TV app for the device flow: a public client with no redirect URI. */
export const tvAppClient: SeedInput['clients'][number] = {
  client_id: 'tv-app',
  client_name: 'TV app',
  token_endpoint_auth_method: 'none',
  grant_types: ['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token'],
  response_types: [],
};
