/**
 * 10,000 malformed requests, generated from a fixed seed (so a failure replays: FUZZ_SEED=n),
 * over every route of the provider (the compiled CLI, with the control API), its org APIs, its
 * IDX API (malformed bodies against sign-ins that exist, at each step) and the demo app, each
 * in its own process; then every path either knows, each sent what is over
 * a limit: a 70 KiB and a 1 MiB body on GET and on POST, a request line and headers past
 * Node's 16 KiB. No answer may be a 5xx, no connection may close without one (an answer
 * before the body is whole is followed by the body being read off, so the client reads the
 * status, not a reset), no body may show a stack trace or an internal path; both processes
 * stay up, and a normal sign-in works afterwards. The request count is the point, not the
 * speed.
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
  // oidc-provider's resume path, named by a client: its error handler once answered a 500.
  '/oauth2/default/v1/authorize/abc?client_id=0oanYW22VJxEb5ZB0JT6',
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
  '/oauth2/v1/authorize/abc?client_id=0oaIkfWUo4oNP64RAzCp',
  '/oauth2/v1/keys',
  '/oauth2/interaction/abc/login',
  '/login/sessionCookieRedirect',
  '/oauth2/default/v1/interact',
  '/oauth2/v1/interact',
  '/idp/idx/introspect',
  '/idp/idx/identify',
  '/idp/idx/challenge',
  '/idp/idx/challenge/answer',
  '/idp/idx/challenge/poll',
  '/idp/idx/challenge/resend',
  '/idp/idx/cancel',
  '/idp/idx/nope',
  '/login/token/redirect',
  '/login/token/redirect?stateToken=02garbage.default',
  '/okta-signin-widget/js/okta-sign-in.min.js',
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

/** An app with the interaction code grant, added to the fuzzed provider's seed. */
const idxClient = {
  client_id: '0oaFuzzIdxApp0000001',
  client_name: 'Fuzzed IDX app',
  token_endpoint_auth_method: 'none',
  grant_types: ['authorization_code', 'interaction_code'],
  response_types: ['code'],
  redirect_uris: ['http://localhost:8080/login/callback'],
};

/** Sign-ins that exist on the fuzzed provider, at each IDX step, made before the fuzz. */
interface IdxHandles {
  /** Interaction handles (from /v1/interact). */
  interaction: string[];
  /** State handles: at identify, at select-authenticator, at an email challenge. */
  state: string[];
}

const idxPathSet = new Set(providerPaths.filter((path) => path.startsWith('/idp/idx/')));
const idxMediaTypes = [
  'application/ion+json; okta-version=1.0.0',
  'application/json',
  'application/ion+json; okta-version=0.9.9',
  'text/plain',
];

/** Nested `depth` deep: objects in arrays in objects, as a parser that recurses meets them. */
function deeplyNested(depth: number): string {
  return `${'{"a":['.repeat(depth)}1${']}'.repeat(depth)}`;
}

/**
 * IDX bodies that are JSON but wrong: no handle, handles of the wrong type or made up, and
 * fields of the wrong shape (credentials a string, authenticator null, arrays, deep nesting),
 * against handles that exist as often as not.
 */
