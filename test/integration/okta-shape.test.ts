/**
 * The rest of being Okta-shaped: the device flow end to end, several authorization servers,
 * the discovery fields Okta clients read, and the issuer check.
 */
import { describe, expect, it } from 'vitest';
import { Browser, findForm, userPicker } from '../helpers/browser.js';
import { verifyJwt } from '../helpers/jwks.js';
import {
  seededClient,
  seededUser,
  seedWith,
  tvAppClient,
  useTestProvider,
} from '../helpers/provider.js';
import { discoverFor, signInAndRedeem } from '../helpers/relying-party.js';

const provider = useTestProvider(async () => ({
  seed: await seedWith((base) => ({
    authorizationServers: [
      ...base.authorizationServers,
      { id: 'aus7xpayroll000000000', audience: 'api://payroll', scopes: ['payroll:read'] },
    ],
    clients: [...base.clients, tvAppClient],
  })),
}));

describe('device authorization', () => {
  it('lets a seeded user approve a device on the verification page, then issues tokens', async () => {
    const form = (body: Record<string, string>) => ({
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(body),
    });
    const started = await fetch(
      `${provider.issuer}/v1/device/authorize`,
      form({ client_id: 'tv-app', scope: 'openid profile offline_access' }),
    );
    const device = (await started.json()) as Record<string, string | number>;
    expect(device).toMatchObject({ expires_in: 600, interval: 5 });
    expect(device.user_code).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{8}$/);

    const poll = () =>
      fetch(
        `${provider.issuer}/v1/token`,
        form({
          grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
          device_code: String(device.device_code),
          client_id: 'tv-app',
        }),
      );
    expect(((await (await poll()).json()) as { error: string }).error).toBe(
      'authorization_pending',
    );

    // Okta's verification URI is /activate at the root; it forwards to the server's page.
    const browser = new Browser();
    const origin = new URL(provider.issuer).origin;
    const handoff = await browser.open(`${origin}/activate?user_code=${device.user_code}`);
    // oidc-provider hands the code on with a form (auto-posted, or a button without JavaScript).
    const confirm = await browser.submit(
      findForm(handoff, 'user code', (f) => 'user_code' in f.fields),
    );
    expect(confirm.status).toBe(200);
    expect(confirm.body).toContain('TV app');
    expect(confirm.body).toContain(String(device.user_code));
    const confirmForm = findForm(confirm, 'device confirm', (f) => 'user_code' in f.fields);
    const login = await browser.submit(confirmForm);
    const frank = seededUser(provider.seed, 'frank.wilson');
    const done = await browser.submit(userPicker(login), { user_id: frank.id });
    expect(done.status).toBe(200);
    expect(done.body).toContain('Device activated');

    const response = await poll();
    expect(response.status).toBe(200);
    const tokens = (await response.json()) as Record<string, string>;
    expect(tokens.refresh_token).toBeTruthy();
    const { payload } = await verifyJwt(
      tokens.access_token ?? '',
      provider.issuer,
      'api://default',
    );
    expect(payload).toMatchObject({ uid: frank.id, sub: frank.login, cid: 'tv-app' });
  });
});

