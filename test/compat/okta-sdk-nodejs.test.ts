/**
 * Okta's Management API as @okta/okta-sdk-nodejs 7 uses it, unmodified, pointed at Understudy
 * by orgUrl and credentials only: an API token (SSWS), and a service app signing in at the
 * org authorization server with private_key_jwt (PrivateKey mode). What it changes is what
 * the login page, /api/v1/authn and the next tokens see.
 */
import { generateKeyPairSync } from 'node:crypto';
import okta from '@okta/okta-sdk-nodejs';
import { decodeJwt } from 'jose';
import type * as client from 'openid-client';
import { beforeAll, describe, expect, it } from 'vitest';
import { headlessLogin } from '../../provider/testkit/headless-login.js';
import { seededClient, seedWith, useTestProvider } from '../helpers/provider.js';
import { discoverFor, signInWithPassword } from '../helpers/relying-party.js';

const apiToken = 'test-api-token-0123456789abcdef';
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const servicePem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();

const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'service-key', alg: 'RS256' };
const provider = useTestProvider(async () => ({
  seed: await seedWith((base) => ({
    apiTokens: [{ name: 'tests', token: apiToken, user: 'grace.li@task-vantage.com' }],
    clients: [
      ...base.clients,
      {
        client_id: 'reporting-service',
        client_name: 'Reporting service (reads users, manages groups)',
        token_endpoint_auth_method: 'private_key_jwt',
        grant_types: ['client_credentials'],
        jwks: { keys: [jwk] },
        oktaApiScopes: ['okta.users.read', 'okta.users.manage', 'okta.groups.manage'],
      },
      {
        client_id: 'directory-sync',
        client_name: 'Directory sync (manages users and groups)',
        token_endpoint_auth_method: 'private_key_jwt',
        grant_types: ['client_credentials'],
        jwks: { keys: [jwk] },
        oktaApiScopes: [
          'okta.users.read',
          'okta.users.manage',
          'okta.groups.read',
          'okta.groups.manage',
        ],
      },
    ],
  })),
  control: true,
}));
let orgUrl: string;
let web: ReturnType<typeof seededClient>;
let webConfig: client.Configuration;

beforeAll(async () => {
  orgUrl = new URL(provider.issuer).origin;
  web = seededClient(provider.seed, 'web');
  webConfig = await discoverFor(provider.issuer, web);
});

/** Every item, through the SDK's own iterator, which follows the `next` links. */
const all = async <T>(collection: AsyncIterable<T | null>): Promise<T[]> => {
  const items: T[] = [];
  for await (const item of collection) if (item !== null) items.push(item);
  return items;
};
const apiError = async (call: Promise<unknown>) => {
  try {
    await call;
  } catch (error) {
    return error as okta.OktaApiError;
  }
  throw new Error('expected the call to fail');
};
const profile = (name: string) => ({
  firstName: name,
  lastName: 'Tester',
  email: `${name.toLowerCase()}@example.com`,
  login: `${name.toLowerCase()}@example.com`,
});
const signIn = (username: string, password: string) =>
  signInWithPassword(
    webConfig,
    web.redirect_uris[0] ?? '',
    { username, password },
    {
      scope: 'openid profile email groups',
    },
  );
const authn = (username: string, password: string) =>
  fetch(`${orgUrl}/api/v1/authn`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ username, password }),
  });

// The same calls, with an API token and as a service app of the org authorization server.
const modes = [
  {
    mode: 'an API token (SSWS)',
    client: () => new okta.Client({ orgUrl, token: apiToken }),
    me: 'grace.li@task-vantage.com',
  },
  {
    mode: 'a private_key_jwt service app (PrivateKey)',
    client: () =>
      new okta.Client({
        orgUrl,
        authorizationMode: 'PrivateKey',
        clientId: 'directory-sync',
        scopes: ['okta.users.read', 'okta.users.manage', 'okta.groups.read', 'okta.groups.manage'],
        privateKey: servicePem,
        keyId: 'service-key',
      }),
    // A service app is no user: it has no `me`.
    me: undefined,
  },
];