function idxBody(rand: ReturnType<typeof random>, handles: IdxHandles): string {
  const madeUp = `02${'A'.repeat(43)}.default`;
  const stateHandle = rand.pick([
    ...handles.state,
    ...handles.state,
    madeUp,
    '02garbage',
    `${handles.state[0] ?? madeUp}x`,
    `02${'B'.repeat(43)}.${'s'.repeat(200)}`,
  ]);
  const shapes: (() => unknown)[] = [
    () => ({}),
    () => ({ stateHandle: 123 }),
    () => ({ stateHandle: null }),
    () => ({ stateHandle: [stateHandle] }),
    () => ({ stateHandle: { $ne: '' } }),
    () => ({ stateHandle }),
    () => [{ stateHandle }],
    () => ({ stateHandle, identifier: rand.pick(nasty), credentials: rand.pick(nasty) }),
    () => ({ stateHandle, identifier: ['a'], credentials: { passcode: 123 } }),
    () => ({ stateHandle, identifier: 'grace.li@task-vantage.com', credentials: [] }),
    () => ({ stateHandle, credentials: { passcode: rand.pick(nasty) } }),
    () => ({ stateHandle, credentials: { passcode: { passcode: '1' } } }),
    () => ({ stateHandle, authenticator: null }),
    () => ({ stateHandle, authenticator: rand.pick(nasty) }),
    () => ({ stateHandle, authenticator: { id: rand.pick([null, 1, [], {}, rand.pick(nasty)]) } }),
    () => ({ stateHandle, authenticator: { id: 'autX', methodType: { a: 1 } } }),
    () => ({ interactionHandle: rand.pick([...handles.interaction, madeUp, 7, null, '']) }),
    () => ({ stateToken: rand.pick([stateHandle, 7, {}, 'garbage']) }),
    () => ({ stateToken: 7, interactionHandle: handles.interaction[0] }),
    () => JSON.parse(`{"__proto__":{"stateHandle":"${stateHandle}"},"constructor":{"x":1}}`),
  ];
  const raw = [
    () => `{"stateHandle":"${stateHandle}","credentials":${deeplyNested(rand.pick([50, 2000]))}}`,
    () => `{"stateHandle":"${stateHandle}","identifier":"${'a'.repeat(40_000)}"}`,
    () => `{"stateHandle":"${stateHandle}",`,
    () => `{"stateHandle":"${stateHandle}","stateHandle":123}`,
  ];
  if (rand.chance(0.2)) return rand.pick(raw)();
  return JSON.stringify(rand.pick(shapes)());
}

interface Fuzzed {
  port: number;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer | undefined;
  /** A POST of an IDX body to an IDX path. */
  idx?: boolean;
}

