/** The Okta steps that reshape what the provider says, each on a canned provider answer. */
import type { Middleware } from 'koa';
import { describe, expect, it } from 'vitest';
import { createAccountStore } from '../../../../provider/oidc/accounts.js';
import { createAccessTokenCustomizer } from '../../../../provider/okta/server/access-token-claims.js';
import { groupsClaim } from '../../../../provider/okta/server/token-claims.js';
import { deviceAuthorizationInterval } from '../../../../provider/okta/server/device-authorization.js';
import { oktaDiscovery } from '../../../../provider/okta/server/discovery.js';
import {
  injectedConsentParam,
  offlineAccessWithoutConsent,
  onlyInjectedConsent,
} from '../../../../provider/okta/server/offline-access.js';
import { RevokedTokens } from '../../../../provider/store/revoked-tokens.js';
import {
  authorizationServerPath,
  pathFor,
  providerPaths,
} from '../../../../provider/okta/server/route-table.js';
import { loadSeed } from '../../../../seed/load.js';
import { callMiddleware } from '../../../helpers/koa.js';

const provider =
  (body: Record<string, unknown>): Middleware =>
  (ctx) => {
    ctx.body = body;
  };

describe('discovery', () => {
  it('advertises what Okta does and what the seed can register', async () => {
    const answer = await callMiddleware([
      oktaDiscovery('openid'),
      provider({ issuer: 'x', userinfo_endpoint: 'u', claims_supported: ['custom'] }),
    ]);
    const document = answer.json() as Record<string, unknown>;
    expect(document.token_endpoint_auth_methods_supported).toEqual([
      'client_secret_basic',
      'client_secret_post',
      'private_key_jwt',
      'none',
    ]);
    expect(document.introspection_endpoint_auth_methods_supported).toEqual([
      'client_secret_basic',
      'client_secret_post',
      'none',
    ]);
    expect(document.code_challenge_methods_supported).toEqual(['S256']);
    expect(document.claims_supported).toEqual(expect.arrayContaining(['ver', 'idp', 'custom']));
    expect(document.userinfo_endpoint).toBe('u');
  });

  it('leaves userinfo out of the OAuth metadata, and access-token claims in', async () => {
    const answer = await callMiddleware([
      oktaDiscovery('oauth'),
      provider({ userinfo_endpoint: 'u' }),
    ]);
    const document = answer.json() as Record<string, unknown>;
    expect(document).not.toHaveProperty('userinfo_endpoint');
    expect(document.claims_supported).toEqual(expect.arrayContaining(['cid', 'uid', 'scp']));
  });
});

describe('the device authorization response', () => {
  it('always states the polling interval', async () => {
    const answer = await callMiddleware([
      deviceAuthorizationInterval,
      provider({ user_code: 'X' }),
    ]);
    expect(answer.json()).toEqual({ user_code: 'X', interval: 5 });
  });
});

describe('offline_access', () => {
  const seen: Middleware = (ctx) => {
    ctx.body = Object.fromEntries(new URLSearchParams(ctx.querystring));
  };

  it('asks the provider for consent, marked as ours, so a refresh token is issued', async () => {
    const answer = await callMiddleware([offlineAccessWithoutConsent, seen], {
      path: '/?scope=openid%20offline_access&prompt=login',
    });
    expect(answer.json()).toMatchObject({ prompt: 'login consent', [injectedConsentParam]: '1' });
  });

  it('leaves prompt=none, an explicit consent and other scopes alone', async () => {
    for (const query of [
      'scope=openid%20offline_access&prompt=none',
      'scope=openid%20offline_access&prompt=consent',
      'scope=openid%20profile',
    ]) {
      const answer = await callMiddleware([offlineAccessWithoutConsent, seen], {
        path: `/?${query}`,
      });
      expect(answer.json(), query).not.toHaveProperty(injectedConsentParam);
    }
  });

  it('tells a consent only it asked for from one the client asked for', () => {
    const ours = { [injectedConsentParam]: '1' };
    expect(onlyInjectedConsent(ours, ['consent_prompt'])).toBe(true);
    expect(onlyInjectedConsent(ours, ['consent_prompt', 'op_scopes_missing'])).toBe(false);
    expect(onlyInjectedConsent({}, ['consent_prompt'])).toBe(false);
  });
});

describe('JWT access token claims', () => {
  it("reshape oidc-provider's token into Okta's", async () => {
    const seed = await loadSeed();
    const user = seed.users[0];
    if (!user) throw new Error('the default seed has users');
    const server = seed.authorizationServers[0];
    if (!server) throw new Error('the default seed has a server');
    const customize = createAccessTokenCustomizer(createAccountStore(seed, 0), groupsClaim(server));
    const jwt = {
      header: { alg: 'RS256', typ: 'at+jwt' },
      payload: { scope: 'openid email', client_id: 'client', sub: user.id } as Record<
        string,
        unknown
      >,
    };
    customize({} as never, { accountId: user.id, authTime: 123 } as never, jwt);
    expect(jwt.header.typ).toBeUndefined();
    expect(jwt.payload).toMatchObject({
      ver: 1,
      cid: 'client',
      uid: user.id,
      sub: user.login,
      scp: ['openid', 'email'],
      auth_time: 123,
      groups: ['Everyone', ...user.groups],
    });
    expect(jwt.payload).not.toHaveProperty('scope');
    expect(jwt.payload).not.toHaveProperty('client_id');
  });
});

describe('revoked JWT access tokens', () => {
  it('are remembered until they expire, and a revoked grant revokes what it issued', async () => {
    const revoked = new RevokedTokens();
    const now = Math.floor(Date.now() / 1000);
    await revoked.revoke('a', now + 60);
    await revoked.revoke('old', now - 1);
    expect(await revoked.has('a')).toBe(true);
    // Sweeping happens on the next revocation; the expired one is gone then.
    await revoked.revoke('b', now + 60);
    expect(await revoked.has('old')).toBe(false);
    expect(await revoked.has('unknown')).toBe(false);

    await revoked.issued('g1', 'from-g1', now + 60);
    await revoked.issued('g2', 'from-g2', now + 60);
    await revoked.revokeGrant('g1');
    expect(await revoked.has('from-g1')).toBe(true);
    expect(await revoked.has('from-g2')).toBe(false);
  });
});

describe('the route table', () => {
  it("spells Okta's paths and builds interaction URLs with the id encoded", () => {
    expect(providerPaths.authorization).toBe('/v1/authorize');
    expect(providerPaths.jwks).toBe('/v1/keys');
    expect(authorizationServerPath('default')).toBe('/oauth2/default');
    expect(pathFor('interaction.login', { uid: 'a/b' })).toBe('/interaction/a%2Fb/login');
    expect(pathFor('debug')).toBe('/debug');
  });
});
