/**
 * The one place that listens: binds first (so port 0 resolves to a real port for the issuer),
 * then builds the host app for that issuer. Used by the CLI and `npm start`.
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
import type { Seed } from '../seed/schema.js';
import { type KeyMaterial, loadOrCreateKeys } from './keys.js';
import { createMemoryAdapterFactory } from './memory-adapter.js';
import { RevokedTokens } from './okta/revoked-tokens.js';
import { assertClientsAccepted, createServer, type UnderstudyServer } from './server.js';
import { ControlState } from './testkit/control-state.js';
import { createControl, type UnderstudyControl } from './testkit/controller.js';

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

export async function listen(options: ListenOptions): Promise<RunningProvider> {
  const { tls, dataDir } = options;
  let current = { seed: options.seed, keys: await loadOrCreateKeys(dataDir) };
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
  const storageFor = keptPerServer(createMemoryAdapterFactory);
  const revokedFor = keptPerServer(() => new RevokedTokens());
  const state = options.control ? new ControlState() : undefined;
  let control: UnderstudyControl | undefined = undefined;
  let queue: Promise<void> = Promise.resolve();
  const build = async (seed: Seed, keys: KeyMaterial) => {
    const built = createServer({
      issuerBase,
      seed,
      keys,
      storageFor,
      revokedFor,
      control: state && control ? { state, api: control } : undefined,
    });
    await assertClientsAccepted(built, seed, options.seedSource ?? '<seed>');
    return built;
  };
  if (state) {
    control = createControl({
      state,
      initialSeed: options.seed,
      dataDir,
      seed: () => current.seed,
      keys: () => current.keys,
      reconfigure(change) {
        // One at a time, each starting from what the previous one left, so none is lost.
        const step = queue.then(async () => {
          const next = await change(current);
          const seed = next.seed ?? current.seed;
          const keys = next.keys ?? current.keys;
          const rebuilt = await build(seed, keys);
          current = { seed, keys };
          handle = rebuilt.app.callback();
        });
        queue = step.catch(() => undefined);
        return step;
      },
    });
  }

  let understudy: UnderstudyServer;
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
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** One value per authorization server id, made on first use and kept. */
function keptPerServer<T>(create: () => T): (serverId: string) => T {
  const values = new Map<string, T>();
  return (serverId) => {
    const value = values.get(serverId) ?? create();
    values.set(serverId, value);
    return value;
  };
}
