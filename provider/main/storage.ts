/**
 * Where an Understudy keeps what it must not lose or must share: in this process and its data
 * directory (the default), or in Redis, shared by every instance behind one issuer. Either
 * way the same pieces: oidc-provider's storage, revoked JWTs, sessionTokens, the control
 * plane's state, the signing keys, and how to hear that another instance changed something.
 */
import { unwatchFile, watchFile } from 'node:fs';
import { join } from 'node:path';
import { ControlState, type ControlStateStore } from '../control/control-state.js';
import { redisControlState } from '../control/redis-state.js';
import {
  type KeyMaterial,
  keyFilePath,
  loadOrCreateKeys,
  newKeyMaterial,
  readKeyFile,
  writeKeyFile,
} from '../oidc/keys.js';
import { type AdapterFactory, createMemoryAdapterFactory } from '../store/memory-adapter.js';
import { connectRedisStore } from '../store/redis.js';
import { type RevocationList, RevokedTokens } from '../store/revoked-tokens.js';
import { SessionTokens, type SessionTokenStore } from '../store/session-tokens.js';

/** What another instance (or `understudy keys rotate`) changed. */
export type SharedChange =
  { kind: 'keys' } | { kind: 'clock'; seconds: number } | { kind: 'seed'; seed: unknown };

export interface Storage {
  /** Where it is, for messages: the data directory, or the Redis URL. */
  readonly where: string;
  storageFor(serverId: string): AdapterFactory;
  revokedFor(serverId: string): RevocationList;
  readonly sessionTokens: SessionTokenStore;
  readonly controlState: ControlStateStore;
  readonly keys: {
    loadOrCreate(): Promise<KeyMaterial>;
    read(): Promise<KeyMaterial | undefined>;
    write(material: KeyMaterial): Promise<void>;
  };
  /** Tells the other instances; a no-op for the local store, which has none. */
  share(change: SharedChange): Promise<void>;
  /** Hears what changed elsewhere. */
  onChange(listener: (change: SharedChange) => void): void;
  close(): Promise<void>;
}

export async function openStorage(options: {
  dataDir: string;
  redisUrl?: string | undefined;
  maxSessions?: number | undefined;
}): Promise<Storage> {
  return options.redisUrl
    ? openRedisStorage(options.redisUrl)
    : openLocalStorage(options.dataDir, options.maxSessions);
}

function openLocalStorage(dataDir: string, maxSessions: number | undefined): Storage {
  // One warning for the whole process, however many authorization servers fill up.
  let warnedFull = false;
  const storageFor = keptPerServer(() =>
    createMemoryAdapterFactory({
      maxPerModel: maxSessions,
      onEvictLive: (model, max) => {
        if (warnedFull) return;
        warnedFull = true;
        console.warn(
          `understudy: WARNING: the in-memory store is full (${max} ${model} entries) and dropped live ones, least recently used first; what used them (sign-ins, tokens) now fails. Raise --max-sessions.`,
        );
      },
    }),
  );
  const revokedFor = keptPerServer(
    (serverId) => new RevokedTokens(join(dataDir, `revoked-tokens-${serverId}.json`), maxSessions),
  );
  const keyFile = keyFilePath(dataDir);
  const listeners: ((change: SharedChange) => void)[] = [];
  // `understudy keys rotate`, or another instance on this data directory, changes the file.
  const onKeyFile = () => {
    for (const listener of listeners) listener({ kind: 'keys' });
  };
  return {
    where: dataDir,
    storageFor,
    revokedFor,
    sessionTokens: new SessionTokens(),
    controlState: new ControlState(),
    keys: {
      loadOrCreate: () => loadOrCreateKeys(dataDir),
      read: () => readKeyFile(dataDir),
      write: async (material) => {
        await writeKeyFile(dataDir, material);
      },
    },
    share: async () => undefined,
    onChange(listener) {
      if (listeners.length === 0) {
        watchFile(keyFile, { interval: 1_000, persistent: false }, onKeyFile);
      }
      listeners.push(listener);
    },
    async close() {
      unwatchFile(keyFile, onKeyFile);
    },
  };
}

async function openRedisStorage(url: string): Promise<Storage> {
  const store = await connectRedisStore(url);
  return {
    where: url,
    storageFor: keptPerServer((serverId) => store.adapterFor(serverId)),
    revokedFor: keptPerServer((serverId) => store.revokedFor(serverId)),
    sessionTokens: store.sessionTokens,
    controlState: redisControlState(store),
    keys: {
      loadOrCreate: () => store.loadOrCreateKeys(newKeyMaterial),
      read: () => store.readKeys(),
      write: (material) => store.writeKeys(material),
    },
    share: (change) => store.publish(change.kind, change),
    onChange(listener) {
      store.onMessage((_topic, data) => listener(data as SharedChange));
    },
    close: () => store.close(),
  };
}

/** One value per authorization server id, made on first use and kept across rebuilds. */
function keptPerServer<T>(create: (serverId: string) => T): (serverId: string) => T {
  const values = new Map<string, T>();
  return (serverId) => {
    const value = values.get(serverId) ?? create(serverId);
    values.set(serverId, value);
    return value;
  };
}
