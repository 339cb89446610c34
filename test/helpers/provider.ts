/**
 * Starts a real provider on an ephemeral loopback port for one test file, with its own data
 * directory, and stops it afterwards.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listen, type RunningProvider } from '../../provider/main/listen.js';
import { loadOrCreateTls } from '../../provider/host/tls.js';
import { loadSeed } from '../../seed/load.js';
import type { Seed, SeedInput } from '../../seed/schema.js';
import { parseSeed } from '../../seed/validate.js';

export interface TestProvider extends Omit<RunningProvider, 'seed'> {
  issuer: string;
  seed: Seed;
  dataDir: string;
  stop(): Promise<void>;
}

export async function startTestProvider(
  options: {
    seed?: Seed;
    dataDir?: string;
    port?: number;
    https?: boolean;
    control?: boolean;
  } = {},
): Promise<TestProvider> {
  const seed = options.seed ?? (await loadSeed());
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'understudy-test-'));
  const tls = options.https ? await testTls() : undefined;
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
    async stop() {
      await running.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
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

/** The default seed plus extra clients (for apps whose redirect URIs depend on their port). */
export async function seedWithClients(clients: SeedInput['clients']): Promise<Seed> {
  const base = (await loadSeed()) as unknown as SeedInput;
  return parseSeed({ ...base, clients: [...base.clients, ...clients] });
}
