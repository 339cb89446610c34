/**
 * A shared session store for running the app as more than one process: Redis, when
 * SESSION_REDIS_URL is set. Without it, sessions live in this process's memory.
 */
import { RedisStore } from 'connect-redis';
import { createClient } from 'redis';

export interface SharedSessionStore {
  store: RedisStore;
  close(): Promise<void>;
}

export async function connectRedisSessionStore(url: string): Promise<SharedSessionStore> {
  const client = createClient({ url, socket: { connectTimeout: 5_000, reconnectStrategy: false } });
  client.on('error', (error) =>
    console.error(`demo app: Redis session store: ${(error as Error).message}`),
  );
  try {
    await client.connect();
  } catch (error) {
    throw new Error(`cannot reach the Redis session store at ${url}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return {
    store: new RedisStore({ client, prefix: 'demo:sess:' }),
    close: async () => {
      await client.close();
    },
  };
}
