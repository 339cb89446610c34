/**
 * Two Understudy instances behind one issuer, sharing a real redis-server: a login started
 * on one finishes on the other, a code redeemed on one cannot be replayed on the other, a
 * refresh token from one works on the other, control changes made on one hold on both, the
 * keys are the same everywhere, an IDX sign-in started on one goes on on the other (and its
 * interaction code is spent for both), Redis going away is a 503 and coming back is recovery,
 * and a restarted instance has lost nothing.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as client from 'openid-client';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, type RunningProvider } from '../../provider/main/listen.js';
import { totp } from '../../provider/okta/index.js';
import type { Seed, SeedInput } from '../../seed/schema.js';
import { Browser, findForm, userPicker } from '../helpers/browser.js';
import { freePort } from '../helpers/child-app.js';
import { basicAuth, isActive } from '../helpers/introspect.js';
import { seededClient, seededUser, seedWithClients } from '../helpers/provider.js';
import { redisAvailable, startRedis } from '../helpers/redis.js';
import { buildAuthorization, discoverFor, redeemCallback } from '../helpers/relying-party.js';

/** An app that signs in with its own forms (IDX), ending with an interaction code. */
const idxApp = {
  client_id: '0oaIdxRedisApp000001',
  client_name: 'IDX app on two instances',
  token_endpoint_auth_method: 'none',
  grant_types: ['authorization_code', 'interaction_code'],
  redirect_uris: ['http://localhost:8080/login/callback'],
} satisfies SeedInput['clients'][number];

interface IdxForm {
  name: string;
  href: string;
  value: {
    name: string;
    value?: unknown;
    options?: { value: { form: { value: { name: string; value?: unknown }[] } } }[];
  }[];
}
interface IdxAnswer {
  stateHandle?: string;
  remediation?: { value: IdxForm[] };
  successWithInteractionCode?: { value: { name: string; value?: unknown }[] };
}

/** A load balancer of one knob: every request goes to whichever instance `to` names. */
function balancer(port: number) {
  const targets: Record<string, number> = {};
  let to = '';
  const server: Server = createServer((req, res) => {
    const forward = httpRequest(
      {
        host: '127.0.0.1',
        port: targets[to],
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => res.writeHead(502).end());
    req.pipe(forward);
  });
  return {
    server,
    ready: new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve)),
    set: (name: string, targetPort: number) => void (targets[name] = targetPort),
    route: (name: string) => void (to = name),
  };
}

