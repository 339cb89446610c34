/**
 * Okta's groups claim as an admin configures it on each authorization server: its name, its
 * filter (Everyone matched like any other group) and which tokens carry it. The ID token, the
 * access token, userinfo, introspection, the test kit's minted tokens and the Management API's
 * view of the signed-in session all agree.
 */
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSeed } from '../../seed/load.js';
import type { SeedClient, SeedInput } from '../../seed/schema.js';
import { startUnderstudy, type Understudy } from '../../provider/testkit/index.js';
import { Browser, userPicker } from '../helpers/browser.js';
import { introspect } from '../helpers/introspect.js';
import { verifyJwt } from '../helpers/jwks.js';
import { seededClient, seededUser } from '../helpers/provider.js';
import { buildAuthorizeUrl } from '../helpers/relying-party.js';

const carol = 'carol.lee@task-vantage.com'; // in "finance"
const withGroups = 'openid profile email groups';

/** Each server's claim, and what carol's tokens say under it. */
const servers = [
  {
    id: 'default',
    claim: undefined,
    name: 'groups',
    idToken: ['Everyone', 'finance'],
    accessToken: ['Everyone', 'finance'],
  },
  {
    id: 'starts',
    claim: { filter: { type: 'startsWith', value: 'FIN' } },
    name: 'groups',
    idToken: ['finance'],
    accessToken: ['finance'],
  },
  {
    id: 'equals',
    claim: { filter: { type: 'equals', value: 'everyone' }, include: 'idToken' },
    name: 'groups',
    idToken: ['Everyone'],
    accessToken: undefined,
  },
  {
    id: 'contains',
    claim: { name: 'teams', filter: { type: 'contains', value: 'nan' }, include: 'accessToken' },
    name: 'teams',
    idToken: undefined,
    accessToken: ['finance'],
  },
  {
    id: 'regex',
    claim: { filter: { type: 'regex', value: 'Every|fin.*' } },
    name: 'groups',
    idToken: ['finance'],
    accessToken: ['finance'],
  },
  {
    // The whole name must match, as in Okta: "Every" alone matches no group, so no claim.
    id: 'nothing',
    claim: { filter: { type: 'regex', value: 'Every' } },
    name: 'groups',
    idToken: undefined,
    accessToken: undefined,
  },
] as const;

let understudy: Understudy;
let web: SeedClient;

beforeAll(async () => {
  const base = (await loadSeed()) as unknown as SeedInput;
  const [first] = base.authorizationServers;
  if (!first) throw new Error('the default seed has a server');
  understudy = await startUnderstudy({
    seed: {
      ...base,
      authorizationServers: servers.map(({ id, claim }) =>
        id === 'default'
          ? first
          : { id, audience: `api://${id}`, ...(claim ? { groupsClaim: claim } : {}) },
      ),
    },
  });
  web = seededClient(understudy.seed, 'web');
});
afterAll(() => understudy.close());

const issuerOf = (id: string) => {
  const issuer = understudy.issuers.get(id);
  if (!issuer) throw new Error(`no issuer ${id}`);
  return issuer;
};

async function verified(token: string, id: string, audience: string) {
  return (await verifyJwt(token, issuerOf(id), audience)).payload;
}

describe.each(servers)('the $id server', (server) => {
  it('puts the filtered groups in the tokens, userinfo and introspection it configures', async () => {
    const { tokens } = await understudy.login({
      user: carol,
      client: web.client_id,
      scope: withGroups,
      authorizationServer: server.id,
    });
    const access = await verified(tokens.access_token, server.id, `api://${server.id}`);
    const id = await verified(tokens.id_token ?? '', server.id, web.client_id);
    expect(access[server.name]).toEqual(server.accessToken);
    expect(id[server.name]).toEqual(server.idToken);

    const userinfo = await fetch(`${issuerOf(server.id)}/v1/userinfo`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(((await userinfo.json()) as Record<string, unknown>)[server.name]).toEqual(
      server.idToken,
    );

    const answer = await introspect(issuerOf(server.id), web, tokens.access_token);
    expect(answer.active).toBe(true);
    expect(answer[server.name]).toEqual(server.accessToken);
  });

  it("mints tokens that carry what the server's own tokens carry", async () => {
    const scopes = withGroups.split(' ');
    const options = { user: carol, client: web.client_id, authorizationServer: server.id };
    const { tokens } = await understudy.login({ ...options, scope: withGroups });
    const issuedAccess = decodeJwt(tokens.access_token);
    const issuedId = decodeJwt(tokens.id_token ?? '');
    const mintedAccess = decodeJwt(await understudy.mintAccessToken({ ...options, scopes }));
    const mintedId = decodeJwt(await understudy.mintIdToken({ ...options, scopes }));

    const userClaims = ['sub', 'uid', 'groups', 'teams', 'name', 'email', 'ver', 'idp', 'scp'];
    const pick = (claims: Record<string, unknown>) =>
      Object.fromEntries(userClaims.filter((name) => name in claims).map((n) => [n, claims[n]]));
    expect(pick(mintedAccess)).toEqual(pick(issuedAccess));
    expect(pick(mintedId)).toEqual(pick(issuedId));
    expect(mintedId.preferred_username).toBe(issuedId.preferred_username);
  });
});

describe('without the groups scope', () => {
  it('leaves the claim out of the ID token and userinfo, minted or issued; the access token keeps it', async () => {
    const { tokens } = await understudy.login({ user: carol, scope: 'openid profile email' });
    expect(decodeJwt(tokens.id_token ?? '').groups).toBeUndefined();
    expect(decodeJwt(tokens.access_token).groups).toEqual(['Everyone', 'finance']);
    const userinfo = await fetch(`${understudy.issuer}/v1/userinfo`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(await userinfo.json()).not.toHaveProperty('groups');
    expect(decodeJwt(await understudy.mintIdToken({ user: carol })).groups).toBeUndefined();
    expect(
      decodeJwt(await understudy.mintIdToken({ user: carol, scopes: withGroups.split(' ') }))
        .groups,
    ).toEqual(['Everyone', 'finance']);
  });
});

describe('the signed-in session', () => {
  it("is carol's, and the Management API lists Everyone first among her groups", async () => {
    const browser = new Browser();
    const origin = new URL(understudy.issuer).origin;
    const redirectUri = web.redirect_uris[0];
    if (!redirectUri) throw new Error('the web client has a redirect URI');
    const authorize = buildAuthorizeUrl(understudy.issuer, {
      client_id: web.client_id,
      scope: withGroups,
      redirect_uri: redirectUri,
      state: 'state-1',
      nonce: 'nonce-1',
    });
    const login = await browser.open(authorize.href, redirectUri);
    const carolId = seededUser(understudy.seed, carol).id;
    await browser.submit(userPicker(login), { user_id: carolId }, redirectUri);

    const session = await fetch(`${origin}/api/v1/sessions/me`, {
      headers: {
        accept: 'application/json',
        cookie: await browser.jar.getCookieString(`${origin}/api/v1/sessions/me`),
      },
    });
    const me = (await session.json()) as { userId: string };
    expect(me.userId).toBe(carolId);

    const apiToken = understudy.seed.apiTokens[0]?.token ?? '';
    const groups = await fetch(`${origin}/api/v1/users/${me.userId}/groups`, {
      headers: { authorization: `SSWS ${apiToken}`, accept: 'application/json' },
    });
    const names = ((await groups.json()) as { profile: { name: string } }[]).map(
      (group) => group.profile.name,
    );
    expect(names).toEqual(['Everyone', 'finance']);
  });
});
