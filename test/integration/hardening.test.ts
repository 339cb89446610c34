/**
 * What an attacker or a careless input meets: security headers on every page, Okta-shaped 4xx
 * instead of 5xx for malformed requests, bounded control inputs, the seed's refusals, and the
 * login page without its one-click picker when asked.
 */
import { request as httpRequest } from 'node:http';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SeedInput } from '../../seed/schema.js';
import { parseSeed } from '../../seed/validate.js';
import { loadSeed } from '../../seed/load.js';
import { Browser, formPostingTo, formsOf } from '../helpers/browser.js';
import { seededClient, seededUser, seedWith, useTestProvider } from '../helpers/provider.js';
import { buildAuthorization, discoverFor } from '../helpers/relying-party.js';

const provider = useTestProvider({ control: true });
let origin: string;
beforeAll(() => {
  origin = new URL(provider.issuer).origin;
});

/** A raw request, for headers fetch will not send (a malformed Host) or bodies it buffers. */
function raw(
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: Buffer | string } = {},
) {
  const { port } = new URL(origin);
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: options.headers },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('security headers', () => {
  async function pages() {
    const browser = new Browser();
    const web = seededClient(provider.seed, 'web');
    const config = await discoverFor(provider.issuer, web);
    const start = await buildAuthorization(config, web.redirect_uris[0] ?? '');
    const login = await browser.open(start.url.href);
    const error = await browser.open(
      `${provider.issuer}/v1/authorize?client_id=${web.client_id}&redirect_uri=https://elsewhere.example/`,
    );
    const device = await browser.open(`${provider.issuer}/v1/device/verify`);
    const logout = await browser.open(`${provider.issuer}/v1/logout`);
    const debug = await browser.open(`${provider.issuer}/debug`);
    return { login, error, device, logout, debug };
  }

  it('are on every page: a nonce CSP that forbids framing, nosniff, no referrer', async () => {
    for (const [name, page] of Object.entries(await pages())) {
      const csp = page.headers.get('content-security-policy') ?? '';
      expect(csp, name).toContain("frame-ancestors 'none'");
      expect(csp, name).toContain("default-src 'none'");
      const nonce = /style-src 'nonce-([^']+)'/.exec(csp)?.[1];
      expect(nonce, name).toBeDefined();
      // Our pages carry the nonce; oidc-provider's auto-submitting form (the anonymous
      // logout) has no style, and its one inline script is allowed by its hash instead.
      if (page.body.includes('<style'))
        expect(page.body, name).toContain(`<style nonce="${nonce}">`);
      if (/<script(?![^>]*nonce=)/.test(page.body))
        expect(csp, name).toMatch(/script-src[^;]*'sha256-/);
      expect(page.headers.get('x-content-type-options'), name).toBe('nosniff');
      expect(page.headers.get('referrer-policy'), name).toBe('no-referrer');
      expect(page.headers.get('x-frame-options'), name).toBe('DENY');
    }
  });

  it('use a new nonce for every response', async () => {
    const nonces = new Set<string>();
    for (let i = 0; i < 3; i += 1) {
      const page = await new Browser().open(`${provider.issuer}/debug`);
      nonces.add(
        /'nonce-([^']+)'/.exec(page.headers.get('content-security-policy') ?? '')?.[1] ?? '',
      );
    }
    expect(nonces.size).toBe(3);
  });
});

