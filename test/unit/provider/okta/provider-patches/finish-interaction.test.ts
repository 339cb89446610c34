/**
 * Pins what the hosted widget's way back relies on: `provider.Interaction.find(uid)`, a login
 * `result` saved on it, and its `returnTo`, which resumes the authorization request (with the
 * browser's resume cookie) into a signed-in session with the result's `amr` and `acr` (this
 * bare provider then asks for consent, which Understudy's interactions grant first-party apps).
 * An interaction already finished, or unknown, gives nothing.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finishInteraction } from '../../../../../provider/okta/provider-patches/finish-interaction.js';
import { bareProvider } from './oidc-provider.js';

const redirectUri = 'http://localhost/app/callback';
const provider = bareProvider([
  {
    client_id: 'web',
    client_secret: 'web-secret-0000000000',
    grant_types: ['authorization_code'],
    response_types: ['code'],
    redirect_uris: [redirectUri],
  },
]);
let server: Server;
let origin = '';

beforeAll(async () => {
  server = createServer(provider.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

/** A GET that does not follow redirects, with the cookies it was given and those it got. */
async function get(url: string, cookies: string[]) {
  const response = await fetch(url.replace('http://localhost/pin', origin), {
    redirect: 'manual',
    headers: { cookie: cookies.join('; ') },
  });
  const set = response.headers.getSetCookie().map((header) => header.split(';')[0] ?? '');
  return { response, cookies: [...cookies, ...set], location: response.headers.get('location') };
}

async function pendingInteraction() {
  const authorize = new URL(`${origin}/auth`);
  authorize.search = new URLSearchParams({
    client_id: 'web',
    response_type: 'code',
    scope: 'openid',
    redirect_uri: redirectUri,
    state: 'pin',
  }).toString();
  const started = await get(authorize.href, []);
  expect(started.response.status).toBe(303);
  const uid = started.location?.split('/').pop() ?? '';
  return { uid, cookies: started.cookies };
}

describe('finishing an interaction by its uid', () => {
  it('saves the login on the interaction and resumes the request signed in', async () => {
    const { uid, cookies } = await pendingInteraction();
    const returnTo = await finishInteraction(provider, uid, {
      accountId: 'user-1',
      amr: ['mfa', 'otp', 'pwd'],
      acr: 'urn:okta:loa:2fa:any',
      ts: Math.floor(Date.now() / 1000),
    });
    expect(returnTo).toMatch(new RegExp(`/auth/${uid}$`));
    const resumed = await get(returnTo ?? '', cookies);
    expect(resumed.response.status).toBe(303);
    const next = await provider.Interaction.find(resumed.location?.split('/').pop() ?? '');
    expect(next?.prompt.name).toBe('consent');
    expect(next?.session).toMatchObject({
      accountId: 'user-1',
      amr: ['mfa', 'otp', 'pwd'],
      acr: 'urn:okta:loa:2fa:any',
    });
  });

  it('gives nothing for an interaction already finished, or unknown', async () => {
    const { uid } = await pendingInteraction();
    const login = { accountId: 'user-1', amr: ['pwd'], ts: Math.floor(Date.now() / 1000) };
    expect(await finishInteraction(provider, uid, login)).toBeTruthy();
    expect(await finishInteraction(provider, uid, login)).toBeUndefined();
    expect(await finishInteraction(provider, 'no-such-interaction', login)).toBeUndefined();
  });
});
