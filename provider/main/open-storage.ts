/**
 * Opens the store this start asks for: local (the default), or Redis with --redis.
 */
import { openLocalStorage } from './local-storage.js';
import type { Storage } from './storage.js';

export async function openStorage(options: {
  dataDir: string;
  redisUrl?: string | undefined;
  maxSessions?: number | undefined;
}): Promise<Storage> {
  if (!options.redisUrl) return openLocalStorage(options.dataDir, options.maxSessions);
  // Loaded only with --redis, so a local start never pays for the Redis client.
  const { openRedisStorage } = await import('./redis-storage.js');
  return openRedisStorage(options.redisUrl);
}
