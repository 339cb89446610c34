/**
 * Redis as the store every instance behind one issuer shares: oidc-provider's models with
 * their TTLs, codes and refresh tokens consumed once across instances, grant-wide revocation,
 * the uid and user-code lookups, revoked JWTs, sessionTokens, the signing keys, and a channel
 * on which instances tell each other what changed. Redis down or slow is a 503 at once
 * (no queueing, a short deadline per command); the client reconnects by itself.
 */
import { randomUUID } from 'node:crypto';
import { createClient } from 'redis';
import type { Adapter, AdapterPayload } from 'oidc-provider';
import { errors } from 'oidc-provider';
import { ServiceUnavailable } from '../http/errors.js';
import type { AdapterFactory } from './memory-adapter.js';
import type { LastLoginStore } from './last-logins.js';
import type { RevocationList } from './revoked-tokens.js';
import {
  newSessionToken,
  sessionTokenLifetimeMs,
  type SessionTokenStore,
} from './session-tokens.js';
import {
  addressedTo,
  type OutboxMessage,
  type OutboxStore,
  outboxLimit,
  outboxMessage,
} from './outbox.js';

function makeClient(url: string, reconnect: (retries: number, cause: Error) => number | Error) {
  return createClient({
    url,
    // Fail at once while Redis is away: a request gets a 503, not a wait of unknown length.
    disableOfflineQueue: true,
    socket: { connectTimeout: 5_000, reconnectStrategy: reconnect },
  });
}

type Client = ReturnType<typeof makeClient>;

const prefix = 'understudy:';
const deadlineMs = 2_000;