describe.each(modes)('okta-sdk-nodejs with $mode', ({ client: makeClient, me: expectedMe }) => {
  let sdk: okta.Client;
  beforeAll(async () => {
    await provider.control?.reset();
    sdk = makeClient();
  });

  it('creates users with and without a password, with groupIds, and staged', async () => {
    const group = await sdk.groupApi.createGroup({
      group: { profile: { name: 'Auditors', description: 'Reads the books' } },
    });
    expect(group.id).toMatch(/^00g[A-Za-z0-9]{17}$/);
    expect(group.type).toBe('OKTA_GROUP');

    const ada = await sdk.userApi.createUser({
      body: {
        profile: { ...profile('Ada'), mobilePhone: '+1 555 0100' },
        credentials: { password: { value: 'Analytical-Engine-1' } },
        groupIds: [group.id ?? ''],
      },
    });
    expect(ada.id).toMatch(/^00u[A-Za-z0-9]{17}$/);
    expect(ada.status).toBe('ACTIVE');
    expect(ada.profile?.mobilePhone).toBe('+1 555 0100');
    expect(ada.credentials?.provider).toMatchObject({ type: 'OKTA', name: 'OKTA' });
    expect(JSON.stringify(ada)).not.toContain('Analytical-Engine-1');
    expect(ada._links?.suspend).toBeDefined();

    const bob = await sdk.userApi.createUser({ body: { profile: profile('Bob') } });
    expect(bob.status).toBe('PROVISIONED');
    const cy = await sdk.userApi.createUser({ body: { profile: profile('Cy') }, activate: false });
    expect(cy.status).toBe('STAGED');
    expect(cy.activated).toBeNull();

    const groups = await all(await sdk.userApi.listUserGroups({ userId: ada.id ?? '' }));
    expect(groups.map((g) => g.profile?.name).sort()).toEqual(['Auditors', 'Everyone']);
    expect(groups.find((g) => g.profile?.name === 'Everyone')?.type).toBe('BUILT_IN');
  });

  it('gets a user by id, by login and as me', async () => {
    const byLogin = await sdk.userApi.getUser({ userId: 'ada@example.com' });
    const byId = await sdk.userApi.getUser({ userId: byLogin.id ?? '' });
    expect(byId.profile?.login).toBe('ada@example.com');
    if (expectedMe) {
      const me = await sdk.userApi.getUser({ userId: 'me' });
      expect(me.profile?.login).toBe(expectedMe);
    } else {
      const me = await apiError(sdk.userApi.getUser({ userId: 'me' }));
      expect([me.status, me.errorCode]).toEqual([404, 'E0000007']);
    }
  });

  it('lists with q, filter and search across pages, following the next links', async () => {
    for (const name of ['Pageone', 'Pagetwo', 'Pagethree', 'Pagefour', 'Pagefive']) {
      await sdk.userApi.createUser({ body: { profile: profile(name) } });
    }
    const byQ = await all(await sdk.userApi.listUsers({ q: 'page', limit: 2 }));
    expect(byQ.map((user) => user.profile?.firstName).sort()).toEqual([
      'Pagefive',
      'Pagefour',
      'Pageone',
      'Pagethree',
      'Pagetwo',
    ]);
    const provisioned = await all(
      await sdk.userApi.listUsers({ filter: 'status eq "PROVISIONED"', limit: 2 }),
    );
    expect(provisioned.map((user) => user.profile?.firstName).sort()).toEqual([
      'Bob',
      'Pagefive',
      'Pagefour',
      'Pageone',
      'Pagethree',
      'Pagetwo',
    ]);
    const searched = await all(
      await sdk.userApi.listUsers({
        search:
          'profile.lastName eq "Tester" and (profile.firstName sw "Ad" or profile.mobilePhone pr)',
        limit: 1,
      }),
    );
    expect(searched.map((user) => user.profile?.login)).toEqual(['ada@example.com']);

    // The wire: a self link on every page, a next link on all but the last.
    const first = await fetch(`${orgUrl}/api/v1/users?q=page&limit=2`, {
      headers: { authorization: `SSWS ${apiToken}`, accept: 'application/json' },
    });
    expect(first.headers.get('x-okta-request-id')).toMatch(/\S{10,}/);
    const links = first.headers.get('link') ?? '';
    expect(links).toContain('rel="self"');
    const next = /<([^>]+)>; rel="next"/.exec(links)?.[1];
    expect(next).toContain('after=');
    let url: string | undefined = next;
    let pages = 1;
    while (url) {
      const answer = await fetch(url, { headers: { authorization: `SSWS ${apiToken}` } });
      pages += 1;
      url = /<([^>]+)>; rel="next"/.exec(answer.headers.get('link') ?? '')?.[1];
    }
    expect(pages).toBe(3);
  });

  it('updates partially and replaces, keeping what the SDK sends back read-only', async () => {
    const ada = await sdk.userApi.getUser({ userId: 'ada@example.com' });
    const updated = await sdk.userApi.updateUser({
      userId: ada.id ?? '',
      user: { ...ada, profile: { nickName: 'Countess' } },
    });
    expect(updated.profile?.nickName).toBe('Countess');
    expect(updated.profile?.mobilePhone).toBe('+1 555 0100');
    expect(updated.status).toBe('ACTIVE');
    expect(updated.id).toBe(ada.id);

    const bob = await sdk.userApi.getUser({ userId: 'bob@example.com' });
    const replaced = await sdk.userApi.replaceUser({
      userId: bob.id ?? '',
      user: { profile: { ...profile('Bob'), firstName: 'Robert' } },
    });
    expect(replaced.profile?.firstName).toBe('Robert');
  });

  it('signs the created user in at the login page and /api/v1/authn, with the group in the tokens', async () => {
    const tokens = await signIn('ada@example.com', 'Analytical-Engine-1');
    expect(tokens.claims()?.groups).toEqual(['Everyone', 'Auditors']);
    expect(decodeJwt(tokens.access_token).groups).toEqual(['Everyone', 'Auditors']);
    const answer = await authn('ada@example.com', 'Analytical-Engine-1');
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as { status: string }).status).toBe('SUCCESS');

    const ada = await sdk.userApi.getUser({ userId: 'ada@example.com' });
    expect(ada.lastLogin).toBeInstanceOf(Date);

    // A membership change shows in the next token.
    const marketing = (await all(await sdk.groupApi.listGroups({ q: 'market' })))[0];
    expect(marketing?.profile?.name).toBe('marketing');
    await sdk.groupApi.assignUserToGroup({ groupId: marketing?.id ?? '', userId: ada.id ?? '' });
    const after = await signIn('ada@example.com', 'Analytical-Engine-1');
    expect((after.claims()?.groups as string[]).sort()).toEqual([
      'Auditors',
      'Everyone',
      'marketing',
    ]);
    const members = await all(await sdk.groupApi.listGroupUsers({ groupId: marketing?.id ?? '' }));
    expect(members.map((user) => user.profile?.login)).toContain('ada@example.com');
    await sdk.groupApi.unassignUserFromGroup({
      groupId: marketing?.id ?? '',
      userId: ada.id ?? '',
    });
    const again = await signIn('ada@example.com', 'Analytical-Engine-1');
    expect(again.claims()?.groups).toEqual(['Everyone', 'Auditors']);
  });

  it('runs the lifecycle by Okta rules, and a suspended user cannot sign in', async () => {
    const ada = await sdk.userApi.getUser({ userId: 'ada@example.com' });
    const userId = ada.id ?? '';
    await sdk.userApi.suspendUser({ userId });
    expect((await sdk.userApi.getUser({ userId })).status).toBe('SUSPENDED');
    expect((await authn('ada@example.com', 'Analytical-Engine-1')).status).toBe(401);
    await expect(signIn('ada@example.com', 'Analytical-Engine-1')).rejects.toThrow();
    const twice = await apiError(sdk.userApi.suspendUser({ userId }));
    expect([twice.status, twice.errorCode]).toEqual([403, 'E0000038']);
    await sdk.userApi.unsuspendUser({ userId });
    expect((await authn('ada@example.com', 'Analytical-Engine-1')).status).toBe(200);

    const active = await apiError(sdk.userApi.activateUser({ userId, sendEmail: false }));
    expect([active.status, active.errorCode]).toEqual([403, 'E0000016']);
    const cy = await sdk.userApi.getUser({ userId: 'cy@example.com' });
    const activation = await sdk.userApi.activateUser({ userId: cy.id ?? '', sendEmail: false });
    expect(activation.activationToken).toMatch(/^[A-Za-z0-9]{20}$/);
    expect(activation.activationUrl).toContain(activation.activationToken);
    expect((await sdk.userApi.getUser({ userId: cy.id ?? '' })).status).toBe('PROVISIONED');

    await sdk.userApi.expirePassword({ userId });
    expect((await sdk.userApi.getUser({ userId })).status).toBe('PASSWORD_EXPIRED');
    await sdk.userApi.deactivateUser({ userId });
    expect((await sdk.userApi.getUser({ userId })).status).toBe('DEPROVISIONED');
    await sdk.userApi.activateUser({ userId, sendEmail: true });
    expect((await sdk.userApi.getUser({ userId })).status).toBe('ACTIVE');
    const unlock = await apiError(sdk.userApi.unlockUser({ userId }));
    expect(unlock.errorCode).toBe('E0000038');
  });

  it('does group CRUD and leaves Everyone alone', async () => {
    const created = await sdk.groupApi.createGroup({ group: { profile: { name: 'Temp crew' } } });
    const id = created.id ?? '';
    expect((await sdk.groupApi.getGroup({ groupId: id })).profile?.name).toBe('Temp crew');
    const renamed = await sdk.groupApi.replaceGroup({
      groupId: id,
      group: { profile: { name: 'Night crew', description: 'After hours' } },
    });
    expect(renamed.profile).toMatchObject({ name: 'Night crew', description: 'After hours' });
    const bob = await sdk.userApi.getUser({ userId: 'bob@example.com' });
    await sdk.groupApi.assignUserToGroup({ groupId: id, userId: bob.id ?? '' });
    const listed = await all(await sdk.groupApi.listGroups({ search: 'profile.name sw "Night"' }));
    expect(listed.map((group) => group.id)).toEqual([id]);
    await sdk.groupApi.deleteGroup({ groupId: id });
    const gone = await apiError(sdk.groupApi.getGroup({ groupId: id }));
    expect([gone.status, gone.errorCode]).toEqual([404, 'E0000007']);
    const bobGroups = await all(await sdk.userApi.listUserGroups({ userId: bob.id ?? '' }));
    expect(bobGroups.map((group) => group.profile?.name)).toEqual(['Everyone']);

    const everyone = (await all(await sdk.groupApi.listGroups({ q: 'Every' })))[0];
    expect(everyone?.type).toBe('BUILT_IN');
    const members = await all(await sdk.groupApi.listGroupUsers({ groupId: everyone?.id ?? '' }));
    expect(members.length).toBe(provider.seed.users.length + 8);
    const locked = await apiError(sdk.groupApi.deleteGroup({ groupId: everyone?.id ?? '' }));
    expect([locked.status, locked.errorCode]).toEqual([403, 'E0000006']);
  });

  it('deletes a user in two steps', async () => {
    const bob = await sdk.userApi.getUser({ userId: 'bob@example.com' });
    await sdk.userApi.deleteUser({ userId: bob.id ?? '' });
    expect((await sdk.userApi.getUser({ userId: bob.id ?? '' })).status).toBe('DEPROVISIONED');
    const plain = await all(await sdk.userApi.listUsers({}));
    expect(plain.map((user) => user.id)).not.toContain(bob.id);
    await sdk.userApi.deleteUser({ userId: bob.id ?? '' });
    const gone = await apiError(sdk.userApi.getUser({ userId: bob.id ?? '' }));
    expect([gone.status, gone.errorCode]).toEqual([404, 'E0000007']);
  });

  it("answers the SDK's errors with Okta's fields", async () => {
    const duplicate = await apiError(sdk.userApi.createUser({ body: { profile: profile('Ada') } }));
    expect(duplicate).toBeInstanceOf(okta.OktaApiError);
    expect(duplicate.status).toBe(400);
    expect(duplicate.errorCode).toBe('E0000001');
    expect(duplicate.errorSummary).toBe('Api validation failed: login');
    expect(duplicate.errorCauses).toEqual([
      {
        errorSummary: 'login: An object with this field already exists in the current organization',
      },
    ]);
    expect(duplicate.errorId).toMatch(/\S/);

    const missing = await apiError(sdk.userApi.getUser({ userId: 'nobody@example.com' }));
    expect([missing.status, missing.errorCode, missing.errorSummary]).toEqual([
      404,
      'E0000007',
      'Not found: Resource not found: nobody@example.com (User)',
    ]);

    const stranger = new okta.Client({ orgUrl, token: 'not-a-token-we-know-of-at-all' });
    const bad = await apiError(stranger.userApi.getUser({ userId: 'me' }));
    expect([bad.status, bad.errorCode, bad.errorSummary]).toEqual([
      401,
      'E0000011',
      'Invalid token provided',
    ]);

    const blank = await apiError(
      sdk.userApi.createUser({ body: { profile: { firstName: 'No', lastName: 'Login' } } }),
    );
    expect(blank.errorCode).toBe('E0000001');
    expect(blank.errorCauses?.map((cause) => cause.errorSummary)).toContain(
      'login: The field cannot be left blank',
    );
  });
});