describe('malformed requests get a 4xx, never a 5xx', () => {
  it('a Host header that is not a host: 400', async () => {
    for (const host of ['a b', '[::1', 'localhost:99999', 'ex%41mple.com']) {
      for (const path of ['/oauth2/default/.well-known/openid-configuration', '/health']) {
        const response = await raw(path, { headers: { host, accept: 'application/json' } });
        expect(response.status, `${host} ${path}`).toBe(400);
        expect(JSON.parse(response.body), host).toMatchObject({ error: 'invalid_request' });
      }
    }
  });

  it('a body over 64 KiB: 413 in the endpoint family shape, read no further', async () => {
    const big = Buffer.alloc(1024 * 1024, 'a');
    for (const [path, type] of [
      ['/oauth2/default/v1/token', 'application/x-www-form-urlencoded'],
      ['/oauth2/default/v1/introspect', 'application/x-www-form-urlencoded'],
      ['/__understudy/users', 'application/json'],
      ['/api/v1/authn', 'application/json'],
    ] as const) {
      const response = await raw(path, {
        method: 'POST',
        headers: { host: new URL(origin).host, 'content-type': type, accept: 'application/json' },
        body: big,
      });
      expect(response.status, path).toBe(413);
      expect(JSON.parse(response.body), path).toMatchObject({ error: 'invalid_request' });
    }
  });

  it('the device form posted without the session that showed it: 400', async () => {
    const response = await fetch(`${provider.issuer}/v1/device/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: 'xsrf=a&user_code=BCDF-GHJK',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_request' });
  });

  it("a resume path of no sign-in in progress: Okta's 404, even with a client_id", async () => {
    const spa = seededClient(provider.seed, 'spa');
    for (const query of ['', `?client_id=${spa.client_id}`]) {
      const response = await fetch(`${provider.issuer}/v1/authorize/abc${query}`, {
        headers: { accept: 'application/json' },
      });
      expect(response.status, query).toBe(404);
      expect(await response.json(), query).toMatchObject({ errorCode: 'E0000007' });
    }
  });

  it('a form between the provider limit and the host limit: 413, not the provider 400', async () => {
    const response = await raw('/oauth2/default/v1/token', {
      method: 'POST',
      headers: {
        host: new URL(origin).host,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: `grant_type=client_credentials&x=${'a'.repeat(60 * 1024)}`,
    });
    expect(response.status).toBe(413);
    expect(JSON.parse(response.body)).toMatchObject({ error: 'invalid_request' });
  });
});

describe('the control API', () => {
  const post = (path: string, body: unknown) =>
    fetch(`${origin}/__understudy${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('keeps the clock within ten years, with a clear 400', async () => {
    for (const offsetSeconds of [1e300, -1e300, 11 * 365 * 24 * 3600]) {
      const response = await post('/clock', { offsetSeconds });
      expect(response.status, String(offsetSeconds)).toBe(400);
      expect(((await response.json()) as { error_description: string }).error_description).toMatch(
        /ten years/,
      );
    }
    const fine = await post('/clock', { offsetSeconds: 3600 });
    expect(fine.status).toBe(200);
    await post('/clock', { offsetSeconds: 0 });
  });

  it('answers malformed JSON with invalid_request, and speaks OAuth codes only', async () => {
    const broken = await fetch(`${origin}/__understudy/next-login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"user":',
    });
    expect(broken.status).toBe(400);
    expect(await broken.json()).toMatchObject({ error: 'invalid_request' });
    const missing = await fetch(`${origin}/__understudy/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: 'invalid_request' });
  });
});

describe('the seed', () => {
  it('refuses client_credentials for a public client, naming the path', async () => {
    const base = (await loadSeed()) as unknown as SeedInput;
    const [first] = base.clients;
    if (!first) throw new Error('the default seed has clients');
    const broken = {
      ...base,
      clients: [
        {
          ...first,
          client_secret: undefined,
          token_endpoint_auth_method: 'none' as const,
          grant_types: ['authorization_code' as const, 'client_credentials' as const],
        },
      ],
    };
    expect(() => parseSeed(broken, 'broken.json')).toThrow(
      /clients\[0\]\.grant_types\[1\]: client_credentials needs a client that can keep a secret/,
    );
  });
});

describe('requirePassword', () => {
  const locked = useTestProvider(async () => ({
    seed: await seedWith(() => ({ requirePassword: true })),
  }));

  it('hides the picker, refuses a picked user, and signs in with a password', async () => {
    const web = seededClient(locked.seed, 'web');
    const carol = seededUser(locked.seed, 'carol.lee');
    const config = await discoverFor(locked.issuer, web);
    const start = await buildAuthorization(config, web.redirect_uris[0] ?? '');
    const browser = new Browser();
    const login = await browser.open(start.url.href);
    expect(login.body).not.toContain('name="user_id"');
    const form = formPostingTo(login, '/login');
    const picked = await browser.submit(form, { user_id: carol.id }, start.redirectUri);
    expect(picked.url.startsWith(start.redirectUri)).toBe(false);
    expect(picked.status).toBe(401);
    const retry = formsOf(picked).find((candidate) => candidate.action.endsWith('/login'));
    if (!retry) throw new Error('the login page is shown again');
    const signedIn = await browser.submit(
      retry,
      { username: carol.login, password: 'understudy' },
      start.redirectUri,
    );
    expect(new URL(signedIn.url).searchParams.get('code')).toEqual(expect.any(String));
  });
});
