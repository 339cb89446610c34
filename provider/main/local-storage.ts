/**
 * The local store: this process's memory, and the data directory for what must outlive it.
 */
import { ControlState } from '../control/control-state.js';
import { createMemoryAdapterFactory, warnStoreFull } from '../store/memory-adapter.js';
import { LastLogins } from '../store/last-logins.js';
import { Outbox } from '../store/outbox.js';
import { SessionTokens } from '../store/session-tokens.js';
import { dataDirectoryFiles } from './data-directory-files.js';
import { keptPerServer, type Storage } from './storage.js';

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
  const files = dataDirectoryFiles(dataDir, maxSessions);
  return {
    where: dataDir,
    storageFor,
    revokedFor: files.revokedFor,
    sessionTokens: new SessionTokens(),
    lastLogins: new LastLogins(),
    outbox: new Outbox(),
    controlState: new ControlState(),
    keys: files.keys,
    share: async () => undefined,
    sharedState: async () => [],
    exclusive: (work) => work(),
    storedSeed: async () => undefined,
    onChange: files.onChange,
    close: files.close,
  };
}
