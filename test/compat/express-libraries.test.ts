/**
 * Auth0's and the community's Express libraries, unmodified, against Understudy over plain
 * http://localhost, each configured by environment variables only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, findForm, type Page, userPicker } from '../helpers/browser.js';
import { type ChildApp, compatApp, freePort, startChildApp } from '../helpers/child-app.js';
import {
  seededClient,
  seededUser,
  seedWithClients,
  useTestProvider,
  yourAppClientOn,
} from '../helpers/provider.js';

const ports = { eocImplicit: 0, eocCode: 0, passport: 0, api: 0 };
type AppClient = Awaited<ReturnType<typeof yourAppClientOn>>;
let eocImplicitClient: AppClient;
let eocCodeClient: AppClient;
let passportClient: AppClient;

beforeAll(async () => {
  for (const name of Object.keys(ports) as (keyof typeof ports)[]) ports[name] = await freePort();
  eocImplicitClient = await yourAppClientOn(ports.eocImplicit, '0oaExpressOidcImplic');
  eocCodeClient = await yourAppClientOn(ports.eocCode, '0oaExpressOidcCode00');
  passportClient = await yourAppClientOn(ports.passport, '0oaPassportOidcApp00');
});
const provider = useTestProvider(async () => ({
  seed: await seedWithClients([eocImplicitClient, eocCodeClient, passportClient]),
}));

const eocEnv = (port: number, client: AppClient) => ({
  ISSUER_BASE_URL: provider.issuer,
  BASE_URL: `http://localhost:${port}`,
  CLIENT_ID: client.client_id,
  CLIENT_SECRET: client.client_secret ?? '',
  SECRET: 'a-long-random-cookie-secret-for-the-compat-suite',
});

/** Follows the form_post auto-submit page the way a browser's script would. */
async function submitFormPost(browser: Browser, page: Page) {
  return browser.submit(findForm(page, 'form_post', (form) => 'state' in form.fields));
}

describe('express-openid-connect v3', () => {
  let implicitApp: ChildApp;
  let codeApp: ChildApp;
  beforeAll(async () => {
    implicitApp = await startChildApp(
      compatApp('express-openid-connect'),
      eocEnv(ports.eocImplicit, eocImplicitClient),
      ports.eocImplicit,
    );
    codeApp = await startChildApp(
      compatApp('express-openid-connect'),
      { ...eocEnv(ports.eocCode, eocCodeClient), RESPONSE_TYPE: 'code' },
      ports.eocCode,
    );
  });
  afterAll(async () => {
    await implicitApp.stop();
    await codeApp.stop();
  });

  it('logs in with its defaults (implicit id_token, form_post) and logs out at the provider', async () => {
    const browser = new Browser();
    const login = await browser.open(`${implicitApp.url}/login`);
    const alice = seededUser(provider.seed, 'alice.johnson');
    const formPost = await browser.submit(userPicker(login), { user_id: alice.id });
    expect(formPost.body).toContain('id_token');
    const home = await submitFormPost(browser, formPost);
    expect(home.url).toBe(`${implicitApp.url}/`);
    const signedIn = JSON.parse(home.body);
    // With no access token issued, the ID token carries the whole profile, as on Okta.
    expect(signedIn.user).toMatchObject({
      sub: alice.id,
      email: alice.email,
      given_name: 'Alice',
      family_name: 'Johnson',
    });

    const loggedOut = await browser.open(`${implicitApp.url}/logout`);
    expect(loggedOut.url).toBe(`${implicitApp.url}/`);
    expect(JSON.parse(loggedOut.body).user).toBeNull();
    const again = await browser.open(`${implicitApp.url}/login`);
    expect(again.body).toContain('Pick a seeded user');
  });

  it('logs in with response_type=code and reads userinfo', async () => {
    const browser = new Browser();
    const login = await browser.open(`${codeApp.url}/login`);
    const sarah = seededUser(provider.seed, 'sarah.morgan');
    // The code flow answers with a plain redirect to the callback (response_mode=query).
    const home = await browser.submit(userPicker(login), { user_id: sarah.id });
    expect(home.url).toBe(`${codeApp.url}/`);
    const signedIn = JSON.parse(home.body);
    expect(signedIn.user).toMatchObject({ sub: sarah.id, email: sarah.email });
    expect(signedIn.userinfo).toMatchObject({
      sub: sarah.id,
      family_name: 'Morgan',
      groups: ['Everyone', 'hr'],
    });
    expect(signedIn.hasAccessToken).toBe(true);
  });
});

describe('passport-openidconnect', () => {
  let app: ChildApp;
  beforeAll(async () => {
    app = await startChildApp(
      compatApp('passport-openidconnect'),
      {
        OKTA_OAUTH2_ISSUER: provider.issuer,
        OKTA_OAUTH2_CLIENT_ID: passportClient.client_id,
        OKTA_OAUTH2_CLIENT_SECRET: passportClient.client_secret ?? '',
      },
      ports.passport,
    );
  });
  afterAll(() => app.stop());

  it('logs in with the /v1/* URLs and the secret in the body', async () => {
    const browser = new Browser();
    const login = await browser.open(`${app.url}/login`);
    const frank = seededUser(provider.seed, 'frank.wilson');
    const home = await browser.submit(userPicker(login), { user_id: frank.id });
    expect(home.url).toBe(`${app.url}/`);
    const { user } = JSON.parse(home.body);
    expect(user).toMatchObject({
      id: frank.id,
      displayName: 'Frank Wilson',
      username: frank.login,
      emails: [{ value: frank.email }],
    });
  });
});

describe('API protection: express-oauth2-jwt-bearer and express-jwt + jwks-rsa', () => {
  let api: ChildApp;
  beforeAll(async () => {
    api = await startChildApp(
      compatApp('protected-api'),
      { ISSUER_BASE_URL: provider.issuer, AUDIENCE: 'api://default' },
      ports.api,
    );
  });
  afterAll(() => api.stop());

  it("accepts the provider's access tokens and refuses requests without one", async () => {
    const web = seededClient(provider.seed, 'web');
    const hannah = seededUser(provider.seed, 'hannah.smith');
    const { tokens } = await provider.login({ user: hannah.id, client: web.client_id });

    for (const path of ['/oauth2-jwt-bearer', '/express-jwt']) {
      const ok = await fetch(`${api.url}${path}`, {
        headers: { authorization: `Bearer ${tokens.access_token}` },
      });
      expect(ok.status).toBe(200);
      const { claims } = (await ok.json()) as { claims: Record<string, unknown> };
      expect(claims).toMatchObject({
        iss: provider.issuer,
        aud: 'api://default',
        uid: hannah.id,
        groups: ['Everyone', 'admin'],
      });

      const missing = await fetch(`${api.url}${path}`);
      expect(missing.status).toBe(401);
      // An ID token is signed by the same key but is not for this audience.
      const wrong = await fetch(`${api.url}${path}`, {
        headers: { authorization: `Bearer ${tokens.id_token}` },
      });
      expect(wrong.status).toBe(401);
    }
  });
});
