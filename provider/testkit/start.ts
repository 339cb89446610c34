/**
 * startUnderstudy: a whole provider for one test run, on a free loopback port, in this process.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { defaultSeedPath, loadSeed } from '../../seed/load.js';
import type { Seed, SeedInput } from '../../seed/schema.js';
import { listen } from '../main/listen.js';
import { seedCaches } from '../main/seed-caches.js';
import type { UnderstudyControl } from '../control/controller.js';
import type { OutboxMessage } from '../store/outbox.js';
import {
  type HeadlessLoginOptions,
  type HeadlessLoginResult,
  headlessLogin,
} from './headless-login.js';
import {
  type MintAccessTokenOptions,
  type MintIdTokenOptions,
  mintAccessToken,
  mintIdToken,
} from './mint.js';
import { type PageLike, signInWithPage } from './playwright.js';

export interface StartUnderstudyOptions {
  /** A seed object, or the path of a seed file; defaults to the bundled demo seed. */
  seed?: SeedInput | string;
  /** Defaults to 0: a free port. */
  port?: number;
  /** Defaults to 127.0.0.1. */
  host?: string;
  /** Serve HTTPS with a local CA (see `caPath`). */
  https?: boolean;
  /** Where keys live; defaults to a fresh temporary directory, removed by close(). */
  dataDir?: string;
  /** Serve the HTTP control API at /__understudy; defaults to true. */
  control?: boolean;
  /**
   * Where sessions and tokens are kept: `memory` (the default: each run starts clean) or
   * `sqlite` (the data directory's file, kept across runs that name the same `dataDir`).
   */
  store?: 'memory' | 'sqlite';
}

export interface Understudy {
  /** Issuer of the first authorization server, e.g. http://localhost:53211/oauth2/default */
  readonly issuer: string;
  readonly issuers: ReadonlyMap<string, string>;
  /** Where the server listens, e.g. http://127.0.0.1:53211 */
  readonly url: string;
  /** With `https`: the CA certificate to trust (NODE_EXTRA_CA_CERTS). */
  readonly caPath: string | undefined;
  /** The seed in force; `control.upsertUser` and `control.reset` change it. */
  readonly seed: Seed;
  readonly clients: Seed['clients'];
  readonly users: Seed['users'];
  readonly control: UnderstudyControl;
  /** The email and SMS codes sign-ins sent: `latest(to)` is the newest message to `to`. */
  readonly outbox: {
    list(to?: string): Promise<OutboxMessage[]>;
    latest(to: string): Promise<OutboxMessage | undefined>;
  };
  /** Authorization Code + PKCE over HTTP for a seeded user; no browser. */
  login(options: HeadlessLoginOptions): Promise<HeadlessLoginResult>;
  /** A signed, Okta-shaped access token from the provider's own key. */
  mintAccessToken(options?: MintAccessTokenOptions): Promise<string>;
  /** A signed, Okta-shaped ID token from the provider's own key. */
  mintIdToken(options: MintIdTokenOptions): Promise<string>;
  /** Clicks `user` on Understudy's login page, which `page` must be showing. */
  signInWithPage(page: PageLike, user: string): Promise<void>;
  /** Stops listening, frees the port, and removes the temporary data directory. */
  close(): Promise<void>;
}

export async function startUnderstudy(options: StartUnderstudyOptions = {}): Promise<Understudy> {
  const seed = await resolveSeed(options.seed, options.dataDir);
  const ownDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'oidc-understudy-')));
  let tls: { key: string; cert: string; caPath: string } | undefined;
  if (options.https) {
    const { loadOrCreateTls } = await import('../host/tls.js');
    tls = await loadOrCreateTls(dataDir);
  }
  const ca = tls ? await readFile(tls.caPath, 'utf8') : undefined;
  const running = await listen({
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    issuerBase: undefined,
    dataDir,
    seed,
    seedSource: typeof options.seed === 'string' ? options.seed : '<seed object>',
    tls,
    control: options.control ?? true,
    store: options.store ?? 'memory',
  });
  const control = running.control;
  if (!control) throw new Error('the control API is off; startUnderstudy needs it');
  const [firstServer] = seed.authorizationServers;
  const issuer = (firstServer && running.issuers.get(firstServer.id)) ?? '';
  const mintContext = () => ({
    seed: running.seed(),
    keys: running.keys(),
    issuers: running.issuers,
  });
  let closed = false;

  return {
    issuer,
    issuers: running.issuers,
    url: running.url,
    caPath: tls?.caPath,
    get seed() {
      return running.seed();
    },
    get clients() {
      return running.seed().clients;
    },
    get users() {
      return running.seed().users;
    },
    control,
    outbox: {
      list: (to) => control.outbox(to),
      latest: async (to) => (await control.outbox(to))[0],
    },
    login: (loginOptions) => {
      const id = loginOptions.authorizationServer;
      const at = id === undefined ? issuer : running.issuers.get(id);
      if (!at) throw new Error(`no authorization server "${id}"`);
      return headlessLogin(
        {
          issuer: at,
          seed: running.seed(),
          ca,
          latestCode: async (to) => (await control.outbox(to))[0]?.code,
        },
        loginOptions,
      );
    },
    mintAccessToken: (mintOptions) => mintAccessToken(mintContext(), mintOptions),
    mintIdToken: (mintOptions) => mintIdToken(mintContext(), mintOptions),
    signInWithPage: (page, user) => signInWithPage(page, user),
    async close() {
      if (closed) return;
      closed = true;
      await running.close();
      control.shiftClock(0);
      if (ownDataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

async function resolveSeed(
  seed: SeedInput | string | undefined,
  dataDir: string | undefined,
): Promise<Seed> {
  // A temporary data directory is gone after close(): only a given one keeps a cache.
  if (seed === undefined) return loadSeed(defaultSeedPath, seedCaches(dataDir));
  if (typeof seed === 'string') return loadSeed(resolve(seed), seedCaches(dataDir));
  const { parseSeed } = await import('../../seed/validate.js');
  return parseSeed(seed);
}
