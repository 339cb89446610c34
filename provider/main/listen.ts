/**
 * The composition root, and the one place that listens: binds first (so port 0 resolves to a
 * real port for the issuer), then builds the host for that issuer with its storage and, when
 * asked for, the control plane; what changes while it runs is main/runtime.ts's. Used by the
 * CLI, `npm start` and the test kit.
 */
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type RequestListener,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import type { Seed } from '../../seed/schema.js';
import { setClockOffset } from '../control/clock.js';
import { controlApi } from '../control/control-api.js';
import { createControl, type UnderstudyControl } from '../control/controller.js';
import { injectedFailures } from '../control/inject-failures.js';
import { createHost, type UnderstudyHost } from '../host/create-host.js';
import { answerClientError, maxHeaderBytes } from '../http/client-error.js';
import { LingeringResponse } from '../http/lingering-response.js';
import { type KeyMaterial, pruneKeys } from '../oidc/keys.js';
import { locateSignInWidget, tokenLifetimes } from '../okta/index.js';
import { assertClientsAccepted } from './assert-clients-accepted.js';
import { openStorage, type StoreKind } from './open-storage.js';
import { createRuntime } from './runtime.js';
import type { OutboxStore } from '../store/outbox.js';

export interface ListenOptions {
  host: string;
  port: number;
  issuerBase: string | undefined;
  dataDir: string;
  seed: Seed;
  /** Names the seed in error messages (its file path). */
  seedSource?: string | undefined;
  /** Key and certificate to serve HTTPS with; plain HTTP without. */
  tls?: { key: string; cert: string } | undefined;
  /** Serve the control API (and allow injected failures and auto-login). */
  control?: boolean | undefined;
  /** No one-click user picker: every sign-in needs a password. */
  requirePassword?: boolean | undefined;
  /** Okta's Sign-In Widget as the hosted page. */
  signInWidget?: boolean | undefined;
  /** The most sessions (and grants, codes, tokens: each kind) kept in memory. */
  maxSessions?: number | undefined;
  /** Keep everything in this Redis, shared by every instance behind one issuer. */
  redisUrl?: string | undefined;
  /** Without Redis: the data directory's SQLite file (kept across restarts) or memory (default). */
  store?: StoreKind | undefined;
}

export interface RunningProvider {
  server: Server;
  /** The origin the server answers on, e.g. http://127.0.0.1:4000 */
  url: string;
  issuers: ReadonlyMap<string, string>;
  /** The seed in force (the control API can change users). */
  seed(): Seed;
  /** The key material in force (the control API can rotate keys). */
  keys(): KeyMaterial;
  /** Present when started with `control`. */
  control: UnderstudyControl | undefined;
  /** The email and SMS codes sign-ins sent. */
  outbox: OutboxStore;
  /** The version of Okta's Sign-In Widget when it is the hosted page. */
  signInWidget: string | undefined;
  close(): Promise<void>;
}

/** A retired key stays published as long as the longest-lived token it can have signed. */
export const keyRetentionSeconds = Math.max(tokenLifetimes.accessToken, tokenLifetimes.idToken);

