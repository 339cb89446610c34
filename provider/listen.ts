/**
 * The one place that listens: binds first (so port 0 resolves to a real port for the issuer),
 * then builds the host app for that issuer. Used by the CLI and `npm start`.
 */
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Seed } from '../seed/schema.js';
import { loadOrCreateKeys } from './keys.js';
import { createServer } from './server.js';

export interface ListenOptions {
  host: string;
  port: number;
  issuerBase: string | undefined;
  dataDir: string;
  seed: Seed;
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
  const server = createHttpServer({ keepAliveTimeout: 5_000 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const issuerBase = options.issuerBase ?? `http://localhost:${port}`;
  // Attached in the same tick as the bind completes, so no request can arrive unanswered.
  const { app, issuers } = createServer({ issuerBase, seed: options.seed, keys });
  server.on('request', app.callback());
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    server,
    url: `http://${host}:${port}`,
    issuers,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
