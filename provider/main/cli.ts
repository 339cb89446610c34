/**
 * `understudy`: argv -> config -> seed -> listening server, with a banner on success and a
 * one-line error and non-zero exit code on anything else. Importing it does nothing: the bin
 * (written by tools/bundle.mjs) and `npm start` call `main`.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { defaultSeedPath, loadSeed, SeedError } from '../../seed/load.js';
import { renderBanner } from './banner.js';
import { seedCaches } from './seed-caches.js';
import { limitHeapGrowth } from './heap-limits.js';
import { isLoopbackHost, parseProviderArgs, UsageError, usage } from '../config.js';
import { listen, type RunningProvider } from './listen.js';
import { controlPrefix } from '../control/control-api.js';

export async function main(argv: readonly string[]): Promise<number> {
  if (argv[0] === 'keys') {
    // Loaded only for this command, so starting the server never pays for it.
    const { keysCommand } = await import('./keys-command.js');
    return keysCommand(argv.slice(1));
  }
  limitHeapGrowth();
  let config: ReturnType<typeof parseProviderArgs>;
  try {
    config = parseProviderArgs(argv, process.cwd(), process.env);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`understudy: ${error.message} (see --help)`);
      return 2;
    }
    throw error;
  }
  if (config === 'help') {
    console.log(usage);
    return 0;
  }

  const seedPath = config.seedPath ?? defaultSeedPath;
  let seed: Awaited<ReturnType<typeof loadSeed>>;
  try {
    seed = await loadSeed(seedPath, seedCaches(config.dataDir));
  } catch (error) {
    if (error instanceof SeedError) {
      console.error(`understudy: ${error.message}`);
      return 1;
    }
    throw error;
  }

  let running: RunningProvider | undefined;
  let caPath: string | undefined;
  try {
    let tls: { key: string; cert: string } | undefined;
    if (config.https) {
      // Loaded only for --https, so plain starts never pay for the certificate code.
      const { defaultTlsHosts, loadOrCreateTls } = await import('../host/tls.js');
      const issuerHost =
        config.issuerBase && new URL(config.issuerBase).hostname.replace(/^\[|\]$/g, '');
      const hosts = [...new Set([...defaultTlsHosts, ...(issuerHost ? [issuerHost] : [])])];
      const material = await loadOrCreateTls(config.dataDir, hosts);
      tls = material;
      caPath = material.caPath;
    }
    running = await listen({ ...config, seed, seedSource: seedPath, tls });
    if (config.readyFile) await writeReadyFile(config.readyFile, running);
  } catch (error) {
    // Nothing stays listening after a failed start (e.g. an unwritable --ready-file).
    await running?.close();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      console.error(
        `understudy: port ${config.port} on ${config.host} is already in use (try --port)`,
      );
      return 1;
    }
    if (code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      console.error(`understudy: cannot listen on ${config.host}:${config.port} (${code})`);
      return 1;
    }
    // Includes a SeedError for a client oidc-provider refuses: file, path and problem.
    console.error(`understudy: ${(error as Error).message}`);
    return 1;
  }
  const server = running;

  console.log(
    renderBanner(server.issuers, seed, {
      listening: server.url,
      dataDir: config.dataDir,
      seedPath,
      caPath,
      controlUrl: config.control
        ? `${new URL([...server.issuers.values()][0] ?? server.url).origin}${controlPrefix}`
        : undefined,
      signInWidget: server.signInWidget,
    }),
  );
  if (!isLoopbackHost(config.host)) {
    console.warn(
      config.requirePassword || seed.requirePassword
        ? `understudy: listening on ${config.host}, reachable from other machines; sign-ins need a password.`
        : [
            '',
            `  WARNING: Understudy listens on ${config.host}, so other machines can reach it, and its`,
            '  login page signs ANY seeded user in (the admin too) with one click, without a password.',
            '  Add --require-password (or "requirePassword": true in the seed), or bind 127.0.0.1.',
            '',
          ].join('\n'),
    );
  }
  const stop = () => {
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return 0;
}

async function writeReadyFile(file: string, running: RunningProvider): Promise<void> {
  const [issuer] = running.issuers.values();
  const content = `${JSON.stringify({ issuer, issuers: Object.fromEntries(running.issuers), url: running.url, pid: process.pid }, null, 2)}\n`;
  // Written whole, then renamed, so a script polling for the file never reads half of it.
  await mkdir(dirname(file), { recursive: true });
  await writeFile(`${file}.tmp`, content);
  await rename(`${file}.tmp`, file);
}
