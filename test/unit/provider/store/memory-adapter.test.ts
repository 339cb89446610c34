import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMemoryAdapterFactory } from '../../../../provider/store/memory-adapter.js';

afterEach(() => vi.useRealTimers());

describe('memory adapter', () => {
  it('stores copies, finds by uid and user code, and forgets expired entries', async () => {
    vi.useFakeTimers();
    const factory = createMemoryAdapterFactory();
    const sessions = factory('Session');
    const payload = { uid: 'u1', accountId: 'a' };
    await sessions.upsert('s1', payload, 10);
    payload.accountId = 'changed';
    expect(await sessions.find('s1')).toMatchObject({ accountId: 'a' });
    expect(await sessions.findByUid('u1')).toMatchObject({ accountId: 'a' });
    // Models do not see each other's ids.
    expect(await factory('Grant').find('s1')).toBeUndefined();

    const devices = factory('DeviceCode');
    await devices.upsert('d1', { userCode: 'ABCDEFGH' }, 10);
    expect(await devices.findByUserCode('ABCDEFGH')).toMatchObject({ userCode: 'ABCDEFGH' });

    vi.advanceTimersByTime(10_001);
    expect(await sessions.find('s1')).toBeUndefined();
  });

  it('consumes, destroys, and revokes everything of a grant', async () => {
    const factory = createMemoryAdapterFactory();
    const codes = factory('AuthorizationCode');
    const tokens = factory('RefreshToken');
    await codes.upsert('c1', { grantId: 'g1' }, 60);
    await tokens.upsert('r1', { grantId: 'g1' }, 60);
    await tokens.upsert('r2', { grantId: 'g2' }, 60);

    await codes.consume('c1');
    expect((await codes.find('c1'))?.consumed).toEqual(expect.any(Number));

    await tokens.revokeByGrantId('g1');
    expect(await codes.find('c1')).toBeUndefined();
    expect(await tokens.find('r1')).toBeUndefined();
    expect(await tokens.find('r2')).toBeDefined();

    await tokens.destroy('r2');
    expect(await tokens.find('r2')).toBeUndefined();
  });
});

describe('memory adapter sweep', () => {
  it('drops expired entries, their grant index and their lookups every 500 writes', async () => {
    vi.useFakeTimers();
    const factory = createMemoryAdapterFactory();
    const sessions = factory('Session');
    const codes = factory('AuthorizationCode');
    for (let i = 0; i < 10; i += 1) {
      await sessions.upsert(`s${i}`, { uid: `u${i}` }, 10);
      await codes.upsert(`c${i}`, { grantId: `g${i}` }, 10);
    }
    expect(factory.held()).toEqual({ entries: 20, grants: 10, lookups: 10 });

    vi.advanceTimersByTime(10_001);
    const grants = factory('Grant');
    // 20 writes so far; 479 more keep the sweep away, the 500th runs it.
    for (let i = 0; i < 479; i += 1) await grants.upsert(`k${i}`, {}, 3600);
    expect(factory.held().entries).toBe(499);
    await grants.upsert('k479', {}, 3600);
    expect(factory.held()).toEqual({ entries: 480, grants: 0, lookups: 0 });
  });
});
