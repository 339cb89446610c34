/**
 * oidc-provider's resume path (/v1/authorize/{uid}) under the host: only the sign-in the
 * browser has in progress is there. Any other sub-path of /v1/authorize is Okta's 404, never
 * the 500 oidc-provider's error handler answers when the query names a client.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHost } from '../../../../provider/host/create-host.js';
import { newKeyMaterial } from '../../../../provider/oidc/keys.js';
import { createMemoryAdapterFactory } from '../../../../provider/store/memory-adapter.js';
import { LastLogins } from '../../../../provider/store/last-logins.js';
import { Outbox } from '../../../../provider/store/outbox.js';
import { RevokedTokens } from '../../../../provider/store/revoked-tokens.js';
import { SessionTokens } from '../../../../provider/store/session-tokens.js';
import { loadSeed } from '../../../../seed/load.js';
import type { Seed } from '../../../../seed/schema.js';

let server: Server;
let seed: Seed;
let port = 0;

beforeAll(async () => {
  seed = await loadSeed();
  const stores = new Map<string, ReturnType<typeof createMemoryAdapterFactory>>();
  const revoked = new Map<string, RevokedTokens>();
  const kept = <T>(map: Map<string, T>, id: string, make: () => T): T => {
    const found = map.get(id) ?? make();
    map.set(id, found);
    return found;
  };
  server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  const host = createHost({
    issuerBase: `http://localhost:${port}`,
    seed,
    keys: await newKeyMaterial(),
    storageFor: (id) => kept(stores, id, () => createMemoryAdapterFactory()),
    revokedFor: (id) => kept(revoked, id, () => new RevokedTokens()),
    outbox: new Outbox(),
    sessionTokens: new SessionTokens(),
    usersUpdatedAt: 0,
    changeDirectory: async () => seed,
    lastLogins: new LastLogins(),
    seededAt: new Date(0).toISOString(),
    requirePassword: false,
    crossSiteCookies: false,
  });
  server.on('request', host.listener);
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function get(path: string, cookie?: string) {
  return new Promise<{ status: number; body: string; cookies: string[]; location?: string }>(
    (resolve, reject) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port,
          path,
          headers: {
            host: `localhost:${port}`,
            accept: 'application/json',
            ...(cookie ? { cookie } : {}),
          },
        },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (body += chunk));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              body,
              cookies: res.headers['set-cookie'] ?? [],
              location: res.headers.location,
            }),
          );
        },
      );
      req.on('error', reject);
      req.end();
    },
  );
}

const client = (name: string) => {
  const found = seed.clients.find((candidate) => candidate.client_name.includes(name));
  if (!found) throw new Error(`no ${name} client in the default seed`);
  return found;
};

describe('a sub-path of /v1/authorize', () => {
  it("is Okta's 404 when no sign-in is in progress there, whatever the query", async () => {
    const spa = client('SPA');
    for (const path of [
      '/oauth2/default/v1/authorize/abc',
      `/oauth2/default/v1/authorize/abc?client_id=${spa.client_id}`,
      `/oauth2/default/v1/authorize/abc?client_id=${spa.client_id}&redirect_uri=x&state=s`,
      `/oauth2/v1/authorize/abc?client_id=${spa.client_id}`,
    ]) {
      const answer = await get(path);
      expect(answer.status, path).toBe(404);
      expect(JSON.parse(answer.body), path).toMatchObject({
        errorCode: 'E0000007',
        errorSummary: `Not found: Resource not found: ${path.split('?')[0]} (GET)`,
      });
    }
  });

  it('is still where oidc-provider resumes the sign-in the browser has in progress', async () => {
    const web = client('demo web app');
    const start = await get(
      `/oauth2/default/v1/authorize?${new URLSearchParams({
        client_id: web.client_id,
        redirect_uri: web.redirect_uris[0] ?? '',
        response_type: 'code',
        scope: 'openid',
        state: 'state-1',
        nonce: 'nonce-1',
        code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
        code_challenge_method: 'S256',
      })}`,
    );
    expect(start.status).toBe(303);
    const resume = start.cookies.find((line) => line.includes('_resume='));
    const path = /path=([^;]+)/.exec(resume ?? '')?.[1] ?? '';
    expect(path).toMatch(/^\/oauth2\/default\/v1\/authorize\/[\w-]+$/);
    const cookies = start.cookies.map((line) => line.split(';')[0]).join('; ');

    // The interaction has no result yet: oidc-provider sends the browser back to it.
    const resumed = await get(path, cookies);
    expect(resumed.status).toBe(303);
    expect(resumed.location).toMatch(/\/oauth2\/default\/interaction\//);
    // The same path with a query, or with another uid, is not that sign-in.
    expect((await get(`${path}?client_id=${web.client_id}`, cookies)).status).toBe(404);
    expect((await get(`${path}x`, cookies)).status).toBe(404);
  });

  it("leaves oidc-provider's device resume path to its own guard", async () => {
    const answer = await get('/oauth2/default/v1/device/verify/abc');
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({ error: 'invalid_request' });
  });
});