export interface RedisStore {
  readonly client: Client;
  adapterFor(serverId: string): AdapterFactory;
  revokedFor(serverId: string): RevocationList;
  readonly sessionTokens: SessionTokenStore;
  readonly lastLogins: LastLoginStore;
  readonly outbox: OutboxStore;
  /** The shared keys (as JSON, opaque here): made once by whichever instance comes first. */
  loadOrCreateKeys(create: () => Promise<string>): Promise<string>;
  readKeys(): Promise<string | undefined>;
  writeKeys(json: string): Promise<void>;
  /** Tells every other instance; `onMessage` hears theirs. */
  publish(topic: string, data: unknown): Promise<void>;
  onMessage(listener: (topic: string, data: unknown) => void): void;
  /** Runs a command with the store's deadline and failure mapping (for other shared state). */
  run<T>(command: (client: Client) => Promise<T>): Promise<T>;
  /** Runs `work` holding the lock `key` (every instance waits its turn for up to 5 s). */
  exclusive<T>(key: string, work: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export async function connectRedisStore(url: string): Promise<RedisStore> {
  let connectedOnce = false;
  // Not there at start-up is a configuration error, said once; gone later is a blip, retried.
  const reconnect = (retries: number, cause: Error) =>
    connectedOnce ? Math.min(50 * 2 ** retries, 1_000) : cause;
  const client = makeClient(url, reconnect);
  const subscriber = makeClient(url, reconnect);
  let reported = false;
  // The keys as this instance knows them, put back if Redis comes back without them (a
  // restart without persistence): otherwise the next instance to start would make new ones.
  let knownKeys: string | undefined;
  client.on('ready', () => {
    if (!connectedOnce || !knownKeys) return;
    client.set(`${prefix}keys`, knownKeys, { NX: true }).catch(() => undefined);
  });
  for (const connection of [client, subscriber]) {
    connection.on('error', (error: Error) => {
      if (reported) return;
      reported = true;
      console.error(`understudy: Redis at ${url}: ${error.message}; retrying`);
    });
    connection.on('ready', () => {
      if (reported && connection === client) console.error(`understudy: Redis at ${url} is back`);
      reported = false;
    });
  }
  try {
    await client.connect();
    await subscriber.connect();
  } catch (error) {
    for (const connection of [client, subscriber]) if (connection.isOpen) await connection.close();
    throw new Error(`cannot reach Redis at ${url}: ${(error as Error).message}`, { cause: error });
  }
  // EXPIRE ... NX/GT need Redis 7; an older one would fail every write, so say so now.
  const version = /redis_version:(\d+)/.exec(await client.info('server'))?.[1];
  if (Number(version) < 7) {
    await client.close();
    await subscriber.close();
    throw new Error(`Redis at ${url} is version ${version}; Understudy needs Redis 7 or later`);
  }
  connectedOnce = true;
  const instance = newSessionToken();
  const listeners: ((topic: string, data: unknown) => void)[] = [];
  subscriber.on('ready', () => {
    if (!connectedOnce) return;
    for (const listener of listeners) listener('resync', null);
  });
  await subscriber.subscribe(`${prefix}changes`, (message) => {
    const { from, topic, data } = JSON.parse(message) as {
      from: string;
      topic: string;
      data: unknown;
    };
    if (from === instance) return;
    for (const listener of listeners) listener(topic, data);
  });

  const run = async <T>(command: (connection: Client) => Promise<T>): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        command(client),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`no answer within ${deadlineMs} ms`)),
            deadlineMs,
          );
        }),
      ]);
    } catch (cause) {
      if (cause instanceof errors.OIDCProviderError) throw cause;
      throw new ServiceUnavailable(
        'the shared store (Redis) is not answering; try again in a moment',
        { cause },
      );
    } finally {
      clearTimeout(timer);
    }
  };

  const store: RedisStore = {
    client,
    adapterFor: (serverId) => redisAdapterFactory(run, `${prefix}${serverId}:`),
    revokedFor: (serverId) => redisRevocations(run, `${prefix}${serverId}:`),
    sessionTokens: redisSessionTokens(run),
    outbox: redisOutbox(run),
    lastLogins: redisLastLogins(run),
    async loadOrCreateKeys(create) {
      const existing = await store.readKeys();
      if (existing) return existing;
      const made = await create();
      await run((c) => c.set(`${prefix}keys`, made, { NX: true }));
      return (await store.readKeys()) ?? made;
    },
    async readKeys() {
      const text = await run((c) => c.get(`${prefix}keys`));
      if (text) knownKeys = text;
      return text ?? undefined;
    },
    async writeKeys(json) {
      await run((c) => c.set(`${prefix}keys`, json));
      knownKeys = json;
      await store.publish('keys', { kind: 'keys' });
    },
    async publish(topic, data) {
      await run((c) =>
        c.publish(`${prefix}changes`, JSON.stringify({ from: instance, topic, data })),
      );
    },
    onMessage: (listener) => void listeners.push(listener),
    run,
    async exclusive(key, work) {
      const token = randomUUID();
      const waitUntil = Date.now() + 5_000;
      // Held for 10 s at most, so an instance that dies holding it does not block the rest.
      while (!(await run((c) => c.set(key, token, { NX: true, PX: 10_000 })))) {
        if (Date.now() > waitUntil) {
          throw new ServiceUnavailable('another instance is changing the users; try again');
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      try {
        return await work();
      } finally {
        // Only our own lock: it may have expired and be another instance's by now.
        await run((c) => c.eval(releaseLock, { keys: [key], arguments: [token] })).catch(
          () => undefined,
        );
      }
    },
    async close() {
      for (const connection of [subscriber, client]) {
        if (connection.isOpen) await connection.close();
      }
    },
  };
  return store;
}

type Run = <T>(command: (client: Client) => Promise<T>) => Promise<T>;

const releaseLock =
  "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0";

function redisAdapterFactory(run: Run, base: string): AdapterFactory {
  return (model) => {
    const key = (id: string) => `${base}${model}:${id}`;
    const consumedKey = (id: string) => `${base}${model}:${id}:consumed`;
    const grantKey = (grantId: string) => `${base}grant:${grantId}`;
    const lookupKey = (kind: string, value: string) => `${base}${kind}:${model}:${value}`;
    const find = async (id: string): Promise<AdapterPayload | undefined> => {
      const [json, consumed] = await run((c) => c.mGet([key(id), consumedKey(id)]));
      if (!json) return undefined;
      const payload = JSON.parse(json) as AdapterPayload;
      if (consumed) payload.consumed = Number(consumed);
      return payload;
    };
    const adapter: Adapter = {
      async upsert(id, payload, expiresIn) {
        const ttl = expiresIn ? { PX: expiresIn * 1000 } : {};
        await run(async (c) => {
          const multi = c.multi().set(key(id), JSON.stringify(payload), ttl);
          if (payload.grantId) {
            multi.sAdd(grantKey(payload.grantId), key(id));
            // The grant's index lives as long as its longest-lived member could (NX gives a
            // new index its first expiry; GT only ever lengthens it).
            if (expiresIn) {
              multi.expire(grantKey(payload.grantId), expiresIn, 'NX');
              multi.expire(grantKey(payload.grantId), expiresIn, 'GT');
            } else multi.persist(grantKey(payload.grantId));
          }
          if (payload.userCode) multi.set(lookupKey('userCode', payload.userCode), id, ttl);
          if (payload.uid) multi.set(lookupKey('uid', payload.uid), id, ttl);
          await multi.exec();
        });
      },
      find,
      async findByUserCode(userCode) {
        const id = await run((c) => c.get(lookupKey('userCode', userCode)));
        return id ? find(id) : undefined;
      },
      async findByUid(uid) {
        const id = await run((c) => c.get(lookupKey('uid', uid)));
        return id ? find(id) : undefined;
      },
      async consume(id) {
        // Once across every instance: the first SET NX wins, a second redemption is refused.
        const first = await run(async (c) => {
          const ttl = await c.pTTL(key(id));
          // -2: gone meanwhile (revoked, or expired); a marker then would outlive its entry.
          if (ttl === -2) return null;
          return c.set(consumedKey(id), String(Math.floor(Date.now() / 1000)), {
            NX: true,
            ...(ttl > 0 ? { PX: ttl } : {}),
          });
        });
        if (first === null) throw new errors.InvalidGrant(`${model} already consumed or revoked`);
      },
      async destroy(id) {
        await run((c) => c.del([key(id), consumedKey(id)]));
      },
      async revokeByGrantId(grantId) {
        await run(async (c) => {
          const members = await c.sMembers(grantKey(grantId));
          if (members.length === 0) return;
          // Only what was read leaves the index: a member added meanwhile stays revocable.
          await c
            .multi()
            .sRem(grantKey(grantId), members)
            .del([...members, ...members.map((member) => `${member}:consumed`)])
            .exec();
        });
      },
    };
    return adapter;
  };
}

function redisRevocations(run: Run, base: string): RevocationList {
  const revokedKey = (jti: string) => `${base}revoked:${jti}`;
  const issuedKey = (grantId: string) => `${base}issued:${grantId}`;
  const now = () => Math.floor(Date.now() / 1000);
  // Relative TTLs: `exp` is on this process's (perhaps shifted) clock, Redis keeps its own.
  const lifeMs = (exp: number) => (exp - now()) * 1000;
  return {
    async issued(grantId, jti, exp) {
      if (exp <= now()) return;
      await run((c) =>
        c
          .multi()
          .hSet(issuedKey(grantId), jti, String(exp))
          .pExpire(issuedKey(grantId), lifeMs(exp), 'NX')
          .pExpire(issuedKey(grantId), lifeMs(exp), 'GT')
          .exec(),
      );
    },
    async revoke(jti, exp) {
      if (exp <= now()) return;
      await run((c) => c.set(revokedKey(jti), '1', { PX: lifeMs(exp) }));
    },
    async revokeGrant(grantId) {
      await run(async (c) => {
        const issued = await c.hGetAll(issuedKey(grantId));
        const jtis = Object.keys(issued);
        if (jtis.length === 0) return;
        // Only what was read leaves the index: a token issued meanwhile stays revocable.
        const multi = c.multi().hDel(issuedKey(grantId), jtis);
        for (const [jti, exp] of Object.entries(issued)) {
          if (Number(exp) > now()) multi.set(revokedKey(jti), '1', { PX: lifeMs(Number(exp)) });
        }
        await multi.exec();
      });
    },
    async has(jti) {
      return (await run((c) => c.exists(revokedKey(jti)))) === 1;
    },
  };
}

const lastLoginTtlSeconds = 90 * 24 * 3600;

function redisLastLogins(run: Run): LastLoginStore {
  const key = `${prefix}last-login`;
  return {
    async record(userId, at) {
      // Kept while anyone signs in; a Redis left behind by a finished CI run empties itself.
      await run((c) =>
        c.multi().hSet(key, userId, at.toISOString()).expire(key, lastLoginTtlSeconds).exec(),
      );
    },
    async get(userIds) {
      if (userIds.length === 0) return new Map();
      const times = await run((c) => c.hmGet(key, [...userIds]));
      const found = new Map<string, string>();
      userIds.forEach((id, i) => {
        const time = times[i];
        if (typeof time === 'string') found.set(id, time);
      });
      return found;
    },
  };
}

function redisSessionTokens(run: Run): SessionTokenStore {
  const tokenKey = (token: string) => `${prefix}session-token:${token}`;
  return {
    async issue(accountId) {
      const sessionToken = newSessionToken();
      await run((c) => c.set(tokenKey(sessionToken), accountId, { PX: sessionTokenLifetimeMs }));
      return { sessionToken, expiresAt: new Date(Date.now() + sessionTokenLifetimeMs) };
    },
    async consume(sessionToken) {
      return (await run((c) => c.getDel(tokenKey(sessionToken)))) ?? undefined;
    },
  };
}

function redisOutbox(run: Run): OutboxStore {
  const key = `${prefix}outbox`;
  return {
    async send(message) {
      const sent = outboxMessage(message);
      await run((c) =>
        c
          .multi()
          .lPush(key, JSON.stringify(sent))
          .lTrim(key, 0, outboxLimit - 1)
          .exec(),
      );
      return sent;
    },
    async list(to) {
      const all = await run((c) => c.lRange(key, 0, -1));
      return all.map((json) => JSON.parse(json) as OutboxMessage).filter(addressedTo(to));
    },
    async clear() {
      await run((c) => c.del(key));
    },
  };
}
