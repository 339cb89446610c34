/**
 * Pins the session model the org routes and the device pages reach into: `new
 * provider.Session()`, `loginAccount`, `save`, `Session.get(ctx)` from the signed cookie named
 * by `cookieName('session')`, and `destroy`.
 */
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  endBrowserSession,
  findBrowserSession,
  startBrowserSession,
} from '../../../../../provider/okta/provider-patches/browser-session.js';
import { deviceFormSession } from '../../../../../provider/okta/provider-patches/device-form-session.js';
import { errorBoundary } from '../../../../../provider/host/error-boundary.js';
import { bareProvider, cookieKeys } from './oidc-provider.js';

const provider = bareProvider();
const cookie = { httpOnly: true, sameSite: 'lax' } as const;
const app = new Koa();
app.keys = cookieKeys;
app.silent = true;
app.use(errorBoundary);
app.use(async (ctx, next) => {
  if (ctx.path === '/start') {
    const session = await startBrowserSession(provider, ctx, 'user-1', 600, cookie);
    ctx.body = { accountId: session.accountId, amr: session.amr };
  } else if (ctx.path === '/start-two-factors') {
    const session = await startBrowserSession(provider, ctx, 'user-2', 600, {
      ...cookie,
      signIn: { amr: ['mfa', 'otp', 'pwd'], acr: 'urn:okta:loa:2fa:any', loginTs: 1_800_000_000 },
    });
    ctx.body = { amr: session.amr, acr: session.acr, loginTs: session.loginTs };
  } else if (ctx.path === '/find') {
    const session = await findBrowserSession(provider, ctx);
    ctx.body = { accountId: session?.accountId ?? null };
  } else if (ctx.path === '/end') {
    const session = await findBrowserSession(provider, ctx);
    if (session) await endBrowserSession(provider, ctx, session, cookie);
    ctx.body = {};
  } else {
    await next();
  }
});
app.use(deviceFormSession(provider));
app.use((ctx) => {
  ctx.body = { passed: true };
});
let origin = '';
const server = app.listen(0, '127.0.0.1');

beforeAll(async () => {
  if (!server.listening) await new Promise((resolve) => server.once('listening', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

async function get(path: string, cookies = '') {
  const response = await fetch(`${origin}${path}`, { headers: { cookie: cookies } });
  const set = response.headers
    .getSetCookie()
    .map((header) => header.split(';')[0] ?? '')
    .join('; ');
  return { status: response.status, body: (await response.json()) as unknown, set };
}

describe('the browser session', () => {
  it('is started, found from its signed cookie, and ended', async () => {
    const started = await get('/start');
    expect(started.body).toEqual({ accountId: 'user-1', amr: ['pwd'] });
    expect(started.set).toContain(`${provider.cookieName('session')}=`);
    expect((await get('/find', started.set)).body).toEqual({ accountId: 'user-1' });
    expect((await get('/find')).body).toEqual({ accountId: null });

    const ended = await get('/end', started.set);
    expect((await get('/find', started.set)).body).toEqual({ accountId: null });
    expect(ended.set).toContain(`${provider.cookieName('session')}=;`.slice(0, -1));
  });

  it("keeps what the sign-in verified: an IDX sign-in's amr, acr and time", async () => {
    const started = await get('/start-two-factors');
    expect(started.body).toEqual({
      amr: ['mfa', 'otp', 'pwd'],
      acr: 'urn:okta:loa:2fa:any',
      loginTs: 1_800_000_000,
    });
    expect((await get('/find', started.set)).body).toEqual({ accountId: 'user-2' });
  });

  it('has no device form state unless the device pages made one: a 400, not a 500', async () => {
    const started = await get('/start');
    const device = await get('/device', started.set);
    expect(device.status).toBe(400);
    expect(device.body).toMatchObject({ error: 'invalid_request' });
  });
});
