/**
 * The local store: this process's memory, and the data directory for what must outlive it.
 */
import { unwatchFile, watchFile } from 'node:fs';
import { join } from 'node:path';
import { ControlState } from '../control/control-state.js';
import { keyFilePath, loadOrCreateKeys, readKeyFile, writeKeyFile } from '../oidc/keys.js';
import { createMemoryAdapterFactory, warnStoreFull } from '../store/memory-adapter.js';
import { LastLogins } from '../store/last-logins.js';
import { Outbox } from '../store/outbox.js';
import { RevokedTokens } from '../store/revoked-tokens.js';
import { SessionTokens } from '../store/session-tokens.js';
import { keptPerServer, type SharedChange, type Storage } from './storage.js';

export function openLocalStorage(dataDir: string, maxSessions: number | undefined): Storage {
  // One warning for the whole process, however many authorization servers fill up.
  let warnedFull = false;
  const storageFor = keptPerServer(() =>
    createMemoryAdapterFactory({
      maxPerModel: maxSessions,
      onEvictLive: (model, max) => {
        if (warnedFull) return;
        warnedFull = true;
        warnStoreFull(model, max);
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
    lastLogins: new LastLogins(),
    outbox: new Outbox(),
    controlState: new ControlState(),
    keys: {
      loadOrCreate: () => loadOrCreateKeys(dataDir),
      read: () => readKeyFile(dataDir),
      write: async (material) => {
        await writeKeyFile(dataDir, material);
      },
    },
    share: async () => undefined,
    sharedState: async () => [],
    exclusive: (work) => work(),
    storedSeed: async () => undefined,
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
