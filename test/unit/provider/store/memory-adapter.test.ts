import { afterEach, describe, expect, it, vi } from 'vitest';
import { errors } from 'oidc-provider';
import { consumeOnce } from '../../../../provider/store/consume-once.js';
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
    expect(await sessions.findByUid('u1')).toBeUndefined();
  });

  it('answers lookups and revocations before anything was written', async () => {
    const factory = createMemoryAdapterFactory();
    const sessions = factory('Session');
    expect(await sessions.find('s1')).toBeUndefined();
    expect(await sessions.findByUid('u1')).toBeUndefined();
    expect(await factory('DeviceCode').findByUserCode('ABCDEFGH')).toBeUndefined();
    await sessions.revokeByGrantId('g1');
    await sessions.destroy('s1');
    expect(factory.held()).toEqual({ entries: 0, grants: 0, lookups: 0 });
    // An entry without a grant or a uid indexes nothing.
    await factory('AccessToken').upsert('t1', { accountId: 'a' }, 10);
    expect(factory.held()).toEqual({ entries: 1, grants: 0, lookups: 0 });
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
    // A second consume is refused, as the SQLite and Redis stores refuse it: one request wins.
    await expect(codes.consume('c1')).rejects.toBeInstanceOf(errors.InvalidGrant);
    await codes.upsert('c2', {}, 60);
    expect(await Promise.all([consumeOnce(codes, 'c2'), consumeOnce(codes, 'c2')])).toEqual([
      true,
      false,
    ]);

    await tokens.revokeByGrantId('g1');
    expect(await codes.find('c1')).toBeUndefined();
    expect(await tokens.find('r1')).toBeUndefined();
    expect(await tokens.find('r2')).toBeDefined();

    await tokens.destroy('r2');
    expect(await tokens.find('r2')).toBeUndefined();
  });
});

describe('memory adapter bounds', () => {
  it('keeps at most the cap per model, dropping the least recently used, and warns once', async () => {
    const warnings: string[] = [];
    const factory = createMemoryAdapterFactory({
      maxPerModel: 3,
      onEvictLive: (model, max) => warnings.push(`${model} ${max}`),
    });
    const sessions = factory('Session');
    for (const id of ['s1', 's2', 's3']) await sessions.upsert(id, { uid: id }, 3600);
    // Reading s1 makes it recent; s2 is now the oldest.
    await sessions.find('s1');
    await sessions.upsert('s4', { uid: 's4' }, 3600);
    await sessions.upsert('s5', { uid: 's5' }, 3600);
    expect(await sessions.find('s2')).toBeUndefined();
    expect(await sessions.find('s3')).toBeUndefined();
    expect(await sessions.find('s1')).toBeDefined();
    expect(factory.held().entries).toBe(3);
    expect(warnings).toEqual(['Session 3']);
    // Other models have their own room.
    await factory('Grant').upsert('g1', {}, 3600);
    expect(factory.held().entries).toBe(4);
  });

  it('does not warn when what gives way had expired anyway', async () => {
    vi.useFakeTimers();
    const warnings: string[] = [];
    const factory = createMemoryAdapterFactory({
      maxPerModel: 2,
      onEvictLive: (model) => warnings.push(model),
    });
    const codes = factory('AuthorizationCode');
    await codes.upsert('c1', {}, 1);
    await codes.upsert('c2', {}, 1);
    vi.advanceTimersByTime(1_500);
    await codes.upsert('c3', {}, 60);
    expect(warnings).toEqual([]);
  });

  it("keeps a long-refreshed grant's index to the tokens that still exist", async () => {
    const factory = createMemoryAdapterFactory({ maxPerModel: 10 });
    const tokens = factory('RefreshToken');
    for (let i = 0; i < 200; i += 1) await tokens.upsert(`r${i}`, { grantId: 'g1' }, 3600);
    await tokens.revokeByGrantId('g1');
    expect(factory.held().entries).toBe(0);
    expect(factory.held().grants).toBe(0);
  });
});
