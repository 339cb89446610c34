/**
 * The control API over HTTP, as a test in another language would use it: `understudy --control`.
 */
import { mkdtempSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser } from '../helpers/browser.js';
import { type RunningCli, startCli } from '../helpers/cli.js';
import { buildAuthorizeUrl } from '../helpers/relying-party.js';

const dataDir = mkdtempSync(join(tmpdir(), 'understudy-control-'));
let cli: RunningCli;
let control: string;

beforeAll(async () => {
  cli = await startCli(['--port', '0', '--control', '--data-dir', dataDir]);
  control = `${new URL(cli.issuer).origin}/__understudy`;
});
afterAll(() => cli.stop());

const post = (path: string, body: unknown, contentType = 'application/json') =>
  fetch(`${control}${path}`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: JSON.stringify(body),
  });

async function authorizeOnce(browser: Browser) {
  const web = '0oaIkfWUo4oNP64RAzCp';
  const redirectUri = 'http://localhost:3000/authorization-code/callback';
  const url = buildAuthorizeUrl(cli.issuer, {
    client_id: web,
    redirect_uri: redirectUri,
    scope: 'openid',
    state: 'st',
  });
  return browser.open(url.href, redirectUri);
}

describe('understudy --control', () => {
  it('announces the control API and reports the state', async () => {
    expect(cli.stdout()).toContain(`control API         ${control}`);
    const state = (await (await fetch(`${control}/state`)).json()) as Record<string, unknown>;
    expect(state).toMatchObject({ clockOffsetSeconds: 0, signingKeys: [expect.any(String)] });
    expect((state.users as { login: string }[]).map((user) => user.login)).toContain(
      'carol.lee@task-vantage.com',
    );
  });

  it('signs the next user in without a page', async () => {
    const response = await post('/next-login', { user: 'carol.lee@task-vantage.com' });
    expect(response.status).toBe(200);
    const landed = await authorizeOnce(new Browser());
    expect(new URL(landed.url).searchParams.get('code')).toBeTruthy();
  });

  it('makes the next authorize request fail with the chosen error', async () => {
    await post('/fail', {
      endpoint: 'authorize',
      error: 'login_required',
      error_description: 'injected',
    });
    const landed = await authorizeOnce(new Browser());
    const params = new URL(landed.url).searchParams;
    expect(params.get('error')).toBe('login_required');
    expect(params.get('error_description')).toBe('injected');
    expect(params.get('state')).toBe('st');
  });

  it('refuses non-JSON bodies, unknown users, bad users and unknown routes clearly', async () => {
    const form = await fetch(`${control}/next-login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'user=carol',
    });
    expect(form.status).toBe(415);

    const unknown = await post('/next-login', { user: 'nobody@example.com' });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({
      error_description: 'no seeded user "nobody@example.com"',
    });

    const bad = await post('/users', { id: '00uBadUser0000000001', login: 'x' });
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { problems: string[] };
    expect(body.problems.some((problem) => problem.startsWith('users[6].email'))).toBe(true);

    const broken = await post('/fail', { endpoint: 'userinfo', error: 'x' });
    expect(broken.status).toBe(400);

    const missing = await fetch(`${control}/nope`);
    expect(missing.status).toBe(404);
  });

  it('refuses requests that only look local: another Host, or forwarded by a proxy', async () => {
    const origin = new URL(cli.issuer);
    const status = (headers: Record<string, string>) =>
      new Promise<number>((resolve, reject) => {
        httpRequest(
          { host: '127.0.0.1', port: origin.port, path: '/__understudy/state', headers },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        )
          .on('error', reject)
          .end();
      });
    expect(await status({ host: `localhost:${origin.port}` })).toBe(200);
    expect(await status({ host: `evil.example:${origin.port}` })).toBe(403);
    expect(
      await status({ host: `localhost:${origin.port}`, 'x-forwarded-for': '203.0.113.9' }),
    ).toBe(403);
  });

  it('is off unless asked for', async () => {
    const plain = await startCli(['--port', '0', '--data-dir', dataDir]);
    try {
      const response = await fetch(`${new URL(plain.issuer).origin}/__understudy/state`);
      expect(response.status).toBe(404);
    } finally {
      await plain.stop();
    }
  });
});
