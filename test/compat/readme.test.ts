/**
 * The README's "Point your Okta app at Understudy" blocks are what the compat suite feeds the
 * libraries: the same variable names, and the seeded client's real id and secret. Its
 * Management API example runs as printed.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadSeed } from '../../seed/load.js';
import { compatApp } from '../helpers/child-app.js';
import { seededClient, useTestProvider } from '../helpers/provider.js';
import { discoverFor, signInWithPassword } from '../helpers/relying-party.js';

const execFileAsync = promisify(execFile);

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const section = readme.split('## Point your Okta app at Understudy')[1]?.split('\n## ')[0] ?? '';
const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) =>
  Object.fromEntries(
    (match[1] ?? '')
      .trim()
      .split('\n')
      .map((line) => line.split(/=(.*)/s).slice(0, 2) as [string, string]),
  ),
);
const fixtures = [
  'okta-oidc-middleware',
  'okta-jwt-verifier',
  'express-openid-connect',
  'passport-openidconnect',
  'protected-api',
].map((name) => readFileSync(compatApp(name), 'utf8'));
// express-openid-connect and express-oauth2-jwt-bearer read their own variables.
const readByLibraries = [
  'ISSUER_BASE_URL',
  'BASE_URL',
  'CLIENT_ID',
  'CLIENT_SECRET',
  'SECRET',
  'AUDIENCE',
];

describe('README: Point your Okta app at Understudy', () => {
  it('has an .env block per library family', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(3);
  });

  it('names only variables the tested apps (or their libraries) read', () => {
    const ours = blocks
      .flatMap((block) => Object.keys(block))
      .filter((name) => name !== 'NODE_EXTRA_CA_CERTS' && !readByLibraries.includes(name));
    expect(ours).toContain('OKTA_OAUTH2_ISSUER');
    for (const name of ours) {
      expect(
        fixtures.some((source) => source.includes(name)),
        name,
      ).toBe(true);
    }
  });

  it("uses the seeded client's id and secret, and the default issuer", async () => {
    const client = seededClient(await loadSeed(), 'your-app');
    const values = (matches: (name: string) => boolean) =>
      blocks.flatMap((block) =>
        Object.entries(block)
          .filter(([name]) => matches(name))
          .map(([, value]) => value),
      );
    const ids = values((name) => name.endsWith('CLIENT_ID'));
    const secrets = values((name) => name.endsWith('CLIENT_SECRET'));
    const issuers = values((name) => name.endsWith('ISSUER') || name === 'ISSUER_BASE_URL');
    // The Okta block and the express-openid-connect block each name a client.
    expect(ids.length).toBeGreaterThanOrEqual(2);
    expect(secrets).toHaveLength(ids.length);
    expect(issuers.length).toBeGreaterThanOrEqual(3);
    expect(new Set(ids)).toEqual(new Set([client.client_id]));
    expect(new Set(secrets)).toEqual(new Set([client.client_secret]));
    for (const issuer of issuers) {
      expect(issuer).toMatch(/^https?:\/\/localhost:4000\/oauth2\/default$/);
    }
  });
});

describe('README: Manage users and groups (okta-sdk-nodejs)', () => {
  const management =
    readme.split('### Manage users and groups (okta-sdk-nodejs)')[1]?.split('\n## ')[0] ?? '';
  const example = /```js\n([\s\S]*?)```/.exec(management)?.[1] ?? '';
  const provider = useTestProvider();

  it("runs as printed with the default seed's API token, and Ada signs in with her group", async () => {
    expect(example).toContain("orgUrl: 'http://localhost:4000'");
    const seed = await loadSeed();
    expect(example).toContain(`token: '${seed.apiTokens[0]?.token ?? 'missing'}'`);
    const origin = new URL(provider.issuer).origin;
    // Run from the repository, so the import resolves the installed SDK as in a user's app.
    const { stdout } = await execFileAsync(
      process.execPath,
      ['--input-type=module', '--eval', example.replace('http://localhost:4000', origin)],
      { cwd: fileURLToPath(new URL('../..', import.meta.url)) },
    );
    expect(stdout.trim()).toBe('ada@example.com ACTIVE');

    const web = seededClient(provider.seed, 'web');
    const tokens = await signInWithPassword(
      await discoverFor(provider.issuer, web),
      web.redirect_uris[0] ?? '',
      { username: 'ada@example.com', password: 'Analytical-Engine-1' },
      { scope: 'openid profile groups' },
    );
    expect(tokens.claims()?.groups).toEqual(['Everyone', 'finance']);
  });
});

describe('README: Okta Sign-In Widget and the IDX API', () => {
  const widget = readme.split('## Okta Sign-In Widget and the IDX API')[1]?.split('\n## ')[0] ?? '';

  it('names a seeded public client with the interaction_code grant for its redirect URI', async () => {
    const clientId = /clientId: '([^']+)'/.exec(widget)?.[1];
    const redirectUri = /const redirectUri = '([^']+)'/.exec(widget)?.[1] ?? '';
    const client = (await loadSeed()).clients.find((entry) => entry.client_id === clientId);
    expect(client?.token_endpoint_auth_method).toBe('none');
    expect(client?.grant_types).toContain('interaction_code');
    expect(client?.redirect_uris).toContain(redirectUri);
    expect(client?.allowedOrigins).toContain(new URL(redirectUri).origin);
    expect(widget).toContain(`"${client?.client_name.split(' (')[0] ?? 'missing'}"`);
  });
});
