/**
 * The `understudy` command as users run it: compiled JavaScript in a child process.
 */
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { get as httpsGet } from 'node:https';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultSeedPath } from '../../seed/load.js';
import { runCli, startCli } from '../helpers/cli.js';

const dataDir = mkdtempSync(join(tmpdir(), 'understudy-cli-'));
const blockers: Server[] = [];
afterAll(() => {
  for (const blocker of blockers) blocker.close();
});

function occupyPort(): Promise<number> {
  return new Promise((resolve) => {
    const blocker = createServer();
    blockers.push(blocker);
    blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as { port: number }).port));
  });
}

function getJson(url: string, ca: Buffer): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    httpsGet(url, { ca }, (response) => {
      let body = '';
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => resolve(JSON.parse(body)));
    }).on('error', reject);
  });
}

async function isListening(port: number): Promise<boolean> {
  try {
    await fetch(`http://127.0.0.1:${port}/health`);
    return true;
  } catch {
    return false;
  }
}

describe('understudy CLI', () => {
  it('starts on 127.0.0.1, prints the exact issuer, and serves discovery', async () => {
    const cli = await startCli(['--port', '0', '--data-dir', dataDir]);
    try {
      expect(cli.issuer).toMatch(/^http:\/\/localhost:\d+\/oauth2\/default$/);
      const banner = cli.stdout();
      expect(banner).toContain(`${cli.issuer}/.well-known/openid-configuration`);
      expect(banner).toMatch(/listening on\s+http:\/\/127\.0\.0\.1:\d+/);
      expect(banner).toContain('carol.lee@task-vantage.com');
      expect(banner).toContain('Expense Dashboard (demo web app)');
      const response = await fetch(`${cli.issuer}/.well-known/openid-configuration`);
      expect(((await response.json()) as { issuer: string }).issuer).toBe(cli.issuer);
    } finally {
      expect(await cli.stop()).toBe(0);
    }
  });

  it("serves Okta's Sign-In Widget as the hosted page with --sign-in-widget, from the install", async () => {
    const cli = await startCli(['--port', '0', '--data-dir', dataDir, '--sign-in-widget']);
    try {
      const widget = JSON.parse(
        readFileSync(
          new URL('../../node_modules/@okta/okta-signin-widget/package.json', import.meta.url),
          'utf8',
        ),
      ) as { version: string };
      expect(cli.stdout()).toMatch(
        new RegExp(
          `sign-in page\\s+Okta's Sign-In Widget ${widget.version.replaceAll('.', '\\.')}`,
        ),
      );
      const seed = JSON.parse(readFileSync(defaultSeedPath, 'utf8')) as {
        clients: { client_id: string; redirect_uris: string[] }[];
      };
      const [client] = seed.clients;
      const authorize = new URL(`${cli.issuer}/v1/authorize`);
      authorize.search = new URLSearchParams({
        client_id: client?.client_id ?? '',
        response_type: 'code',
        scope: 'openid',
        redirect_uri: client?.redirect_uris[0] ?? '',
        state: 'cli-widget',
        code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
        code_challenge_method: 'S256',
      }).toString();
      const started = await fetch(authorize, { redirect: 'manual' });
      const page = await fetch(new URL(started.headers.get('location') ?? '', authorize), {
        headers: {
          cookie: started.headers
            .getSetCookie()
            .map((c) => c.split(';')[0])
            .join('; '),
        },
      });
      const html = await page.text();
      expect(html).toContain('id="okta-login-container"');
      const script = /src="([^"]*okta-sign-in\.min\.js[^"]*)"/.exec(html)?.[1] ?? '';
      const asset = await fetch(new URL(script, cli.issuer));
      expect(asset.status).toBe(200);
      expect(asset.headers.get('content-type')).toMatch(/^text\/javascript/);
      expect((await asset.text()).length).toBeGreaterThan(100_000);
    } finally {
      expect(await cli.stop()).toBe(0);
    }
  });

  it('lists values in error descriptions (the bundle makes its list formats on first use)', async () => {
    const cli = await startCli(['--port', '0', '--data-dir', dataDir]);
    try {
      const seed = JSON.parse(readFileSync(defaultSeedPath, 'utf8')) as {
        clients: { client_id: string; redirect_uris: string[] }[];
      };
      const [client] = seed.clients;
      if (!client?.redirect_uris[0]) throw new Error('the default seed has no web client');
      const descriptionFor = async (twice: string[]) => {
        const query = new URLSearchParams({
          client_id: client.client_id,
          redirect_uri: client.redirect_uris[0] as string,
          response_type: 'code',
        });
        for (const name of twice) query.append(name, 'one');
        for (const name of twice) query.append(name, 'two');
        const response = await fetch(`${cli.issuer}/v1/authorize?${query}`, { redirect: 'manual' });
        const location = new URL(response.headers.get('location') ?? '');
        return location.searchParams.get('error_description');
      };
      expect(await descriptionFor(['state', 'nonce'])).toBe(
        "'nonce' and 'state' parameters must not be provided twice",
      );
      expect(await descriptionFor(['state', 'nonce', 'scope'])).toBe(
        "'nonce', 'scope', and 'state' parameters must not be provided twice",
      );
    } finally {
      expect(await cli.stop()).toBe(0);
    }
  });

  it('keeps its signing key across restarts in the data directory', async () => {
    const kids: string[] = [];
    for (let run = 0; run < 2; run += 1) {
      const cli = await startCli(['--port', '0', '--data-dir', dataDir]);
      const jwks = (await (await fetch(`${cli.issuer}/v1/keys`)).json()) as {
        keys: { kid: string }[];
      };
      kids.push(jwks.keys[0]?.kid ?? '');
      await cli.stop();
    }
    expect(kids[0]).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(kids[1]).toBe(kids[0]);
    expect(statSync(join(dataDir, 'keys.json')).mode & 0o777).toBe(0o600);
  });

  it('validates an edited seed again instead of trusting an earlier start', async () => {
    const seedDir = mkdtempSync(join(tmpdir(), 'understudy-cli-seed-'));
    const seedFile = join(seedDir, 'seed.json');
    const seed = JSON.parse(readFileSync(defaultSeedPath, 'utf8'));
    writeFileSync(seedFile, JSON.stringify(seed));
    const cli = await startCli(['--port', '0', '--data-dir', dataDir, '--seed', seedFile]);
    await cli.stop();

    seed.users[0].groups = ['no-such-group'];
    writeFileSync(seedFile, JSON.stringify(seed));
    const result = await runCli(['--port', '0', '--data-dir', dataDir, '--seed', seedFile]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('users[0].groups[0]: unknown group "no-such-group"');
  });

  it('uses the --issuer origin for every issuer, exactly', async () => {
    const port = await occupyPort().then((free) => {
      blockers.pop()?.close();
      return free;
    });
    const origin = `http://127.0.0.1:${port}`;
    const cli = await startCli([
      '--port',
      String(port),
      '--issuer',
      `${origin}/`,
      '--data-dir',
      dataDir,
    ]);
    try {
      expect(cli.issuer).toBe(`${origin}/oauth2/default`);
      const discovery = (await (
        await fetch(`${cli.issuer}/.well-known/openid-configuration`)
      ).json()) as Record<string, string>;
      expect(discovery.issuer).toBe(cli.issuer);
      expect(discovery.token_endpoint).toBe(`${cli.issuer}/v1/token`);
    } finally {
      await cli.stop();
    }
  });

  it('serves HTTPS with a local CA and prints the NODE_EXTRA_CA_CERTS line', async () => {
    const httpsDir = mkdtempSync(join(tmpdir(), 'understudy-https-'));
    const fingerprints: string[] = [];
    for (let run = 0; run < 2; run += 1) {
      const cli = await startCli(['--https', '--port', '0', '--data-dir', httpsDir]);
      try {
        expect(cli.issuer).toMatch(/^https:\/\/localhost:\d+\/oauth2\/default$/);
        const caPath = join(httpsDir, 'ca.pem');
        expect(cli.stdout()).toContain(`NODE_EXTRA_CA_CERTS=${caPath}`);
        const ca = new X509Certificate(readFileSync(caPath));
        const leaf = new X509Certificate(readFileSync(join(httpsDir, 'localhost.pem')));
        expect(ca.ca).toBe(true);
        expect(leaf.ca).toBe(false);
        expect(leaf.subjectAltName).toContain('DNS:localhost');
        expect(leaf.subjectAltName).toContain('IP Address:127.0.0.1');
        expect(leaf.verify(ca.publicKey)).toBe(true);
        expect(statSync(join(httpsDir, 'ca-key.pem')).mode & 0o777).toBe(0o600);
        fingerprints.push(ca.fingerprint256);

        const discovery = await getJson(
          `${cli.issuer}/.well-known/openid-configuration`,
          readFileSync(caPath),
        );
        expect(discovery.issuer).toBe(cli.issuer);
        expect(discovery.token_endpoint).toBe(`${cli.issuer}/v1/token`);
      } finally {
        await cli.stop();
      }
    }
    // The second start reuses the CA, so a CA the user trusted stays trusted.
    expect(fingerprints[1]).toBe(fingerprints[0]);
  });

  it('writes --ready-file once it answers, and stops if it cannot write it', async () => {
    const readyFile = join(dataDir, 'ready', 'understudy.json');
    const cli = await startCli(['--port', '0', '--data-dir', dataDir, '--ready-file', readyFile]);
    try {
      const ready = JSON.parse(readFileSync(readyFile, 'utf8'));
      expect(ready).toMatchObject({ issuer: cli.issuer, pid: cli.child.pid });
      expect((await fetch(`${ready.url}/health`)).status).toBe(200);
    } finally {
      await cli.stop();
    }

    const port = await occupyPort().then((free) => {
      blockers.pop()?.close();
      return free;
    });
    const blocked = await runCli([
      '--port',
      String(port),
      '--data-dir',
      dataDir,
      '--ready-file',
      '/dev/null/ready.json',
    ]);
    expect(blocked.code).toBe(1);
    expect(blocked.stderr.trim().split('\n')).toHaveLength(1);
    expect(await isListening(port)).toBe(false);
  });

  it('puts the --issuer host in the HTTPS certificate', async () => {
    const httpsDir = mkdtempSync(join(tmpdir(), 'understudy-https-issuer-'));
    const port = await occupyPort().then((free) => {
      blockers.pop()?.close();
      return free;
    });
    const cli = await startCli([
      '--https',
      '--port',
      String(port),
      '--issuer',
      `https://understudy.test:${port}`,
      '--data-dir',
      httpsDir,
    ]);
    await cli.stop();
    const leaf = new X509Certificate(readFileSync(join(httpsDir, 'localhost.pem')));
    expect(leaf.subjectAltName).toContain('DNS:understudy.test');
    expect(leaf.subjectAltName).toContain('DNS:localhost');
  });

  it('prints seed values without the control characters that would drive the terminal', async () => {
    const seed = JSON.parse(readFileSync(defaultSeedPath, 'utf8'));
    seed.clients[0].client_name = 'Evil \u001b]0;pwned\u0007\u001b[2J\u202eapp';
    const seedFile = join(dataDir, 'escape-seed.json');
    writeFileSync(seedFile, JSON.stringify(seed));
    const cli = await startCli(['--port', '0', '--data-dir', dataDir, '--seed', seedFile]);
    try {
      const banner = cli.stdout();
      expect(banner).toContain('Evil ]0;pwned[2Japp');
      // eslint-disable-next-line no-control-regex -- looking for control characters is the test
      expect(banner).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f\u202e]/);
    } finally {
      await cli.stop();
    }
  });

  it('prints usage for --help', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: understudy');
    expect(result.stdout).toContain('--seed <path>');
  });

  it('rejects an unknown option with one line and exit code 2', async () => {
    const result = await runCli(['--prot', '4000']);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^understudy: Unknown option '--prot'/);
  });

  it('rejects a bad port with one line', async () => {
    const result = await runCli(['--port', 'eighty']);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe(
      'understudy: --port must be a whole number from 0 to 65535, got "eighty" (see --help)',
    );
  });

  it('says so in one line when the port is in use', async () => {
    const port = await occupyPort();
    const result = await runCli(['--port', String(port), '--data-dir', dataDir]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      `understudy: port ${port} on 127.0.0.1 is already in use (try --port)`,
    );
  });

  it('stops on a bad seed before anything listens, naming the file and the path', async () => {
    const seedFile = join(dataDir, 'bad-seed.json');
    writeFileSync(
      seedFile,
      JSON.stringify({
        authorizationServers: [{ id: 'default', audience: 'api://default' }],
        groups: [{ name: 'finance' }],
        users: [
          {
            id: '00uAAAAAAAAAAAAAAAAA',
            login: 'a@example.com',
            email: 'a@example.com',
            givenName: 'A',
            familyName: 'B',
            password: 'x',
            groups: ['sales'],
          },
        ],
        clients: [{ client_id: 'svc', client_name: 'S', client_secret: 'short' }],
      }),
    );
    const port = await occupyPort().then((free) => {
      blockers.pop()?.close();
      return free;
    });
    const result = await runCli([
      '--seed',
      seedFile,
      '--port',
      String(port),
      '--data-dir',
      dataDir,
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`understudy: Invalid seed ${seedFile}:`);
    expect(result.stderr).toContain('users[0].groups[0]: unknown group "sales"');
    expect(result.stderr).toContain('clients[0].client_secret: must be at least 16 characters');
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(await isListening(port)).toBe(false);
  });
});
