/**
 * Okta's own Node libraries, unmodified, against Understudy over HTTPS: the apps get the
 * issuer, client id and secret from the environment, and trust the local CA through
 * NODE_EXTRA_CA_CERTS alone (no testing flag that would relax their https check).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, formPostingTo, userPicker } from '../helpers/browser.js';
import {
  type ChildApp,
  compatApp,
  freePort,
  runChildScript,
  startChildApp,
} from '../helpers/child-app.js';
import { isActive } from '../helpers/introspect.js';
import {
  seededClient,
  seededUser,
  seedWithClients,
  useTestProvider,
  yourAppClientOn,
} from '../helpers/provider.js';

let middlewareClient: Awaited<ReturnType<typeof yourAppClientOn>>;
let appPort: number;

beforeAll(async () => {
  appPort = await freePort();
  middlewareClient = await yourAppClientOn(appPort, '0oaMiddlewareApp0000');
});
const provider = useTestProvider(async () => ({
  seed: await seedWithClients([middlewareClient]),
  https: true,
}));
beforeAll(() => {
  expect(provider.issuer).toMatch(/^https:\/\/localhost:\d+\/oauth2\/default$/);
});

const oktaEnv = (clientId: string, clientSecret = '') => ({
  OKTA_OAUTH2_ISSUER: provider.issuer,
  OKTA_OAUTH2_CLIENT_ID: clientId,
  OKTA_OAUTH2_CLIENT_SECRET: clientSecret,
});

describe('@okta/jwt-verifier', () => {
  it('verifies access and ID tokens over HTTPS with only NODE_EXTRA_CA_CERTS', async () => {
    const web = seededClient(provider.seed, 'web');
    const carol = seededUser(provider.seed, 'carol.lee');
    const { tokens, nonce } = await provider.login({ user: carol.id, client: web.client_id });
    const env = {
      ...oktaEnv(web.client_id),
      ACCESS_TOKEN: tokens.access_token,
      ID_TOKEN: tokens.id_token ?? '',
      NONCE: nonce,
    };

    const results = JSON.parse(await runChildScript(compatApp('okta-jwt-verifier'), env));
    expect(results.accessToken).toMatchObject({
      ok: true,
      claims: { cid: web.client_id, uid: carol.id, sub: carol.login, aud: 'api://default' },
    });
    expect(results.idToken).toMatchObject({
      ok: true,
      claims: { sub: carol.id, aud: web.client_id },
    });
    expect(results.wrongAudience.ok).toBe(false);

    // The same script without the CA: the HTTPS check is real.
    const untrusted = JSON.parse(
      await runChildScript(compatApp('okta-jwt-verifier'), { ...env, NODE_EXTRA_CA_CERTS: '' }),
    );
    expect(untrusted.accessToken.ok).toBe(false);
  });
});

describe('@okta/oidc-middleware', () => {
  let app: ChildApp;
  beforeAll(async () => {
    app = await startChildApp(
      compatApp('okta-oidc-middleware'),
      oktaEnv(middlewareClient.client_id, middlewareClient.client_secret ?? ''),
      appPort,
    );
  });
  afterAll(() => app.stop());

  it('logs in, gets userinfo and a refresh token, and logs out with both tokens revoked', async () => {
    const browser = new Browser();
    const login = await browser.open(`${app.url}/login`);
    expect(login.url.startsWith(`${provider.issuer}/interaction/`)).toBe(true);
    const grace = seededUser(provider.seed, 'grace.li');
    const home = await browser.submit(userPicker(login), { user_id: grace.id });
    expect(home.url).toBe(`${app.url}/`);
    const signedIn = JSON.parse(home.body);
    expect(signedIn.userinfo).toMatchObject({
      sub: grace.id,
      email: grace.email,
      preferred_username: grace.login,
      name: 'Grace Li',
      groups: ['Everyone', 'legal'],
    });
    const { access_token, refresh_token } = signedIn.tokens;
    expect(refresh_token).toBeTruthy();
    const introspect = (token: string) => isActive(provider.issuer, middlewareClient, token);
    expect(await introspect(access_token)).toBe(true);
    expect(await introspect(refresh_token)).toBe(true);

    const loggedOut = await browser.submit({
      action: `${app.url}/logout`,
      method: 'post',
      fields: {},
      buttons: [],
    });
    expect(loggedOut.url).toBe(`${app.url}/`);
    const after = JSON.parse(loggedOut.body);
    expect(after.userinfo).toBeNull();
    expect(after.errors).toEqual([]);
    expect(app.output()).not.toContain('oidc error');
    expect(await introspect(access_token)).toBe(false);
    expect(await introspect(refresh_token)).toBe(false);

    // The provider session ended too: logging in again shows the login page.
    const again = await browser.open(`${app.url}/login`);
    expect(formPostingTo(again, '/login').action).toContain('/interaction/');
  });
});
