/**
 * Opens the store this start asks for: Redis with --redis; otherwise the data directory's
 * SQLite file (`sqlite`, the CLI's default) or this process's memory (`memory`, the test kit's).
 */
import { openLocalStorage } from './local-storage.js';
import type { Storage } from './storage.js';

export type StoreKind = 'memory' | 'sqlite';

export async function openStorage(options: {
  dataDir: string;
  store?: StoreKind | undefined;
  redisUrl?: string | undefined;
  maxSessions?: number | undefined;
}): Promise<Storage> {
  if (!options.redisUrl && options.store === 'sqlite') {
    const { openSqliteStorage } = await import('./sqlite-storage.js');
    return openSqliteStorage(options.dataDir, options.maxSessions);
  }
  if (!options.redisUrl) return openLocalStorage(options.dataDir, options.maxSessions);
  // Loaded only with --redis, so a local start never pays for the Redis client.
  const { openRedisStorage } = await import('./redis-storage.js');
  return openRedisStorage(options.redisUrl);
}