describe('the Management API on the wire', () => {
  const call = (path: string, init: RequestInit = {}) =>
    fetch(`${orgUrl}${path}`, {
      ...init,
      headers: { authorization: `SSWS ${apiToken}`, accept: 'application/json', ...init.headers },
    });

  it('refuses bad input with a 400 that names it, never a 500', async () => {
    const filter = await call(`/api/v1/users?filter=${encodeURIComponent('status sw "A"')}`);
    expect(filter.status).toBe(400);
    expect(await filter.json()).toMatchObject({
      errorCode: 'E0000031',
      errorCauses: [{ errorSummary: 'the operator sw is not supported here' }],
    });
    const search = await call(`/api/v1/users?search=${encodeURIComponent('profile.login eq')}`);
    expect(search.status).toBe(400);
    const limit = await call('/api/v1/users?limit=-3');
    expect(await limit.json()).toMatchObject({
      errorCode: 'E0000001',
      errorSummary: 'Api validation failed: limit',
    });
    const notJson = await call('/api/v1/users', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"profile":',
    });
    expect(notJson.status).toBe(400);
    const big = await call('/api/v1/users', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ profile: { ...profile('Huge'), bio: 'x'.repeat(100_000) } }),
    });
    expect(big.status).toBe(413);
    const email = await call('/api/v1/users', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ profile: { ...profile('Mail'), email: 'not-an-email' } }),
    });
    expect(await email.json()).toMatchObject({
      errorCode: 'E0000001',
      errorCauses: [{ errorSummary: 'email: Does not match required pattern' }],
    });
  });

  it('answers odd paths and deep attributes with a 4xx, not a 500', async () => {
    for (const operation of ['valueOf', '__proto__', 'constructor', 'toString']) {
      const answer = await call(`/api/v1/users/me/lifecycle/${operation}`, { method: 'POST' });
      expect(answer.status, operation).toBe(404);
    }
    // Written by hand: JSON.stringify itself would overflow on it.
    const deep = `${'['.repeat(5_000)}"x"${']'.repeat(5_000)}`;
    const nested = await call('/api/v1/users', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"profile":${JSON.stringify(profile('Deep')).slice(0, -1)},"nest":${deep}}}`,
    });
    expect(nested.status).toBe(400);
    expect(await nested.json()).toMatchObject({
      errorCauses: [{ errorSummary: 'nest: nests deeper than 4 levels' }],
    });
    const typed = await call(`/api/v1/groups?filter=${encodeURIComponent('type eq "BUILT_IN"')}`);
    expect(
      ((await typed.json()) as { profile: { name: string } }[]).map((g) => g.profile.name),
    ).toEqual(['Everyone']);
  });

  it('says which routes it does not emulate, and asks for credentials', async () => {
    const factors = await call('/api/v1/users/me/factors');
    expect(factors.status).toBe(404);
    expect(((await factors.json()) as { errorSummary: string }).errorSummary).toContain(
      'does not emulate',
    );
    const anonymous = await fetch(`${orgUrl}/api/v1/users`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ errorCode: 'E0000004' });
  });

  it('goes back to the seed on the control API reset', async () => {
    await provider.control?.reset();
    const sdk = new okta.Client({ orgUrl, token: apiToken });
    const users = await all(await sdk.userApi.listUsers({}));
    expect(users.length).toBe(provider.seed.users.length);
  });
});

describe('okta-sdk-nodejs as a service app (PrivateKey mode, org authorization server)', () => {
  it('discovers the org authorization server at the origin', async () => {
    const document = (await (
      await fetch(`${orgUrl}/.well-known/openid-configuration`)
    ).json()) as Record<string, unknown>;
    expect(document).toMatchObject({
      issuer: provider.issuer.replace('/oauth2/default', ''),
      token_endpoint: `${provider.issuer.replace('/oauth2/default', '')}/oauth2/v1/token`,
      jwks_uri: `${provider.issuer.replace('/oauth2/default', '')}/oauth2/v1/keys`,
    });
    expect(document.scopes_supported).toEqual(
      expect.arrayContaining(['okta.users.read', 'okta.groups.manage']),
    );
    expect(document.token_endpoint_auth_methods_supported).toContain('private_key_jwt');
  });

  it('grants the Okta API scopes only to the apps the seed grants them', async () => {
    const service = seededClient(provider.seed, 'service');
    const answer = await fetch(`${orgUrl}/oauth2/v1/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${service.client_id}:${service.client_secret}`).toString('base64')}`,
      },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'okta.users.manage' }),
    });
    expect(answer.status).toBe(400);
    expect(((await answer.json()) as { error: string }).error).toBe('invalid_scope');
    const groupsReader = new okta.Client({
      orgUrl,
      authorizationMode: 'PrivateKey',
      clientId: 'reporting-service',
      scopes: ['okta.groups.read', 'okta.users.read'],
      privateKey: servicePem,
      keyId: 'service-key',
    });
    // The token endpoint refuses okta.groups.read; the SDK goes on without a token.
    const refused = await apiError(
      groupsReader.groupApi.listGroups({}).then(async (groups) => all(groups)),
    );
    expect(refused.status).toBe(401);
  });

  it('signs users in at the org authorization server too, with tokens for the org', async () => {
    const { tokens } = await headlessLogin(
      { issuer: orgUrl, seed: provider.seed },
      { user: 'carol.lee@task-vantage.com' },
    );
    expect(decodeJwt(tokens.access_token)).toMatchObject({ iss: orgUrl, aud: orgUrl });
    const userinfo = await fetch(`${orgUrl}/oauth2/v1/userinfo`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(((await userinfo.json()) as { email: string }).email).toBe('carol.lee@task-vantage.com');
    // Without an okta.* scope, the token opens no Management API route.
    const me = await fetch(`${orgUrl}/api/v1/users/me`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(me.status).toBe(403);
  });

  it('reads and manages with the scopes it was granted, and is refused the rest', async () => {
    const service = new okta.Client({
      orgUrl,
      authorizationMode: 'PrivateKey',
      clientId: 'reporting-service',
      scopes: ['okta.users.read', 'okta.groups.manage'],
      privateKey: servicePem,
      keyId: 'service-key',
    });
    const users = await all(await service.userApi.listUsers({ limit: 2 }));
    expect(users.length).toBe(provider.seed.users.length);
    const group = await service.groupApi.createGroup({ group: { profile: { name: 'Reports' } } });
    expect(group.profile?.name).toBe('Reports');
    const refused = await apiError(
      service.userApi.createUser({ body: { profile: profile('Eve') } }),
    );
    expect([refused.status, refused.errorCode]).toEqual([403, 'E0000006']);
    expect(refused.errorCauses?.[0]?.errorSummary).toContain('okta.users.manage');

    const manager = new okta.Client({
      orgUrl,
      authorizationMode: 'PrivateKey',
      clientId: 'reporting-service',
      scopes: ['okta.users.manage'],
      privateKey: servicePem,
      keyId: 'service-key',
    });
    const eve = await manager.userApi.createUser({
      body: { profile: profile('Eve'), credentials: { password: { value: 'Eve-password-1' } } },
    });
    expect(eve.status).toBe('ACTIVE');
    const tokens = await signIn('eve@example.com', 'Eve-password-1');
    expect(tokens.claims()?.sub).toBe(eve.id);
  });
});
