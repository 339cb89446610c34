/**
 * The shared store: Redis, for every instance behind one issuer (see store/redis.ts).
 */
import { redisControlState } from '../control/redis-state.js';
import { type KeyMaterial, newKeyMaterial, parseKeyFile } from '../oidc/keys.js';
import { connectRedisStore } from '../store/redis.js';
import { keptPerServer, type SharedChange, type Storage } from './storage.js';

export async function openRedisStorage(url: string): Promise<Storage> {
  const store = await connectRedisStore(url);
  return {
    where: url,
    storageFor: keptPerServer((serverId) => store.adapterFor(serverId)),
    revokedFor: keptPerServer((serverId) => store.revokedFor(serverId)),
    sessionTokens: store.sessionTokens,
    controlState: redisControlState(store),
    keys: {
      loadOrCreate: async () =>
        parseKeys(await store.loadOrCreateKeys(async () => JSON.stringify(await newKeyMaterial()))),
      read: async () => {
        const json = await store.readKeys();
        return json === undefined ? undefined : parseKeys(json);
      },
      write: (material) => store.writeKeys(JSON.stringify(material)),
    },
    share: (change) => store.publish(change.kind, change),
    onChange(listener) {
      store.onMessage((_topic, data) => listener(data as SharedChange));
    },
    close: () => store.close(),
  };
}

function parseKeys(json: string): KeyMaterial {
  return Object.freeze(parseKeyFile(json, 'the keys in Redis'));
}
