/**
 * oidc-provider storage kept in memory, per provider, and bounded: each model keeps at most
 * `maxPerModel` entries in an LRU cache (lru-cache), entries expire with their TTL when they
 * are next touched (no sweeps over the store), and the least recently used give way when a
 * model is full, with one loud warning the first time that drops something still alive.
 * Losing state on restart is the point of a local stand-in, so nothing is written anywhere.
 */
import { LRUCache } from 'lru-cache';
import { type Adapter, type AdapterPayload, errors } from 'oidc-provider';

interface Entry {
  /** The payload as JSON: a copy no caller can change, at a fraction of an object's memory. */
  json: string;
  /** Epoch milliseconds; undefined: kept until evicted. */
  expiresAt: number | undefined;
}

export type AdapterFactory = (model: string) => Adapter;

export interface MemoryAdapterFactory extends AdapterFactory {
  /** How much is held, across models: stored entries, grant indexes, and lookups. */
  held(): { entries: number; grants: number; lookups: number };
}

export interface MemoryStoreOptions {
  /** The most entries of one model (sessions, grants, codes, ...); default 10,000. */
  maxPerModel?: number | undefined;
  /** Told once, the first time a full model drops an entry that had not expired. */
  onEvictLive?: ((model: string, max: number) => void) | undefined;
}

export const defaultMaxPerModel = 10_000;

export function warnStoreFull(model: string, max: number): void {
  console.warn(
    `understudy: WARNING: the in-memory store is full (${max} ${model} entries) and dropped live ones, least recently used first; what used them (sign-ins, tokens) now fails. Raise --max-sessions.`,
  );
}

export function createMemoryAdapterFactory(options: MemoryStoreOptions = {}): MemoryAdapterFactory {
  const max = options.maxPerModel ?? defaultMaxPerModel;
  const onEvictLive = options.onEvictLive ?? warnStoreFull;
  let warned = false;
  const models = new Map<string, LRUCache<string, Entry>>();
  // Which entries (model:id) each grant has, and the ids behind uid and user-code lookups;
  // bounded too, so a grant older than the newest few thousand can no longer be revoked whole.
  // Made on the first write: lru-cache allocates room for `max` entries up front, which for
  // these two is ~4 ms and ~1 MiB of every start.
  let grants: LRUCache<string, Set<string>> | undefined;
  let lookups: LRUCache<string, string> | undefined;

  const modelCache = (model: string) => {
    let cache = models.get(model);
    if (!cache) {
      cache = new LRUCache<string, Entry>({
        max,
        dispose: (entry, _id, reason) => {
          const live = entry.expiresAt === undefined || entry.expiresAt > Date.now();
          if (reason === 'evict' && live && !warned) {
            warned = true;
            onEvictLive(model, max);
          }
        },
      });
      models.set(model, cache);
    }
    return cache;
  };

  const live = (cache: LRUCache<string, Entry>, id: string): Entry | undefined => {
    const entry = cache.get(id);
    if (entry?.expiresAt !== undefined && entry.expiresAt <= Date.now()) {
      cache.delete(id);
      return undefined;
    }
    return entry;
  };

  const holds = (key: string) => {
    const separator = key.indexOf(':');
    return models.get(key.slice(0, separator))?.has(key.slice(separator + 1)) === true;
  };

  const factory = (model: string): Adapter => {
    const cache = modelCache(model);
    const ttlOf = (expiresIn: number | undefined) => (expiresIn ? expiresIn * 1000 : undefined);
    return {
      async upsert(id, payload, expiresIn) {
        const ttl = ttlOf(expiresIn);
        cache.set(
          id,
          {
            json: JSON.stringify(payload),
            expiresAt: ttl === undefined ? undefined : Date.now() + ttl,
          },
          ttl === undefined ? {} : { ttl },
        );
        if (payload.grantId) {
          grants ??= new LRUCache({ max });
          const keys = grants.get(payload.grantId) ?? new Set<string>();
          keys.add(`${model}:${id}`);
          // A grant refreshed all day would otherwise index every token it ever had.
          if (keys.size > 64) for (const key of keys) if (!holds(key)) keys.delete(key);
          grants.set(payload.grantId, keys);
        }
        if (payload.userCode || payload.uid) {
          lookups ??= new LRUCache({ max: max * 2 });
          const lookupOptions = ttl === undefined ? {} : { ttl };
          if (payload.userCode) lookups.set(`userCode:${payload.userCode}`, id, lookupOptions);
          if (payload.uid) lookups.set(`uid:${model}:${payload.uid}`, id, lookupOptions);
        }
      },
      async find(id) {
        const entry = live(cache, id);
        return entry ? (JSON.parse(entry.json) as AdapterPayload) : undefined;
      },
      async findByUserCode(userCode) {
        const id = lookups?.get(`userCode:${userCode}`);
        return id ? this.find(id) : undefined;
      },
      async findByUid(uid) {
        const id = lookups?.get(`uid:${model}:${uid}`);
        return id ? this.find(id) : undefined;
      },
      async consume(id) {
        const entry = live(cache, id);
        if (!entry) return;
        const payload = JSON.parse(entry.json) as AdapterPayload;
        // As the SQLite and Redis stores answer a second consume: only one request wins.
        if (payload.consumed) throw new errors.InvalidGrant(`${model} already consumed`);
        payload.consumed = Math.floor(Date.now() / 1000);
        entry.json = JSON.stringify(payload);
      },
      async destroy(id) {
        cache.delete(id);
      },
      async revokeByGrantId(grantId) {
        for (const key of grants?.get(grantId) ?? []) {
          const separator = key.indexOf(':');
          models.get(key.slice(0, separator))?.delete(key.slice(separator + 1));
        }
        grants?.delete(grantId);
      },
    };
  };

  return Object.assign(factory, {
    held: () => ({
      entries: [...models.values()].reduce((sum, cache) => sum + cache.size, 0),
      grants: grants?.size ?? 0,
      lookups: lookups?.size ?? 0,
    }),
  });
}
