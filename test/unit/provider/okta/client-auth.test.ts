import type { Context } from 'koa';
import { beforeAll, describe, expect, it } from 'vitest';
import { InvalidClient, InvalidRequest } from '../../../../provider/http/errors.js';
import { authenticateClient } from '../../../../provider/okta/server/client-auth.js';
import { loadSeed } from '../../../../seed/load.js';
import type { SeedClient } from '../../../../seed/schema.js';

let clients: Map<string, SeedClient>;
let web: SeedClient;
let spa: SeedClient;
beforeAll(async () => {
  const seed = await loadSeed();
  clients = new Map(seed.clients.map((client) => [client.client_id, client]));
  web = seed.clients.find((client) => client.client_secret !== undefined) as SeedClient;
  spa = seed.clients.find((client) => client.token_endpoint_auth_method === 'none') as SeedClient;
});

const withAuthorization = (value?: string) =>
  ({ get: (name: string) => (name === 'authorization' ? (value ?? '') : '') }) as Context;
const basic = (credentials: string) => `Basic ${Buffer.from(credentials).toString('base64')}`;
const form = (fields: Record<string, string>) => new URLSearchParams(fields);

describe('authenticateClient', () => {
  it('accepts the secret in Basic (form-encoded or not) or in the body', () => {
    const secret = web.client_secret ?? '';
    expect(
      authenticateClient(withAuthorization(basic(`${web.client_id}:${secret}`)), form({}), clients),
    ).toBe(web);
    const encoded = `${encodeURIComponent(web.client_id)}:${encodeURIComponent(secret)}`;
    expect(authenticateClient(withAuthorization(basic(encoded)), form({}), clients)).toBe(web);
    expect(
      authenticateClient(
        withAuthorization(),
        form({ client_id: web.client_id, client_secret: secret }),
        clients,
      ),
    ).toBe(web);
  });

  it('refuses a wrong, missing or misplaced secret with invalid_client', () => {
    const attempts: [string | undefined, Record<string, string>][] = [
      [basic(`${web.client_id}:wrong-secret-value`), {}],
      [undefined, { client_id: web.client_id }],
      [undefined, {}],
      [undefined, { client_id: 'nobody', client_secret: 'x' }],
      // A public client must not send a secret.
      [undefined, { client_id: spa.client_id, client_secret: 'anything' }],
    ];
    for (const [header, body] of attempts) {
      expect(() => authenticateClient(withAuthorization(header), form(body), clients)).toThrow(
        InvalidClient,
      );
    }
  });

  it('takes a public client by its client_id in the body', () => {
    expect(
      authenticateClient(withAuthorization(), form({ client_id: spa.client_id }), clients),
    ).toBe(spa);
  });

  it('refuses a body client_id that contradicts the header', () => {
    const header = basic(`${web.client_id}:${web.client_secret ?? ''}`);
    expect(() =>
      authenticateClient(withAuthorization(header), form({ client_id: spa.client_id }), clients),
    ).toThrow(InvalidRequest);
  });
});
