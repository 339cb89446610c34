/**
 * oidc-provider storage kept in memory, per provider. Unlike the built-in one it is not an LRU
 * (nothing is evicted under load, so a busy CI run never loses a session mid-login) and it
 * does not warn on every start: losing state on restart is the point of a local stand-in.
 */
import type { Adapter, AdapterPayload } from 'oidc-provider';

interface Entry {
  payload: AdapterPayload;
  expiresAt: number | undefined;
}

export type AdapterFactory = (model: string) => Adapter;

export interface MemoryAdapterFactory extends AdapterFactory {
  /** How much is held, across models: stored entries, grant indexes, and lookups. */
  held(): { entries: number; grants: number; lookups: number };
}

export function createMemoryAdapterFactory(): MemoryAdapterFactory {
  const entries = new Map<string, Entry>();
  const grants = new Map<string, Set<string>>();
  const lookups = new Map<string, string>();

  const live = (key: string): Entry | undefined => {
    const entry = entries.get(key);
    if (entry?.expiresAt !== undefined && entry.expiresAt <= Date.now()) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  };

  let writes = 0;
  // Expired entries are dropped on read, and swept now and then so a long run stays small.
  const sweep = () => {
    const now = Date.now();
    for (const [key, entry] of entries) {
      if (entry.expiresAt !== undefined && entry.expiresAt <= now) entries.delete(key);
    }
    for (const [grantId, keys] of grants) {
      for (const key of keys) if (!entries.has(key)) keys.delete(key);
      if (keys.size === 0) grants.delete(grantId);
    }
    for (const [lookup, id] of lookups) {
      const model = lookup.startsWith('userCode:') ? 'DeviceCode' : lookup.split(':')[1];
      if (!entries.has(`${model}:${id}`)) lookups.delete(lookup);
    }
  };

  const factory = (model: string): Adapter => {
    const keyOf = (id: string) => `${model}:${id}`;
    return {
      async upsert(id, payload, expiresIn) {
        writes += 1;
        if (writes % 500 === 0) sweep();
        const key = keyOf(id);
        entries.set(key, {
          payload: structuredClone(payload),
          expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : undefined,
        });
        if (payload.grantId) {
          const keys = grants.get(payload.grantId) ?? new Set<string>();
          keys.add(key);
          grants.set(payload.grantId, keys);
        }
        if (payload.userCode) lookups.set(`userCode:${payload.userCode}`, id);
        if (payload.uid) lookups.set(`uid:${model}:${payload.uid}`, id);
      },
      async find(id) {
        const entry = live(keyOf(id));
        return entry ? structuredClone(entry.payload) : undefined;
      },
      async findByUserCode(userCode) {
        const id = lookups.get(`userCode:${userCode}`);
        return id ? this.find(id) : undefined;
      },
      async findByUid(uid) {
        const id = lookups.get(`uid:${model}:${uid}`);
        return id ? this.find(id) : undefined;
      },
      async consume(id) {
        const entry = live(keyOf(id));
        if (entry) entry.payload.consumed = Math.floor(Date.now() / 1000);
      },
      async destroy(id) {
        entries.delete(keyOf(id));
      },
      async revokeByGrantId(grantId) {
        for (const key of grants.get(grantId) ?? []) entries.delete(key);
        grants.delete(grantId);
      },
    };
  };
  return Object.assign(factory, {
    held: () => ({ entries: entries.size, grants: grants.size, lookups: lookups.size }),
  });
}
