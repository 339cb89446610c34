/**
 * Sessions in Redis: two instances of the demo app behind one cookie share the signed-in
 * session, and logging out on one ends it on both.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedisSessionStore, type SharedSessionStore } from '../../app/session-store.js';
import { Browser, formPostingTo, userPicker } from '../helpers/browser.js';
import { type Demo, startDemo } from '../helpers/demo.js';
import { seededUser } from '../helpers/provider.js';
import { redisAvailable, startRedis } from '../helpers/redis.js';

describe.runIf(redisAvailable())('the demo app with SESSION_REDIS_URL', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let shared: SharedSessionStore;
  let demo: Demo;

  beforeAll(async () => {
    redis = await startRedis();
    shared = await connectRedisSessionStore(redis.url);
    demo = await startDemo({ sessionStore: shared.store });
  });
  afterAll(async () => {
    await demo?.stop();
    await shared?.close();
    await redis?.stop();
  });

  it('shares the session between app instances', async () => {
    // Its own Redis connection, as a second process would have: nothing shared in memory.
    const ownConnection = await connectRedisSessionStore(redis.url);
    const second = await demo.startAnotherApp(ownConnection.store);
    const browser = new Browser();
    const login = await browser.open(`${demo.appUrl}/login`);
    const dashboard = await browser.submit(userPicker(login), {
      user_id: seededUser(demo.provider.seed, 'grace.li').id,
    });
    expect(dashboard.url).toBe(`${demo.appUrl}/dashboard`);
    const stored = await new Promise<string[]>((resolve, reject) =>
      shared.store.ids((error, ids) => (error ? reject(error) : resolve(ids))),
    );
    expect(stored.length).toBeGreaterThan(0);

    // The cookie host is localhost, whatever the port: the second instance sees the session.
    const elsewhere = await browser.open(`${second.url}/dashboard`, demo.provider.issuer);
    expect(elsewhere.status).toBe(200);
    expect(elsewhere.body).toContain('data-team="legal"');

    await browser.submit(formPostingTo(dashboard, '/logout'), {}, demo.provider.issuer);
    const after = await browser.open(`${second.url}/dashboard`, demo.provider.issuer);
    expect(after.url.startsWith(`${demo.provider.issuer}/v1/authorize`)).toBe(true);
    await second.close();
    await ownConnection.close();
  });

  it('comes back by itself when Redis restarts', async () => {
    const browser = new Browser();
    const login = await browser.open(`${demo.appUrl}/login`);
    const dashboard = await browser.submit(userPicker(login), {
      user_id: seededUser(demo.provider.seed, 'grace.li').id,
    });
    expect(dashboard.url).toBe(`${demo.appUrl}/dashboard`);

    await redis.stop();
    const during = await browser.open(`${demo.appUrl}/dashboard`);
    expect(during.status).toBeGreaterThanOrEqual(500);

    redis = await startRedis(redis.port);
    // The client reconnects with backoff (at most 2 s); nothing restarts the app.
    let after = await browser.open(`${demo.appUrl}/`);
    for (let attempt = 0; after.status !== 200 && attempt < 50; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      after = await browser.open(`${demo.appUrl}/`);
    }
    expect(after.status).toBe(200);
    // Redis kept nothing across the restart; signing in again (the provider still knows the
    // user, so no picker) stores a new session there.
    expect((await browser.open(`${demo.appUrl}/login`)).url).toBe(`${demo.appUrl}/dashboard`);
    const stored = await new Promise<string[]>((resolve, reject) =>
      shared.store.ids((error, ids) => (error ? reject(error) : resolve(ids))),
    );
    expect(stored.length).toBeGreaterThan(0);
  });

  it('refuses an unreachable Redis with a clear message', async () => {
    await expect(connectRedisSessionStore('redis://127.0.0.1:1')).rejects.toThrow(
      /cannot reach the Redis session store at redis:\/\/127\.0\.0\.1:1/,
    );
  });
});