function generate(
  rand: ReturnType<typeof random>,
  ports: { provider: number; app: number },
  handles: IdxHandles,
) {
  const toApp = rand.chance(0.3);
  const port = toApp ? ports.app : ports.provider;
  // One in twenty is an IDX call as the SDK makes them (a POST), so many bodies reach a step.
  const idxAimed = !toApp && rand.chance(0.05);
  const method = idxAimed
    ? 'POST'
    : rand.pick(['GET', 'GET', 'POST', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'HEAD']);
  let path = idxAimed ? rand.pick([...idxPathSet]) : rand.pick(toApp ? appPaths : providerPaths);
  const idxCall = idxPathSet.has(path);
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

  // Now and then a request line or a header past Node's 16 KiB: a 414 or a 431.
  if (rand.chance(0.01))
    path += `${path.includes('?') ? '&' : '?'}q=${'a'.repeat(overLimit(rand))}`;
  if (rand.chance(0.01)) headers[rand.pick(['cookie', 'x-padding'])] = 'b'.repeat(overLimit(rand));

  let body: Buffer | undefined;
  if (rand.chance(method === 'GET' || method === 'HEAD' ? 0.03 : 0.8)) {
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
  // Most calls to an IDX path carry an IDX body gone wrong, as JSON of one media type or another.
  let idx = false;
  if (idxCall && rand.chance(0.7)) {
    body = Buffer.from(idxBody(rand, handles));
    headers['content-type'] = rand.pick(idxMediaTypes);
    idx = method === 'POST';
  }
  return { port, method, path, headers, body, idx } satisfies Fuzzed;
}

/** A request line or a header from a little to several times over Node's 16 KiB. */
function overLimit(rand: ReturnType<typeof random>): number {
  return rand.pick([17, 24, 64, 200]) * 1024;
}

/**
 * What is over a limit, sent to every path either server knows: the sweep after the random
 * requests. Each on a connection of its own that asks to be closed, so nothing reads off an
 * unread body for a next request: the server has to.
 */
function oversized(ports: { provider: number; app: number }): Fuzzed[] {
  const targets = [
    ...providerPaths.map((path) => ({ port: ports.provider, path })),
    ...appPaths.map((path) => ({ port: ports.app, path })),
  ];
  return targets.flatMap(({ port, path }): Fuzzed[] => {
    const host = `localhost:${port}`;
    const form = { host, 'content-type': 'application/x-www-form-urlencoded' };
    const bodies = [70 * 1024, 1024 * 1024].flatMap((size) =>
      ['GET', 'POST'].map((method): Fuzzed => ({
        port,
        method,
        path,
        headers: form,
        body: Buffer.alloc(size, 'a'),
      })),
    );
    const query = `${path.includes('?') ? '&' : '?'}q=`;
    const heads = [20 * 1024, 100 * 1024].flatMap((size): Fuzzed[] => [
      {
        port,
        method: 'GET',
        path: `${path}${query}${'a'.repeat(size)}`,
        headers: { host },
        body: undefined,
      },
      {
        port,
        method: 'GET',
        path,
        headers: { host, cookie: `x=${'a'.repeat(size)}` },
        body: undefined,
      },
      {
        port,
        method: 'POST',
        path,
        headers: { ...form, cookie: `x=${'a'.repeat(size)}` },
        body: Buffer.alloc(1024 * 1024, 'a'),
      },
    ]);
    // Targets parseurl hands to Node's deprecated url.parse(): a fragment, the absolute form.
    const odd = [`${path}#fragment`, `http://${host}${path}`].map((target): Fuzzed => ({
      port,
      method: 'GET',
      path: target,
      headers: { host },
      body: undefined,
    }));
    return [...bodies, ...heads, ...odd];
  });
}

/** The request, for a failure message: method, server, path, and what was over a limit. */
function labelOf(request: Fuzzed, appPort: number): string {
  const server = request.port === appPort ? 'app' : 'provider';
  const longHeader = Object.values(request.headers).some((value) => value.length > 16 * 1024);
  return [
    `${request.method} :${server}${request.path.slice(0, 120)}`,
    request.body ? `(${request.body.length} bytes)` : '',
    longHeader ? '(headers over 16 KiB)' : '',
  ]
    .filter(Boolean)
    .join(' ');
}

const agent = new Agent({ keepAlive: true, maxSockets: concurrency });

function send(request: Fuzzed, ownConnection = false): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        agent: ownConnection ? false : agent,
        host: '127.0.0.1',
        port: request.port,
        method: request.method,
        path: request.path,
        headers: {
          ...request.headers,
          ...(ownConnection ? { connection: 'close' } : {}),
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

/**
 * Sign-ins for the fuzz to hit: one at identify, hannah at select-authenticator and carol at
 * her email challenge (acr_values 2fa), each through /v1/interact and the IDX calls.
 */
async function idxSignIns(issuer: string): Promise<IdxHandles> {
  const origin = new URL(issuer).origin;
  const post = async (url: string, body: Record<string, unknown>) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (response.status !== 200) throw new Error(`${url}: ${response.status}`);
    return (await response.json()) as {
      stateHandle: string;
      authenticators?: { value: { key: string; id: string }[] };
    };
  };
  const handles: IdxHandles = { interaction: [], state: [] };
  const start = async () => {
    const interacted = await fetch(`${issuer}/v1/interact`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: idxClient.client_id,
        scope: 'openid',
        redirect_uri: idxClient.redirect_uris[0] ?? '',
        code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
        code_challenge_method: 'S256',
        state: 'fuzz',
        acr_values: 'urn:okta:loa:2fa:any',
      }),
    });
    const { interaction_handle } = (await interacted.json()) as { interaction_handle: string };
    handles.interaction.push(interaction_handle);
    const { stateHandle } = await post(`${origin}/idp/idx/introspect`, {
      interactionHandle: interaction_handle,
    });
    handles.state.push(stateHandle);
    return stateHandle;
  };
  await start();
  for (const [login, key] of [
    ['hannah.smith@task-vantage.com', undefined],
    ['carol.lee@task-vantage.com', 'okta_email'],
  ] as const) {
    const stateHandle = await start();
    const select = await post(`${origin}/idp/idx/identify`, {
      stateHandle,
      identifier: login,
      credentials: { passcode: 'understudy' },
    });
    const id = select.authenticators?.value.find((authenticator) => authenticator.key === key)?.id;
    if (key) await post(`${origin}/idp/idx/challenge`, { stateHandle, authenticator: { id } });
  }
  return handles;
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

