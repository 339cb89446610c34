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
  let connectedOnce = false;
  const client = createClient({
    url,
    // Requests fail at once while Redis is away instead of queueing until it is back.
    disableOfflineQueue: true,
    socket: {
      connectTimeout: 5_000,
      // A Redis that is not there at start-up is a configuration error, said once; one that
      // goes away later is a blip, retried with backoff until it returns.
      reconnectStrategy: (retries, cause) =>
        connectedOnce ? Math.min(100 * 2 ** retries, 2_000) : cause,
    },
  });
  client.on('error', (error) =>
    console.error(`demo app: Redis session store: ${(error as Error).message}`),
  );
  client.on('ready', () => {
    connectedOnce = true;
  });
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
      if (client.isOpen) await client.close();
    },
  };
}
