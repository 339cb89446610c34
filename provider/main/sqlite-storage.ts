/**
 * The durable local store, the CLI's default: the data directory's SQLite file for everything
 * the provider answered with, the key and revocation files beside it as before. A restart
 * (even after SIGKILL) finds sessions, tokens, sign-ins in progress, the outbox and the users
 * the Management API changed where it left them.
 */
import {
  type ControlStateStore,
  type FailableEndpoint,
  failableEndpoints,
  type InjectedFailure,
  type NextLogin,
} from '../control/control-state.js';
import type { LastLoginStore } from '../store/last-logins.js';
import {
  addressedTo,
  type OutboxMessage,
  type OutboxStore,
  outboxLimit,
  outboxMessage,
} from '../store/outbox.js';
import {
  newSessionToken,
  type SessionTokenStore,
  sessionTokenLifetimeMs,
} from '../store/session-tokens.js';
import { type KeyValues, openSqliteStore } from '../store/sqlite.js';
import { dataDirectoryFiles } from './data-directory-files.js';
import { keptPerServer, type SharedChange, type Storage } from './storage.js';

export function openSqliteStorage(dataDir: string, maxSessions: number | undefined): Storage {
  const store = openSqliteStore(dataDir, maxSessions);
  const { values } = store;
  const files = dataDirectoryFiles(dataDir, maxSessions);
  return {
    where: store.file,
    storageFor: keptPerServer((serverId) => store.adapterFor(serverId)),
    revokedFor: files.revokedFor,
    sessionTokens: sessionTokens(values),
    lastLogins: lastLogins(values),
    outbox: outbox(values),
    controlState: controlState(values),
    keys: files.keys,
    // No other instance to tell; kept, so the next start takes it up (the users, the clock).
    async share(change) {
      if (change.kind === 'keys') return;
      values.set('shared', change.kind, JSON.stringify(change));
    },
    async sharedState() {
      return ['clock', 'seed'].flatMap((kind) => {
        const json = values.get('shared', kind);
        return json ? [JSON.parse(json) as SharedChange] : [];
      });
    },
    exclusive: (work) => work(),
    async storedSeed() {
      const json = values.get('shared', 'seed');
      const change = json ? (JSON.parse(json) as SharedChange) : undefined;
      return change?.kind === 'seed' ? { seed: change.seed, base: change.base } : undefined;
    },
    onChange: files.onChange,
    async close() {
      await files.close();
      store.close();
    },
  };
}

function sessionTokens(values: KeyValues): SessionTokenStore {
  return {
    async issue(accountId) {
      const sessionToken = newSessionToken();
      values.set('session-token', sessionToken, accountId, sessionTokenLifetimeMs / 1000);
      return { sessionToken, expiresAt: new Date(Date.now() + sessionTokenLifetimeMs) };
    },
    async consume(sessionToken) {
      const accountId = values.get('session-token', sessionToken);
      // Spent either way, and once: only the request that deletes it may use it.
      return values.delete('session-token', sessionToken) ? accountId : undefined;
    },
  };
}

function lastLogins(values: KeyValues): LastLoginStore {
  return {
    async record(userId, at) {
      values.set('last-login', userId, at.toISOString());
    },
    async get(userIds) {
      const found = new Map<string, string>();
      for (const id of userIds) {
        const time = values.get('last-login', id);
        if (time) found.set(id, time);
      }
      return found;
    },
  };
}

function outbox(values: KeyValues): OutboxStore {
  return {
    async send(message) {
      const sent = outboxMessage(message);
      values.set('outbox', sent.id, JSON.stringify(sent));
      values.trim('outbox', outboxLimit);
      return sent;
    },
    async list(to) {
      return values
        .list('outbox')
        .map(({ value }) => JSON.parse(value) as OutboxMessage)
        .filter(addressedTo(to));
    },
    async clear() {
      values.clear('outbox');
    },
  };
}

function controlState(values: KeyValues): ControlStateStore {
  const read = <T>(key: string): T | undefined => {
    const json = values.get('control', key);
    return json === undefined ? undefined : (JSON.parse(json) as T);
  };
  const failures = (endpoint: FailableEndpoint) =>
    read<InjectedFailure[]>(`failures:${endpoint}`) ?? [];
  return {
    async setNextLogin(next) {
      if (next) values.set('control', 'next-login', JSON.stringify(next));
      else values.delete('control', 'next-login');
    },
    async takeNextLogin() {
      const next = read<NextLogin>('next-login');
      values.delete('control', 'next-login');
      return next;
    },
    nextLogin: async () => read<NextLogin>('next-login'),
    async failNext(endpoint, failure, times = 1) {
      const queue = [
        ...failures(endpoint),
        ...Array.from({ length: times }, () => ({ ...failure })),
      ];
      values.set('control', `failures:${endpoint}`, JSON.stringify(queue));
    },
    async takeFailure(endpoint) {
      const [first, ...rest] = failures(endpoint);
      values.set('control', `failures:${endpoint}`, JSON.stringify(rest));
      return first;
    },
    async pendingFailures() {
      return Object.fromEntries(
        failableEndpoints.map((endpoint) => [endpoint, failures(endpoint)]),
      ) as Record<FailableEndpoint, InjectedFailure[]>;
    },
    async clear() {
      values.clear('control');
    },
  };
}
