/**
 * The composition root, and the one place that listens: binds first (so port 0 resolves to a
 * real port for the issuer), then builds the host for that issuer with its storage and, when
 * asked for, the control plane. Used by the CLI, `npm start` and the test kit.
 */
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type RequestListener,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { existsSync, statSync, unwatchFile, watchFile } from 'node:fs';
import { join } from 'node:path';
import type { Seed } from '../../seed/schema.js';
import { controlApi } from '../control/control-api.js';
import { ControlState } from '../control/control-state.js';
import {
  type ControlRuntime,
  createControl,
  type UnderstudyControl,
} from '../control/controller.js';
import { injectedFailures } from '../control/inject-failures.js';
import { createHost, type UnderstudyHost } from '../host/create-host.js';
import {
  type KeyMaterial,
  keyFilePath,
  loadOrCreateKeys,
  nextKeyExpiry,
  pruneKeys,
  readKeyFile,
} from '../oidc/keys.js';
import { tokenLifetimes } from '../okta/index.js';
import { SessionTokens } from '../store/session-tokens.js';
import { createMemoryAdapterFactory } from '../store/memory-adapter.js';
import { RevokedTokens } from '../store/revoked-tokens.js';
import { assertClientsAccepted } from './assert-clients-accepted.js';

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
  /** The most sessions (and grants, codes, tokens: each kind) kept in memory. */
  maxSessions?: number | undefined;
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
  close(): Promise<void>;
}

/** A retired key stays published as long as the longest-lived token it can have signed. */
export const keyRetentionSeconds = Math.max(tokenLifetimes.accessToken, tokenLifetimes.idToken);

export async function listen(options: ListenOptions): Promise<RunningProvider> {
  const { tls, dataDir } = options;
  let current = {
    seed: options.seed,
    keys: pruneKeys(await loadOrCreateKeys(dataDir), keyRetentionSeconds),
  };
  const server = tls
    ? createHttpsServer({ keepAliveTimeout: 5_000, key: tls.key, cert: tls.cert })
    : createHttpServer({ keepAliveTimeout: 5_000 });
  const scheme = tls ? 'https' : 'http';
  // Requests that arrive between the bind and the app being ready wait here, not in limbo.
  let handle: RequestListener | undefined = undefined;
  const waiting: [IncomingMessage, ServerResponse][] = [];
  server.on('request', (req, res) => (handle ? handle(req, res) : waiting.push([req, res])));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const issuerBase = options.issuerBase ?? `${scheme}://localhost:${port}`;

  // Storage and revocations outlive rebuilds, so sessions, tokens and revocations survive a
  // changed user or key.
  // One warning for the whole process, however many authorization servers fill up.
  let warnedFull = false;
  const storageFor = keptPerServer(() =>
    createMemoryAdapterFactory({
      maxPerModel: options.maxSessions,
      onEvictLive: (model, max) => {
        if (warnedFull) return;
        warnedFull = true;
        console.warn(
          `understudy: WARNING: the in-memory store is full (${max} ${model} entries) and dropped live ones, least recently used first; what used them (sign-ins, tokens) now fails. Raise --max-sessions.`,
        );
      },
    }),
  );
  const revokedFor = keptPerServer(
    (serverId) =>
      new RevokedTokens(join(dataDir, `revoked-tokens-${serverId}.json`), options.maxSessions),
  );
  const sessionTokens = new SessionTokens();
  const state = options.control ? new ControlState() : undefined;
  let control: UnderstudyControl | undefined = undefined;
  let queue: Promise<void> = Promise.resolve();
  // The seed file's time, so updated_at is the same across restarts until the file changes;
  // a user the control API changes is updated now.
  let usersUpdatedAt = Math.floor(
    (options.seedSource && existsSync(options.seedSource)
      ? statSync(options.seedSource).mtimeMs
      : Date.now()) / 1000,
  );
  const build = async (seed: Seed, keys: KeyMaterial) => {
    if (seed !== current.seed) usersUpdatedAt = Math.floor(Date.now() / 1000);
    const built = createHost({
      usersUpdatedAt,
      issuerBase,
      seed,
      keys,
      storageFor,
      revokedFor,
      sessionTokens,
      crossSiteCookies: tls !== undefined,
      requirePassword: options.requirePassword === true,
      // The control plane reaches the core only through these three options.
      ...(state && control
        ? {
            use: [controlApi(control)],
            before: injectedFailures(state, seed.clients),
            autoLogin: () => state.takeNextLogin(),
          }
        : {}),
    });
    await assertClientsAccepted(built.providers, seed, options.seedSource ?? '<seed>');
    return built;
  };
  let pruneTimer: NodeJS.Timeout | undefined;
  /** Drops each retired key once the last token it signed has expired, without a restart. */
  const schedulePrune = () => {
    clearTimeout(pruneTimer);
    const due = nextKeyExpiry(current.keys, keyRetentionSeconds);
    if (due === undefined) return;
    const delayMs = Math.min(Math.max(due * 1000 - Date.now(), 0) + 1000, 2 ** 31 - 1);
    pruneTimer = setTimeout(
      () => void reconfigure(({ keys }) => ({ keys: pruneKeys(keys, keyRetentionSeconds) })),
      delayMs,
    );
    pruneTimer.unref();
  };
  const reconfigure: ControlRuntime['reconfigure'] = (change) => {
    // One at a time, each starting from what the previous one left, so none is lost.
    const step = queue.then(async () => {
      const next = await change(current);
      const seed = next.seed ?? current.seed;
      const keys = next.keys ?? current.keys;
      const rebuilt = await build(seed, keys);
      current = { seed, keys };
      handle = rebuilt.app.callback();
      schedulePrune();
    });
    queue = step.catch(() => undefined);
    return step;
  };
  if (state) {
    control = createControl({
      state,
      initialSeed: options.seed,
      dataDir,
      keyRetentionSeconds,
      seed: () => current.seed,
      keys: () => current.keys,
      reconfigure,
    });
  }
  // `understudy keys rotate` (or another instance on this data directory) changes the file.
  const keyFile = keyFilePath(dataDir);
  const onKeyFile = () =>
    void readKeyFile(dataDir)
      .then((onDisk) => {
        if (!onDisk) return;
        const keys = pruneKeys(onDisk, keyRetentionSeconds);
        if (JSON.stringify(keys) === JSON.stringify(current.keys)) return;
        return reconfigure(() => ({ keys }));
      })
      .catch((error: unknown) =>
        console.error(
          `understudy: could not load the changed ${keyFile}: ${(error as Error).message}`,
        ),
      );

  let understudy: UnderstudyHost;
  try {
    understudy = await build(current.seed, current.keys);
  } catch (error) {
    for (const [, res] of waiting) res.writeHead(503).end();
    server.close();
    server.closeAllConnections();
    throw error;
  }
  handle = understudy.app.callback();
  for (const [req, res] of waiting.splice(0)) handle(req, res);
  schedulePrune();
  watchFile(keyFile, { interval: 1_000, persistent: false }, onKeyFile);
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    server,
    url: `${scheme}://${host}:${port}`,
    issuers: understudy.issuers,
    seed: () => current.seed,
    keys: () => current.keys,
    control,
    close: () =>
      new Promise<void>((resolve, reject) => {
        unwatchFile(keyFile, onKeyFile);
        clearTimeout(pruneTimer);
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** One value per authorization server id, made on first use and kept. */
function keptPerServer<T>(create: (serverId: string) => T): (serverId: string) => T {
  const values = new Map<string, T>();
  return (serverId) => {
    const value = values.get(serverId) ?? create(serverId);
    values.set(serverId, value);
    return value;
  };
}
