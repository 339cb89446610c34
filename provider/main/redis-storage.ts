/**
 * The shared store: Redis, for every instance behind one issuer (see store/redis.ts).
 */
import { redisControlState } from '../control/redis-state.js';
import { type KeyMaterial, newKeyMaterial, parseKeyFile } from '../oidc/keys.js';
import { connectRedisStore, type RedisStore } from '../store/redis.js';
import { keptPerServer, type SharedChange, type Storage } from './storage.js';

export async function openRedisStorage(url: string): Promise<Storage> {
  const store = await connectRedisStore(url);
  return {
    where: url,
    storageFor: keptPerServer((serverId) => store.adapterFor(serverId)),
    revokedFor: keptPerServer((serverId) => store.revokedFor(serverId)),
    sessionTokens: store.sessionTokens,
    lastLogins: store.lastLogins,
    outbox: store.outbox,
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
    async share(change) {
      // Kept as well as told: an instance started later, or one that missed the message
      // while its connection was down, reads it back.
      if (change.kind === 'clock') await store.run((c) => c.set(clockKey, String(change.seconds)));
      if (change.kind === 'seed') {
        await store.run((c) =>
          c.set(seedKey, JSON.stringify({ seed: change.seed, base: change.base })),
        );
      }
      await store.publish(change.kind, change);
    },
    sharedState: () => storedChanges(store),
    exclusive: (work) => store.exclusive(seedLockKey, work),
    async storedSeed() {
      const change = (await storedChanges(store)).find((stored) => stored.kind === 'seed');
      return change?.kind === 'seed' ? { seed: change.seed, base: change.base } : undefined;
    },
    onChange(listener) {
      store.onMessage((topic, data) => {
        if (topic !== 'resync') return listener(data as SharedChange);
        // Back after a blip: what may have changed meanwhile, read again.
        listener({ kind: 'keys' });
        void storedChanges(store).then(
          (changes) => changes.forEach(listener),
          () => undefined,
        );
      });
    },
    close: () => store.close(),
  };
}

const clockKey = 'understudy:control:clock';
const seedKey = 'understudy:control:seed';
const seedLockKey = 'understudy:control:seed-lock';

async function storedChanges(store: RedisStore): Promise<SharedChange[]> {
  const [clock, seed] = await store.run((c) => c.mGet([clockKey, seedKey]));
  return [
    ...(clock == null ? [] : [{ kind: 'clock' as const, seconds: Number(clock) }]),
    ...(seed == null
      ? []
      : [{ kind: 'seed' as const, ...(JSON.parse(seed) as { seed: unknown; base: string }) }]),
  ];
}

function parseKeys(json: string): KeyMaterial {
  return Object.freeze(parseKeyFile(json, 'the keys in Redis'));
}