describe('several authorization servers', () => {
  it('serves each at /oauth2/{id} with its own issuer and audience in every token', async () => {
    const origin = new URL(provider.issuer).origin;
    const payrollIssuer = `${origin}/oauth2/aus7xpayroll000000000`;
    expect(provider.issuers.get('aus7xpayroll000000000')).toBe(payrollIssuer);
    const web = seededClient(provider.seed, 'web');
    const config = await discoverFor(payrollIssuer, web);
    expect(config.serverMetadata().token_endpoint).toBe(`${payrollIssuer}/v1/token`);
    const carol = seededUser(provider.seed, 'carol.lee');
    const tokens = await signInAndRedeem(config, web.redirect_uris[0] ?? '', carol.id, {
      scope: 'openid payroll:read',
    });
    const at = await verifyJwt(tokens.access_token, payrollIssuer, 'api://payroll');
    expect(at.payload.scp).toEqual(expect.arrayContaining(['openid', 'payroll:read']));
    expect(tokens.claims()?.iss).toBe(payrollIssuer);

    // The default server will not accept the other server's token.
    const userinfo = await fetch(`${provider.issuer}/v1/userinfo`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(userinfo.status).toBe(401);
  });
});

describe('discovery', () => {
  it('has the fields Okta clients read', async () => {
    const document = (await (
      await fetch(`${provider.issuer}/.well-known/openid-configuration`)
    ).json()) as Record<string, unknown>;
    // Only what a seed client can register: no JWT client authentication is advertised.
    const methods = ['client_secret_basic', 'client_secret_post', 'none'];
    expect(document).toMatchObject({
      issuer: provider.issuer,
      authorization_endpoint: `${provider.issuer}/v1/authorize`,
      token_endpoint: `${provider.issuer}/v1/token`,
      userinfo_endpoint: `${provider.issuer}/v1/userinfo`,
      jwks_uri: `${provider.issuer}/v1/keys`,
      end_session_endpoint: `${provider.issuer}/v1/logout`,
      introspection_endpoint: `${provider.issuer}/v1/introspect`,
      revocation_endpoint: `${provider.issuer}/v1/revoke`,
      device_authorization_endpoint: `${provider.issuer}/v1/device/authorize`,
      pushed_authorization_request_endpoint: `${provider.issuer}/v1/par`,
      token_endpoint_auth_methods_supported: [
        'client_secret_basic',
        'client_secret_post',
        'private_key_jwt',
        'none',
      ],
      introspection_endpoint_auth_methods_supported: methods,
      revocation_endpoint_auth_methods_supported: methods,
      id_token_signing_alg_values_supported: ['RS256'],
      code_challenge_methods_supported: ['S256'],
      subject_types_supported: ['public'],
    });
    expect(document.claims_supported).toEqual(
      expect.arrayContaining(['ver', 'idp', 'amr', 'auth_time', 'preferred_username', 'groups']),
    );
    expect(document.scopes_supported).toEqual(
      expect.arrayContaining(['openid', 'profile', 'email', 'offline_access', 'groups']),
    );
    expect(document.response_types_supported).toEqual(
      expect.arrayContaining(['code', 'id_token', 'code id_token']),
    );
    expect(document.grant_types_supported).toEqual(
      expect.arrayContaining([
        'authorization_code',
        'implicit',
        'refresh_token',
        'client_credentials',
      ]),
    );

    const oauth = (await (
      await fetch(`${provider.issuer}/.well-known/oauth-authorization-server`)
    ).json()) as Record<string, unknown>;
    expect(oauth.issuer).toBe(provider.issuer);
    expect(oauth).not.toHaveProperty('userinfo_endpoint');
    expect(oauth.claims_supported).toEqual(expect.arrayContaining(['cid', 'uid', 'scp']));
  });
});

describe('the issuer check', () => {
  it('shows the exact issuer, and warns when the request came in on another host', async () => {
    const matching = await new Browser().open(`${provider.issuer}/debug`);
    expect(matching.status).toBe(200);
    expect(matching.body).toContain(`<code>${provider.issuer}</code>`);
    expect(matching.body).toContain(`${provider.issuer}/.well-known/openid-configuration`);
    expect(matching.body).not.toContain('role="alert"');

    const viaIp = await new Browser().open(`${provider.url}/oauth2/default/debug`);
    expect(viaIp.body).toContain('role="alert"');
    expect(viaIp.body).toContain(`<code>${provider.url}</code>`);

    const json = await fetch(`${provider.url}/oauth2/default/debug`, {
      headers: { accept: 'application/json' },
    });
    expect(await json.json()).toMatchObject({
      issuer: provider.issuer,
      issuerMatchesRequest: false,
    });
  });
});
