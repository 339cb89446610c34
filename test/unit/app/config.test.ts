import { describe, expect, it } from 'vitest';
import { AppConfigError, demoClientIds, readAppConfig } from '../../../app/config.js';
import type { SeedClient } from '../../../seed/schema.js';
import { loadSeed } from '../../../seed/load.js';

const client = (client_id: string, client_name: string, client_secret?: string) =>
  ({ client_id, client_name, client_secret }) as SeedClient;

describe('the demo app configuration', () => {
  it("finds the default seed's demo clients", async () => {
    const { clients } = await loadSeed();
    const config = readAppConfig({}, clients);
    const web = clients.find((candidate) => candidate.client_id === config.clientId);
    expect(web?.client_name).toContain('demo web app');
    expect(config.clientSecret).toBe(web?.client_secret);
    expect(clients.find((candidate) => candidate.client_id === config.spaClientId)).toBeDefined();
  });

  it('finds its clients by client_id, whatever they are called', () => {
    const clients = [
      client('someone-else', 'Expense Dashboard (demo web app)', 'not-this-secret'),
      client(demoClientIds.web, 'renamed', 'the-web-secret'),
      client(demoClientIds.spa, 'renamed too'),
    ];
    const config = readAppConfig({}, clients);
    expect(config).toMatchObject({
      clientId: demoClientIds.web,
      clientSecret: 'the-web-secret',
      spaClientId: demoClientIds.spa,
    });
    // OKTA_CLIENT_ID alone: the secret of that client, not of the default one.
    expect(readAppConfig({ OKTA_CLIENT_ID: 'someone-else' }, clients).clientSecret).toBe(
      'not-this-secret',
    );
  });

  it('fails fast without the clients it needs', () => {
    const named = [
      client('other-web', 'Expense Dashboard (demo web app)', 'secret'),
      client('other-spa', 'Expense Dashboard SPA'),
    ];
    expect(() => readAppConfig({}, named)).toThrow(AppConfigError);
    const webOnly = [client(demoClientIds.web, 'web', 'secret')];
    expect(() => readAppConfig({}, webOnly)).toThrow(/SPA_CLIENT_ID/);
    expect(readAppConfig({ SPA_CLIENT_ID: 'mine' }, webOnly).spaClientId).toBe('mine');
  });

  it('has the API require expenses:read unless told otherwise', async () => {
    const { clients } = await loadSeed();
    expect(readAppConfig({}, clients).apiScope).toBe('expenses:read');
    expect(readAppConfig({ API_SCOPE: 'openid' }, clients).apiScope).toBe('openid');
  });
});
