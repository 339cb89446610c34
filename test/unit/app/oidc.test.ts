/**
 * Discovery at start-up retries while the provider is down, and close() stops it: no further
 * request, no timer left to keep the process alive, and an attempt in flight is aborted.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createOidc } from '../../../app/oidc.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** A stand-in for a provider that is down, counting the discovery requests it gets. */
async function downProvider(answer: (req: IncomingMessage, res: ServerResponse) => void) {
  const requests: IncomingMessage[] = [];
  const server = createServer((req, res) => {
    requests.push(req);
    answer(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const { port } = server.address() as AddressInfo;
  return { issuer: `http://127.0.0.1:${port}/oauth2/default`, requests };
}

const oidcFor = (issuer: string) =>
  createOidc({ issuer, clientId: 'x', clientSecret: 'y', log: () => undefined, waitMs: 5_000 });

describe('the discovery retry', () => {
  it('stops when closed: no further request, and waiting requests get a 503 at once', async () => {
    const provider = await downProvider((_req, res) => res.writeHead(503).end());
    const oidc = oidcFor(provider.issuer);
    await vi.waitFor(() => expect(provider.requests.length).toBeGreaterThanOrEqual(2), {
      timeout: 5_000,
    });
    const waiting = oidc.configuration();

    oidc.close();
    const started = Date.now();
    await expect(waiting).rejects.toMatchObject({ status: 503, code: 'provider_unavailable' });
    expect(Date.now() - started).toBeLessThan(1_000);
    const seen = provider.requests.length;
    // Longer than the next wait would have been (250 ms more per attempt, so far under 1 s).
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(provider.requests.length).toBe(seen);
    await expect(oidc.configuration()).rejects.toMatchObject({ status: 503 });
  });

  it('leaves nothing to keep the process alive once closed', async () => {
    const provider = await downProvider((_req, res) => res.writeHead(503).end());
    // A process of its own, so "nothing left" means what it means: it exits by itself.
    const script = join(mkdtempSync(join(tmpdir(), 'understudy-oidc-')), 'close.mjs');
    await build({
      stdin: {
        contents: `
          import { createOidc } from './oidc.ts';
          const oidc = createOidc({
            issuer: process.env.ISSUER, clientId: 'x', clientSecret: 'y', log: () => undefined,
          });
          oidc.configuration().catch((error) => console.log('configuration', error.status));
          setTimeout(() => { oidc.close(); console.log('closed'); }, 1_000);
        `,
        resolveDir: fileURLToPath(new URL('../../../app/', import.meta.url)),
        loader: 'ts',
      },
      bundle: true,
      platform: 'node',
      format: 'esm',
      outfile: script,
      logLevel: 'silent',
    });
    const child = spawn(process.execPath, [script], {
      env: { ...process.env, ISSUER: provider.issuer },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    let requestsWhenClosed = -1;
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk;
      if (requestsWhenClosed < 0 && output.includes('closed')) {
        requestsWhenClosed = provider.requests.length;
      }
    });
    const exit = new Promise<number | null>((resolve) => child.once('exit', resolve));
    // The retry alone would run forever; a closed one lets the process end well within this.
    const timeout = new Promise<'still running'>((resolve) =>
      setTimeout(() => resolve('still running'), 6_000).unref(),
    );
    const outcome = await Promise.race([exit, timeout]);
    if (outcome === 'still running') child.kill('SIGKILL');
    expect(outcome).toBe(0);
    expect(output).toContain('configuration 503');
    expect(requestsWhenClosed).toBeGreaterThanOrEqual(2);
    expect(provider.requests.length).toBe(requestsWhenClosed);
  });

  it('aborts an attempt in flight instead of waiting out its timeout', async () => {
    // This provider accepts the connection and never answers.
    const provider = await downProvider(() => undefined);
    const oidc = oidcFor(provider.issuer);
    await vi.waitFor(() => expect(provider.requests).toHaveLength(1), { timeout: 5_000 });
    const request = provider.requests[0];
    if (!request) throw new Error('no discovery request arrived');
    let aborted = false;
    request.socket.once('close', () => (aborted = true));

    oidc.close();
    // The attempt's own timeout is 5 s; close() ends it at once.
    await vi.waitFor(() => expect(aborted).toBe(true), { timeout: 1_000 });
    await expect(oidc.configuration()).rejects.toMatchObject({ status: 503 });
    expect(provider.requests).toHaveLength(1);
  });
});