export async function listen(options: ListenOptions): Promise<RunningProvider> {
  const { tls, dataDir } = options;
  // Found (or refused, naming the package to install) before anything is opened or listens.
  const signInWidget =
    options.signInWidget || options.seed.signInPage.widget ? locateSignInWidget() : undefined;
  const storage = await openStorage({
    dataDir,
    store: options.store,
    redisUrl: options.redisUrl,
    maxSessions: options.maxSessions,
  });
  let initial: { seed: Seed; keys: KeyMaterial };
  // Which seed file the shared users grew from: changes made from another one are not taken.
  const seedBase = createHash('sha256').update(JSON.stringify(options.seed)).digest('base64url');
  try {
    initial = {
      seed: options.seed,
      keys: pruneKeys(await storage.keys.loadOrCreate(), keyRetentionSeconds),
    };
    // With Redis: the users the other instances changed (Management or control API) from
    // this same seed file, and with the control API, their clock.
    for (const change of await storage.sharedState()) {
      if (change.kind === 'clock' && options.control) setClockOffset(change.seconds);
      if (change.kind === 'seed' && change.base === seedBase) {
        const { parseSeed } = await import('../../seed/validate.js');
        initial.seed = parseSeed(change.seed, 'the users in Redis');
      }
    }
  } catch (error) {
    await storage.close();
    throw error;
  }
  // Node's header limit, said here; what is over it, or is not HTTP, is answered with a
  // status (answerClientError), and an answer that comes before the request body is whole
  // lets the client finish sending before the connection closes (LingeringResponse).
  const serverOptions = {
    keepAliveTimeout: 5_000,
    maxHeaderSize: maxHeaderBytes,
    ServerResponse: LingeringResponse,
  };
  const server = tls
    ? // Loaded only for --https: TLS costs milliseconds of every start that loads it.
      (await import('node:https')).createServer({ ...serverOptions, key: tls.key, cert: tls.cert })
    : createHttpServer(serverOptions);
  server.on('clientError', answerClientError);
  const scheme = tls ? 'https' : 'http';
  // Requests that arrive between the bind and the app being ready wait here, not in limbo.
  let handle: RequestListener | undefined = undefined;
  const waiting: [IncomingMessage, ServerResponse][] = [];
  server.on('request', (req, res) => (handle ? handle(req, res) : waiting.push([req, res])));
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await storage.close();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  const issuerBase = options.issuerBase ?? `${scheme}://localhost:${port}`;

  const state = options.control ? storage.controlState : undefined;
  let control: UnderstudyControl | undefined = undefined;
  // The seed file's time, so updated_at is the same across restarts until the file changes;
  // a user the control API changes is updated now.
  let usersUpdatedAt = Math.floor(
    (options.seedSource && existsSync(options.seedSource)
      ? statSync(options.seedSource).mtimeMs
      : Date.now()) / 1000,
  );
  // The Management API's date for users and groups the seed does not date: fixed, so that
  // untouched ones keep their `created` and `lastUpdated` however much else changes.
  const seededAt = new Date(usersUpdatedAt * 1000).toISOString();
  const build = async (seed: Seed, keys: KeyMaterial) => {
    if (seed !== runtime.seed()) usersUpdatedAt = Math.floor(Date.now() / 1000);
    const built = createHost({
      usersUpdatedAt,
      issuerBase,
      seed,
      keys,
      // Storage outlives rebuilds, so sessions, tokens and revocations survive a changed user
      // or key.
      storageFor: storage.storageFor,
      revokedFor: storage.revokedFor,
      sessionTokens: storage.sessionTokens,
      outbox: storage.outbox,
      lastLogins: storage.lastLogins,
      changeDirectory: (edit) => runtime.changeUsers(edit, 'the Management API request'),
      seededAt,
      crossSiteCookies: tls !== undefined,
      requirePassword: options.requirePassword === true,
      signInWidget,
      // The control plane reaches the core only through these five options.
      ...(state && control
        ? {
            use: [controlApi(control)],
            before: injectedFailures(state, seed.clients),
            autoLogin: () => state.takeNextLogin(),
            injectedCodeFailure: () => state.takeFailure('verify'),
            injectedIdxFailure: () => state.takeFailure('idx'),
          }
        : {}),
    });
    await assertClientsAccepted(built.providers, seed, options.seedSource ?? '<seed>');
    return built;
  };
  const runtime = createRuntime({
    storage,
    ...initial,
    seedBase,
    keyRetentionSeconds,
    control: state !== undefined,
    build,
    onRebuilt: (rebuilt) => {
      handle = rebuilt.listener;
    },
  });
  if (state) {
    control = createControl({
      state,
      outbox: storage.outbox,
      initialSeed: options.seed,
      keyStore: storage.keys,
      keyRetentionSeconds,
      shareClock: (seconds) => storage.share({ kind: 'clock', seconds }),
      changeUsers: runtime.changeUsers,
      seed: runtime.seed,
      keys: runtime.keys,
      reconfigure: runtime.reconfigure,
    });
  }

  let understudy: UnderstudyHost;
  try {
    understudy = await build(initial.seed, initial.keys);
  } catch (error) {
    for (const [, res] of waiting) res.writeHead(503).end();
    server.close();
    server.closeAllConnections();
    await storage.close();
    throw error;
  }
  handle = understudy.listener;
  for (const [req, res] of waiting.splice(0)) handle(req, res);
  runtime.start();
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    server,
    url: `${scheme}://${host}:${port}`,
    issuers: understudy.issuers,
    seed: runtime.seed,
    keys: runtime.keys,
    control,
    outbox: storage.outbox,
    signInWidget: signInWidget?.version,
    close: async () => {
      runtime.stop();
      await new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
      await storage.close();
    },
  };
}
