/**
 * 10,000 malformed requests, generated from a fixed seed (so a failure replays: FUZZ_SEED=n),
 * over every route of the provider (the compiled CLI, with the control API), its org APIs and
 * the demo app, each in its own process. No answer may be a 5xx, no connection may close
 * without one, no body may show a stack trace or an internal path; both processes stay up,
 * and a normal sign-in works afterwards. The request count is the point, not the speed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultSeedPath, loadSeed } from '../../seed/load.js';
import { Browser, userPicker } from '../helpers/browser.js';
import { freePort } from '../helpers/child-app.js';
import { type RunningCli, startCli } from '../helpers/cli.js';

const requests = 10_000;
const concurrency = 16;
const fuzzSeed = Number(process.env.FUZZ_SEED ?? 20261203);
const appMain = fileURLToPath(new URL('../../dist/app/main.js', import.meta.url));

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
function random(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (below: number) => Math.floor(next() * below);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
  return { next, int, pick, chance: (p: number) => next() < p };
}

const providerPaths = [
  '/health',
  '/activate',
  '/activate?user_code=ABCD-EFGH',
  '/oauth2/default',
  '/oauth2/default/.well-known/openid-configuration',
  '/oauth2/default/.well-known/oauth-authorization-server',
  '/oauth2/default/v1/authorize',
  '/oauth2/default/v1/authorize/abc',
  '/oauth2/default/v1/token',
  '/oauth2/default/v1/keys',
  '/oauth2/default/v1/userinfo',
  '/oauth2/default/v1/logout',
  '/oauth2/default/v1/logout/confirm',
  '/oauth2/default/v1/logout/success',
  '/oauth2/default/v1/introspect',
  '/oauth2/default/v1/revoke',
  '/oauth2/default/v1/device/authorize',
  '/oauth2/default/v1/device/verify',
  '/oauth2/default/v1/par',
  '/oauth2/default/debug',
  '/oauth2/default/interaction/abc',
  '/oauth2/default/interaction/abc/login',
  '/oauth2/default/interaction/abc/confirm',
  '/oauth2/default/interaction/abc/abort',
  '/oauth2/unknown/v1/token',
  '/api/v1/authn',
  '/api/v1/sessions/me',
  '/api/v1/sessions/me/lifecycle/refresh',
  '/api/v1/users',
  '/api/v1/users/00uWVZ9tHgjHT6F8stVK',
  '/api/v1/users/me/groups',
  '/api/v1/users/00uWVZ9tHgjHT6F8stVK/lifecycle/suspend',
  '/api/v1/users/grace.li@task-vantage.com/lifecycle/deactivate',
  '/api/v1/groups',
  '/api/v1/groups/00gnope/users',
  '/api/v1/groups/00gnope/users/00uWVZ9tHgjHT6F8stVK',
  '/.well-known/openid-configuration',
  '/oauth2/v1/token',
  '/oauth2/v1/authorize',
  '/oauth2/v1/keys',
  '/oauth2/interaction/abc/login',
  '/login/sessionCookieRedirect',
  '/__understudy/state',
  '/__understudy/next-login',
  '/__understudy/fail',
  '/__understudy/clock',
  '/__understudy/users',
  '/__understudy/rotate-keys',
  '/__understudy/nope',
];
const appPaths = [
  '/',
  '/login',
  '/login?returnTo=//evil.example',
  '/authorization-code/callback',
  '/logout',
  '/dashboard',
  '/teams/finance',
  '/teams/..%2f..%2fetc',
  '/profile',
  '/flow',
  '/spa/',
  '/api/teams/finance/expenses',
  '/assets/bootstrap/bootstrap.min.css',
  '/nope',
];
const paramNames = [
  'client_id',
  'redirect_uri',
  'response_type',
  'response_mode',
  'scope',
  'state',
  'nonce',
  'prompt',
  'code',
  'code_verifier',
  'code_challenge',
  'code_challenge_method',
  'grant_type',
  'refresh_token',
  'token',
  'token_type_hint',
  'id_token_hint',
  'post_logout_redirect_uri',
  'user_code',
  'xsrf',
  'csrf',
  'user_id',
  'username',
  'password',
  'sessionToken',
  'token',
  'redirectUrl',
  'request',
  'request_uri',
  'max_age',
  'login_hint',
  'returnTo',
  '_csrf',
  'offsetSeconds',
  'endpoint',
  'error',
  'q',
  'filter',
  'search',
  'limit',
  'after',
  'activate',
  'sendEmail',
  'profile',
  'credentials',
  'groupIds',
];
const nasty = [
  '',
  ' ',
  'a'.repeat(5000),
  '%',
  '%E0%A4%A',
  '%00',
  '\u0000',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "' OR 1=1 --",
  '{"a":',
  '[]',
  'null',
  '-1',
  '1e309',
  'NaN',
  '😀'.repeat(50),
  'http://evil.example/',
  'javascript:alert(1)',
  'openid offline_access',
  'none',
  'code id_token token',
  'okta_post_message',
  'S256',
  'authorization_code',
  'client_credentials',
  'refresh_token',
  '0oaIkfWUo4oNP64RAzCp',
  '0oanYW22VJxEb5ZB0JT6',
  'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln',
  'Basic',
  'true',
  'status eq "ACTIVE"',
  'profile.login sw "a" and (',
  '((((((((((',
  'bGFzdA',
];
const contentTypes = [
  undefined,
  'application/x-www-form-urlencoded',
  'application/json',
  'application/json; charset=utf-16',
  'text/plain',
  'multipart/form-data; boundary=x',
  'application/x-www-form-urlencoded; charset=nope',
  'garbage/ ;;',
];

interface Fuzzed {
  port: number;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer | undefined;
}

function generate(rand: ReturnType<typeof random>, ports: { provider: number; app: number }) {
  const toApp = rand.chance(0.3);
  const port = toApp ? ports.app : ports.provider;
  const method = rand.pick([
    'GET',
    'GET',
    'POST',
    'POST',
    'PUT',
    'DELETE',
    'OPTIONS',
    'PATCH',
    'HEAD',
  ]);
  let path = rand.pick(toApp ? appPaths : providerPaths);
  if (rand.chance(0.1)) path += `/${encodeURIComponent(rand.pick(nasty)).slice(0, 200)}`;
  if (rand.chance(0.05)) path = path.replace(/\//g, rand.pick(['//', '/%2f', '/./', '/%2e%2e/']));
  const value = () => {
    const raw = rand.pick(nasty);
    return rand.chance(0.8) ? encodeURIComponent(raw) : raw.replace(/[^\x21-\x7e]/g, '%25');
  };
  const pairs = () =>
    Array.from({ length: rand.int(6) }, () => `${rand.pick(paramNames)}=${value()}`).join('&');
  if (rand.chance(0.7)) path += `${path.includes('?') ? '&' : '?'}${pairs()}`;

  const headers: Record<string, string> = {
    host: rand.chance(0.97)
      ? `localhost:${port}`
      : rand.pick(['evil.example', `127.0.0.1:${port}`, 'a..b', 'localhost:0', '[::1]']),
  };
  if (rand.chance(0.5)) headers.accept = rand.pick(['text/html', 'application/json', '*/*', 'x/y']);
  const type = rand.pick(contentTypes);
  if (type) headers['content-type'] = type;
  if (rand.chance(0.3)) {
    headers.authorization = rand.pick([
      `Basic ${Buffer.from(rand.pick(nasty)).toString('base64')}`,
      `Basic ${Buffer.from('0oanYW22VJxEb5ZB0JT6').toString('base64')}`,
      `Bearer ${rand.pick(nasty).replace(/[^\x21-\x7e]/g, 'x') || 'x'}`,
      'Basic !!!',
      'Digest x',
      'SSWS 00understudy-local-api-token-do-not-use-in-prod',
      'SSWS 00understudy-local-api-token-do-not-use-in-prod',
      'SSWS nope',
    ]);
  }
  if (rand.chance(0.3)) {
    headers.cookie = rand.pick([
      'understudy_default_session=abc; understudy_default_session.sig=def',
      'demo.sid=s%3Aabc.def',
      'understudy_default_interaction=%%%',
      `x=${'y'.repeat(3000)}`,
    ]);
  }
  if (rand.chance(0.2)) {
    headers.origin = rand.pick(['http://localhost:3000', 'https://evil.example', 'null']);
  }
  if (rand.chance(0.1)) headers['x-forwarded-for'] = '203.0.113.9';

  let body: Buffer | undefined;
  if (method !== 'GET' && method !== 'HEAD' && rand.chance(0.8)) {
    const shape = rand.int(5);
    if (shape === 0) body = Buffer.from(pairs());
    else if (shape === 1) {
      const object = Object.fromEntries(
        Array.from({ length: rand.int(5) }, () => [rand.pick(paramNames), rand.pick(nasty)]),
      );
      body = Buffer.from(JSON.stringify(rand.chance(0.2) ? [object] : object));
    } else if (shape === 2) body = Buffer.from(rand.pick(nasty));
    else if (shape === 3)
      body = Buffer.from(Array.from({ length: rand.int(2000) }, () => rand.int(256)));
    else body = Buffer.alloc(rand.chance(0.5) ? 70 * 1024 : 1024 * 1024, 'a');
  }
  return { port, method, path, headers, body } satisfies Fuzzed;
}

