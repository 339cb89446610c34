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
import { loadOrCreateKeys } from './keys.js';
import { assertClientsAccepted, createServer } from './server.js';

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
}

export interface RunningProvider {
  server: Server;
  /** The origin the server answers on, e.g. http://127.0.0.1:4000 */
  url: string;
  issuers: ReadonlyMap<string, string>;
  close(): Promise<void>;
}

export async function listen(options: ListenOptions): Promise<RunningProvider> {
  const keys = await loadOrCreateKeys(options.dataDir);
  const { tls } = options;
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
  const understudy = createServer({ issuerBase, seed: options.seed, keys });
  try {
    await assertClientsAccepted(understudy, options.seed, options.seedSource ?? '<seed>');
  } catch (error) {
    for (const [, res] of waiting) res.writeHead(503).end();
    server.close();
    server.closeAllConnections();
    throw error;
  }
  handle = understudy.app.callback();
  for (const [req, res] of waiting.splice(0)) handle(req, res);
  const { issuers } = understudy;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    server,
    url: `${scheme}://${host}:${port}`,
    issuers,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