describe('10,000 malformed requests, then everything over a limit', () => {
  let provider: RunningCli;
  const logs = { provider: '', app: '' };
  let app: ChildProcess;
  let appPort: number;
  let providerPort: number;
  let handles: IdxHandles;

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
    seed.clients.push(idxClient);
    const dir = mkdtempSync(join(tmpdir(), 'understudy-fuzz-'));
    const seedFile = join(dir, 'seed.json');
    writeFileSync(seedFile, JSON.stringify(seed));
    provider = await startCli(['--port', '0', '--control', '--data-dir', dir, '--seed', seedFile]);
    provider.child.stderr?.on('data', (chunk: Buffer) => (logs.provider += chunk));
    providerPort = Number(new URL(provider.issuer).port);
    handles = await idxSignIns(provider.issuer);
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
      app.stderr?.on('data', (chunk: Buffer) => (logs.app += chunk));
    });
  }, 30_000);

  afterAll(async () => {
    agent.destroy();
    app?.kill('SIGTERM');
    await provider?.stop();
  });

  it('answers every one with a status below 500, no stack and no path; both stay up and work', async () => {
    const rand = random(fuzzSeed);
    const ports = { provider: providerPort, app: appPort };
    const sweep = oversized(ports);
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    const idxStatuses = new Map<number, number>();
    let sent = 0;
    let next = 0;
    const attempt = async (request: Fuzzed, ownConnection: boolean) => {
      const label = labelOf(request, appPort);
      try {
        const { status, body } = await send(request, ownConnection);
        sent += 1;
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if (request.idx) idxStatuses.set(status, (idxStatuses.get(status) ?? 0) + 1);
        if (status >= 500) failures.push(`${status} ${label}: ${body.slice(0, 200)}`);
        const leak = leaks.find((pattern) => pattern.test(body));
        if (leak) failures.push(`${leak} in ${label}: ${body.slice(0, 300)}`);
      } catch (error) {
        failures.push(`no status for ${label}: ${(error as Error).message}`);
      }
    };
    const worker = async () => {
      while (next < requests) {
        next += 1;
        await attempt(generate(rand, ports, handles), false);
      }
      while (next < requests + sweep.length) {
        const request = sweep[next - requests] as Fuzzed;
        next += 1;
        await attempt(request, true);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    const silent = failures.filter((line) => line.startsWith('no status')).length;
    const serverErrors = failures.filter((line) => /^5\d\d /.test(line)).length;
    expect(sent + silent).toBe(requests + sweep.length);
    // Each limit was reached, and answered with its status.
    for (const status of [413, 414, 431])
      expect(statuses.get(status) ?? 0, String(status)).toBeGreaterThan(0);
    // The IDX bodies were among them, and reached the sign-ins: some answered, some refused.
    for (const status of [200, 400, 401])
      expect(idxStatuses.get(status) ?? 0, `IDX ${status}`).toBeGreaterThan(0);
    expect(
      failures.slice(0, 10),
      `FUZZ_SEED=${fuzzSeed}: ${failures.length} failures of ${requests + sweep.length} requests (${serverErrors} 5xx, ${silent} closed without a status)`,
    ).toEqual([]);

    // Nothing of it was a bug to log, and no request took a deprecated path.
    for (const [name, log] of Object.entries(logs)) {
      expect(log, name).not.toMatch(/unhandled error|server_error|DeprecationWarning/);
    }
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