const agent = new Agent({ keepAlive: true, maxSockets: concurrency });

function send(request: Fuzzed): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        agent,
        host: '127.0.0.1',
        port: request.port,
        method: request.method,
        path: request.path,
        headers: {
          ...request.headers,
          ...(request.body ? { 'content-length': String(request.body.length) } : {}),
        },
        timeout: 15_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('no answer within 15 s')));
    req.on('error', reject);
    req.end(request.body);
  });
}

// A stack frame ("    at fn (file:12:3)") or a path on this machine.
const leaks = [
  /\n\s+at .+:\d+:\d+\)?/,
  /\/work\//,
  /node_modules\//,
  /\/tmp\//,
  /file:\/\//,
  /\.(ts|js):\d+/,
];

describe('10,000 malformed requests', () => {
  let provider: RunningCli;
  let app: ChildProcess;
  let appPort: number;
  let providerPort: number;

  beforeAll(async () => {
    appPort = await freePort();
    const seed = JSON.parse(readFileSync(defaultSeedPath, 'utf8'));
    for (const client of seed.clients) {
      client.redirect_uris = (client.redirect_uris ?? []).map((uri: string) =>
        uri.replace('http://localhost:3000', `http://localhost:${appPort}`),
      );
      client.post_logout_redirect_uris = (client.post_logout_redirect_uris ?? []).map(
        (uri: string) => uri.replace('http://localhost:3000', `http://localhost:${appPort}`),
      );
      if (client.allowedOrigins) client.allowedOrigins = [`http://localhost:${appPort}`];
    }
    const dir = mkdtempSync(join(tmpdir(), 'understudy-fuzz-'));
    const seedFile = join(dir, 'seed.json');
    writeFileSync(seedFile, JSON.stringify(seed));
    provider = await startCli(['--port', '0', '--control', '--data-dir', dir, '--seed', seedFile]);
    providerPort = Number(new URL(provider.issuer).port);
    app = spawn(process.execPath, [appMain], {
      env: {
        ...process.env,
        APP_PORT: String(appPort),
        OKTA_ISSUER: provider.issuer,
        SEED_PATH: seedFile,
        SESSION_SECRET: 'fuzz-session-secret-0123456789abcdef',
        APP_DATA_DIR: dir,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the demo app did not start')), 15_000);
      app.stdout?.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('Expense dashboard')) {
          clearTimeout(timer);
          resolve();
        }
      });
      app.stderr?.resume();
    });
  }, 30_000);

  afterAll(async () => {
    agent.destroy();
    app?.kill('SIGTERM');
    await provider?.stop();
  });

  it('answers every one with a status below 500, no stack and no path; both stay up and work', async () => {
    const rand = random(fuzzSeed);
    const failures: string[] = [];
    let sent = 0;
    let next = 0;
    const worker = async () => {
      while (next < requests) {
        next += 1;
        const request = generate(rand, { provider: providerPort, app: appPort });
        const label = `${request.method} :${request.port === appPort ? 'app' : 'provider'}${request.path.slice(0, 120)}`;
        try {
          const { status, body } = await send(request);
          sent += 1;
          if (status >= 500) failures.push(`${status} ${label}: ${body.slice(0, 200)}`);
          const leak = leaks.find((pattern) => pattern.test(body));
          if (leak) failures.push(`${leak} in ${label}: ${body.slice(0, 300)}`);
        } catch (error) {
          failures.push(`no status for ${label}: ${(error as Error).message}`);
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    expect(sent + failures.filter((line) => line.startsWith('no status')).length).toBe(requests);
    expect(failures.slice(0, 10), `FUZZ_SEED=${fuzzSeed}, ${failures.length} failures`).toEqual([]);

    expect(provider.child.exitCode).toBeNull();
    expect(app.exitCode).toBeNull();
    // Whatever the fuzz changed through the control API is undone; then a real sign-in.
    const reset = await fetch(`http://localhost:${providerPort}/__understudy/reset`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(reset.status).toBe(200);
    const browser = new Browser();
    const login = await browser.open(`http://localhost:${appPort}/login`);
    const carol = (await loadSeed()).users.find((user) => user.login.startsWith('carol.lee'));
    const dashboard = await browser.submit(userPicker(login), { user_id: carol?.id ?? '' });
    expect(dashboard.url).toBe(`http://localhost:${appPort}/dashboard`);
    expect(dashboard.status).toBe(200);
  }, 240_000);
});
