/**
 * What every local store keeps as files of their own in the data directory, whichever store
 * holds the rest: the signing keys (watched, since `understudy keys rotate` or another instance
 * on the directory changes them) and the revoked JWT access tokens of each server.
 */
import { unwatchFile, watchFile } from 'node:fs';
import { join } from 'node:path';
import { keyFilePath, loadOrCreateKeys, readKeyFile, writeKeyFile } from '../oidc/keys.js';
import { RevokedTokens } from '../store/revoked-tokens.js';
import { keptPerServer, type SharedChange, type Storage } from './storage.js';

export function dataDirectoryFiles(
  dataDir: string,
  maxSessions: number | undefined,
): Pick<Storage, 'revokedFor' | 'keys' | 'onChange' | 'close'> {
  const keyFile = keyFilePath(dataDir);
  const listeners: ((change: SharedChange) => void)[] = [];
  const onKeyFile = () => {
    for (const listener of listeners) listener({ kind: 'keys' });
  };
  return {
    revokedFor: keptPerServer(
      (serverId) =>
        new RevokedTokens(join(dataDir, `revoked-tokens-${serverId}.json`), maxSessions),
    ),
    keys: {
      loadOrCreate: () => loadOrCreateKeys(dataDir),
      read: () => readKeyFile(dataDir),
      write: async (material) => {
        await writeKeyFile(dataDir, material);
      },
    },
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