describe.runIf(redisAvailable())('several instances on one Redis', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let lb: ReturnType<typeof balancer>;
  let issuerBase: string;
  let seed: Seed;
  const instances: Record<string, RunningProvider> = {};

  const start = async (name: string) => {
    const running = await listen({
      host: '127.0.0.1',
      port: 0,
      issuerBase,
      // Each its own data directory: what they share, they share through Redis.
      dataDir: mkdtempSync(join(tmpdir(), `understudy-${name}-`)),
      seed,
      control: true,
      redisUrl: redis.url,
    });
    instances[name] = running;
    lb.set(name, Number(new URL(running.url).port));
    return running;
  };
  const direct = (name: string, path: string) =>
    `${instances[name]?.url.replace('127.0.0.1', 'localhost')}${path}`;

  beforeAll(async () => {
    redis = await startRedis();
    seed = await seedWithClients([idxApp]);
    const port = await freePort();
    issuerBase = `http://localhost:${port}`;
    lb = balancer(port);
    await lb.ready;
    await start('a');
    await start('b');
    lb.route('a');
  }, 30_000);
  afterAll(async () => {
    for (const running of Object.values(instances)) await running.close();
    lb?.server.close();
    await redis?.stop();
  });

  const issuer = () => `${issuerBase}/oauth2/default`;
  const web = () => seededClient(seed, 'web');
  const signIn = async (
    browser: Browser,
    via: { authorize: string; login: string },
    scope = 'openid profile offline_access',
  ) => {
    const config = await discoverFor(issuer(), web());
    const startAt = await buildAuthorization(config, web().redirect_uris[0] ?? '', { scope });
    lb.route(via.authorize);
    const login = await browser.open(startAt.url.href);
    lb.route(via.login);
    const callback = await browser.submit(
      userPicker(login),
      { user_id: seededUser(seed, 'carol').id },
      startAt.redirectUri,
    );
    return { config, startAt, callback: new URL(callback.url) };
  };
  const introspect = (token: string) => isActive(issuer(), web(), token);

  it('publishes the same keys on every instance', async () => {
    const a = await (await fetch(direct('a', '/oauth2/default/v1/keys'))).json();
    const b = await (await fetch(direct('b', '/oauth2/default/v1/keys'))).json();
    expect(a).toEqual(b);
  });

  it('finishes on B a login started on A; B refreshes what A issued', async () => {
    const { config, startAt, callback } = await signIn(new Browser(), {
      authorize: 'a',
      login: 'b',
    });
    lb.route('a');
    const tokens = await redeemCallback(config, startAt, callback);
    expect(tokens.claims()?.sub).toBe(seededUser(seed, 'carol').id);
    lb.route('b');
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token ?? '');
    expect(refreshed.access_token).toEqual(expect.any(String));
  });

  it('goes on on B with an IDX sign-in started on A; an interaction code spent on A is spent on B', async () => {
    const idx = async (url: string, body: Record<string, unknown>) => {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/ion+json; okta-version=1.0.0' },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as IdxAnswer };
    };
    const form = (answer: IdxAnswer, name: string) => {
      const found = answer.remediation?.value.find((candidate) => candidate.name === name);
      if (!found) throw new Error(`no ${name} in ${JSON.stringify(answer).slice(0, 300)}`);
      return found;
    };
    const submit = (answer: IdxAnswer, name: string, values: Record<string, unknown>) =>
      idx(form(answer, name).href, { stateHandle: answer.stateHandle, ...values });
    const codeOf = (answer: IdxAnswer) =>
      String(
        answer.successWithInteractionCode?.value.find(({ name }) => name === 'interaction_code')
          ?.value ?? '',
      );
    const startOn = async (name: string, acrValues?: string) => {
      lb.route(name);
      const verifier = randomBytes(32).toString('base64url');
      const interacted = await fetch(`${issuer()}/v1/interact`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          client_id: idxApp.client_id,
          scope: 'openid profile',
          redirect_uri: idxApp.redirect_uris[0] ?? '',
          code_challenge: createHash('sha256').update(verifier).digest('base64url'),
          code_challenge_method: 'S256',
          state: 'idx-state',
          ...(acrValues ? { acr_values: acrValues } : {}),
        }),
      });
      expect(interacted.status).toBe(200);
      const { interaction_handle } = (await interacted.json()) as { interaction_handle: string };
      const first = await idx(`${issuerBase}/idp/idx/introspect`, {
        interactionHandle: interaction_handle,
      });
      expect(first.status).toBe(200);
      return { verifier, first: first.body };
    };
    const redeemOn = (name: string, verifier: string, code: string) => {
      lb.route(name);
      return fetch(`${issuer()}/v1/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'interaction_code',
          interaction_code: code,
          client_id: idxApp.client_id,
          redirect_uri: idxApp.redirect_uris[0] ?? '',
          code_verifier: verifier,
        }),
      });
    };

    // Interact, introspect and the password on A; the second factor and the token on B.
    const hannah = seededUser(seed, 'hannah');
    const otp = hannah.authenticators.find((authenticator) => authenticator.key === 'google_otp');
    if (otp?.key !== 'google_otp') throw new Error('hannah has no google_otp in the seed');
    const mfa = await startOn('a', 'urn:okta:loa:2fa:any');
    const identified = await submit(mfa.first, 'identify', {
      identifier: hannah.login,
      credentials: { passcode: 'understudy' },
    });
    expect(identified.status).toBe(200);
    const option = form(identified.body, 'select-authenticator-authenticate').value.find(
      ({ name }) => name === 'authenticator',
    )?.options?.[0];
    const authenticatorId = option?.value.form.value.find(({ name }) => name === 'id')?.value;
    lb.route('b');
    const challenged = await submit(identified.body, 'select-authenticator-authenticate', {
      authenticator: { id: authenticatorId },
    });
    expect(challenged.status).toBe(200);
    expect(challenged.body.stateHandle).toBe(mfa.first.stateHandle);
    const answered = await submit(challenged.body, 'challenge-authenticator', {
      credentials: { passcode: totp(otp.secret) },
    });
    expect(answered.status).toBe(200);
    const tokens = await redeemOn('b', mfa.verifier, codeOf(answered.body));
    expect(tokens.status).toBe(200);
    const { id_token } = (await tokens.json()) as { id_token: string };
    const claims = JSON.parse(Buffer.from(id_token.split('.')[1] ?? '', 'base64url').toString());
    expect(claims).toMatchObject({ sub: hannah.id, amr: ['mfa', 'otp', 'pwd'] });

    // A password sign-in on A, its code redeemed on A, then replayed on B.
    const grace = seededUser(seed, 'grace');
    const plain = await startOn('a');
    const done = await submit(plain.first, 'identify', {
      identifier: grace.login,
      credentials: { passcode: 'understudy' },
    });
    const code = codeOf(done.body);
    expect(code).not.toBe('');
    expect((await redeemOn('a', plain.verifier, code)).status).toBe(200);
    const replay = await redeemOn('b', plain.verifier, code);
    expect(replay.status).toBe(400);
    expect(await replay.json()).toMatchObject({ error: 'invalid_grant' });
    lb.route('a');
  });

  it('leaves nothing in Redis that never expires', async () => {
    const inspector = createClient({ url: redis.url });
    await inspector.connect();
    try {
      const keys: string[] = [];
      for await (const batch of inspector.scanIterator({ MATCH: 'understudy:*', COUNT: 1000 })) {
        keys.push(...batch);
      }
      // The keys themselves are meant to stay; everything a login leaves behind expires.
      const lasting = [];
      for (const key of keys) {
        if (key === 'understudy:keys') continue;
        if ((await inspector.ttl(key)) < 0) lasting.push(key);
      }
      expect(keys.length).toBeGreaterThan(0);
      expect(lasting).toEqual([]);
    } finally {
      await inspector.close();
    }
  });

  it('refuses on B a code already redeemed on A, and revokes what A issued for it', async () => {
    const { startAt, callback } = await signIn(new Browser(), { authorize: 'a', login: 'a' });
    const redeem = () =>
      fetch(`${issuer()}/v1/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: basicAuth(web().client_id, web().client_secret),
        },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code: callback.searchParams.get('code') ?? '',
          redirect_uri: startAt.redirectUri,
          code_verifier: startAt.verifier,
        }),
      });
    lb.route('a');
    const first = (await (await redeem()).json()) as { access_token: string };
    expect(await introspect(first.access_token)).toBe(true);
    lb.route('b');
    const replay = await redeem();
    expect(replay.status).toBe(400);
    expect(await replay.json()).toMatchObject({ error: 'invalid_grant' });
    lb.route('a');
    expect(await introspect(first.access_token)).toBe(false);
  });

  it('holds control changes made on A on B too', async () => {
    const post = (name: string, path: string, body: unknown) =>
      fetch(direct(name, `/__understudy${path}`), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await post('a', '/next-login', { user: 'grace.li@task-vantage.com' })).status).toBe(
      200,
    );
    const config = await discoverFor(issuer(), web());
    const startAt = await buildAuthorization(config, web().redirect_uris[0] ?? '');
    lb.route('b');
    const landed = await new Browser().open(startAt.url.href, startAt.redirectUri);
    expect(new URL(landed.url).searchParams.get('code')).toEqual(expect.any(String));

    const added = await post('a', '/users', {
      id: '00uSharedNewcomer001',
      login: 'newcomer@task-vantage.com',
      email: 'newcomer@task-vantage.com',
      givenName: 'New',
      familyName: 'Comer',
      password: 'understudy',
      groups: ['legal'],
    });
    expect(added.status).toBe(200);
    await expect
      .poll(async () => {
        const state = (await (await fetch(direct('b', '/__understudy/state'))).json()) as {
          users: { login: string }[];
        };
        return state.users.some((user) => user.login === 'newcomer@task-vantage.com');
      })
      .toBe(true);
    // An instance started now finds the users the others have, in Redis.
    const late = await start('c');
    try {
      expect(late.seed().users.some((user) => user.login === 'newcomer@task-vantage.com')).toBe(
        true,
      );
    } finally {
      await late.close();
      delete instances.c;
    }
    // A token failure injected on A fails a grant on B: the failure is kept in Redis.
    const service = seededClient(seed, 'service');
    const grantOnB = async () => {
      lb.route('b');
      const response = await fetch(`${issuer()}/v1/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: basicAuth(service.client_id, service.client_secret),
        },
        body: 'grant_type=client_credentials',
      });
      const body = (await response.json()) as { error?: string };
      return { status: response.status, error: body.error };
    };
    expect(await grantOnB()).toEqual({ status: 200, error: undefined });
    const failure = { endpoint: 'token', error: 'temporarily_unavailable' };
    expect((await post('a', '/fail', failure)).status).toBe(200);
    expect(await grantOnB()).toEqual({ status: 400, error: 'temporarily_unavailable' });
    expect(await grantOnB()).toEqual({ status: 200, error: undefined });
    await post('b', '/reset', {});
    await expect
      .poll(async () => {
        const state = (await (await fetch(direct('a', '/__understudy/state'))).json()) as {
          users: { login: string }[];
        };
        return state.users.length;
      })
      .toBe(seed.users.length);
  });

  it('sends an email code on A and takes it on B: the sign-in, the code and the outbox are shared', async () => {
    const carol = seededUser(seed, 'carol');
    const config = await discoverFor(issuer(), web());
    const startAt = await buildAuthorization(config, web().redirect_uris[0] ?? '', {
      acr_values: 'urn:okta:loa:2fa:any',
    });
    const browser = new Browser();
    lb.route('a');
    const login = await browser.open(startAt.url.href);
    const select = await browser.submit(userPicker(login), { user_id: carol.id });
    const challenge = await browser.submit(
      findForm(select, 'security method', (form) => form.fields.step === 'select'),
      { authenticator: 'okta_email' },
    );
    const sent = await instances.b?.outbox.list(carol.email);
    expect(sent?.[0]?.code).toMatch(/^\d{6}$/);
    lb.route('b');
    const callback = await browser.submit(
      findForm(challenge, 'code', (form) => form.fields.step === 'verify'),
      { 'credentials.passcode': sent?.[0]?.code ?? '' },
      startAt.redirectUri,
    );
    const tokens = await redeemCallback(config, startAt, callback.url);
    expect(tokens.claims()?.amr).toEqual(['email', 'mfa', 'pwd']);
    lb.route('a');
  });

  it('shares what the Management API changes on A with B', async () => {
    const token = seed.apiTokens[0]?.token ?? '';
    const api = (name: string, path: string, init: RequestInit = {}) =>
      fetch(direct(name, path), {
        ...init,
        headers: {
          authorization: `SSWS ${token}`,
          accept: 'application/json',
          'content-type': 'application/json',
        },
      });
    const created = await api('a', '/api/v1/users', {
      method: 'POST',
      body: JSON.stringify({
        profile: {
          firstName: 'Shared',
          lastName: 'User',
          email: 'shared@example.com',
          login: 'shared@example.com',
        },
      }),
    });
    expect(created.status).toBe(200);
    const { id } = (await created.json()) as { id: string };
    await expect.poll(async () => (await api('b', `/api/v1/users/${id}`)).status).toBe(200);
    expect(
      (await api('b', `/api/v1/users/${id}/lifecycle/suspend`, { method: 'POST' })).status,
    ).toBe(403);
    await api('b', `/api/v1/users/${id}/lifecycle/deactivate`, { method: 'POST' });
    await expect
      .poll(
        async () =>
          ((await (await api('a', `/api/v1/users/${id}`)).json()) as { status: string }).status,
      )
      .toBe('DEPROVISIONED');

    // Changes made at the same time on both instances: none lost, and both agree.
    const creations = Array.from({ length: 8 }, (_, i) =>
      api(i % 2 ? 'b' : 'a', '/api/v1/users', {
        method: 'POST',
        body: JSON.stringify({
          profile: {
            firstName: `Racer${i}`,
            lastName: 'User',
            email: `racer${i}@example.com`,
            login: `racer${i}@example.com`,
          },
        }),
      }),
    );
    expect((await Promise.all(creations)).map((answer) => answer.status)).toEqual(
      Array(8).fill(200),
    );
    const racers = async (name: string) =>
      ((await (await api(name, '/api/v1/users?q=racer')).json()) as { id: string }[])
        .map((user) => user.id)
        .sort();
    await expect.poll(async () => (await racers('a')).length).toBe(8);
    await expect.poll(async () => racers('b')).toEqual(await racers('a'));
    await fetch(direct('a', '/__understudy/reset'), { method: 'POST' });
  });

  it('answers 503 while Redis is away, and works again once it is back', async () => {
    await redis.stop();
    lb.route('a');
    const config = await discoverFor(issuer(), web());
    const startAt = await buildAuthorization(config, web().redirect_uris[0] ?? '');
    const during = await fetch(startAt.url.href, {
      headers: { accept: 'application/json' },
      redirect: 'manual',
    });
    expect(during.status).toBe(503);
    expect(await during.json()).toMatchObject({ error: 'temporarily_unavailable' });
    const authn = await fetch(`${issuerBase}/api/v1/authn`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'carol.lee@task-vantage.com', password: 'understudy' }),
    });
    expect(authn.status).toBe(503);

    redis = await startRedis(redis.port);
    await expect
      .poll(async () => (await fetch(startAt.url.href, { redirect: 'manual' })).status, {
        timeout: 10_000,
      })
      .toBe(303);
  });

  it('loses nothing when an instance restarts: the session and the refresh token carry on', async () => {
    const browser = new Browser();
    const { config, startAt, callback } = await signIn(browser, { authorize: 'a', login: 'a' });
    const tokens = await redeemCallback(config, startAt, callback);
    await instances.a?.close();
    await start('a');
    lb.route('a');
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token ?? '');
    expect(refreshed.access_token).toEqual(expect.any(String));
    // The browser is still signed in: the next authorization needs no login page.
    const again = await buildAuthorization(config, web().redirect_uris[0] ?? '');
    const landed = await browser.open(again.url.href, again.redirectUri);
    expect(
      new URL(landed.url).searchParams.get('code'),
      `${landed.url} ${landed.status} ${landed.body.slice(0, 300)}`,
    ).toEqual(expect.any(String));
  });
});
