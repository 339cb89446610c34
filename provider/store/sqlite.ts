/**
 * The durable local store: one SQLite file in the data directory (Node's built-in node:sqlite,
 * WAL), so what Understudy answered with survives a restart, a crash or a SIGKILL: sessions,
 * grants, codes, refresh tokens, sign-ins in progress, second-factor codes, the outbox, last
 * logins, sessionTokens, and the users the Management API changed. Expiry and the per-model cap
 * bound it on disk as they bound the memory store.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { Adapter, AdapterPayload } from 'oidc-provider';
import { errors } from 'oidc-provider';
import { defaultMaxPerModel, type AdapterFactory } from './memory-adapter.js';

/** Bumped when the tables change; a file from a newer Understudy is refused, not rewritten. */
export const schemaVersion = 1;
export const databaseFileName = 'understudy.sqlite';

export class StoreFileError extends Error {
  override name = 'StoreFileError';
}

export interface SqliteStore {
  readonly file: string;
  /** oidc-provider's models of one authorization server. */
  adapterFor(serverId: string): AdapterFactory;
  /** Small values by namespace and key (users, outbox, last logins, sessionTokens). */
  readonly values: KeyValues;
  close(): void;
}

export interface KeyValues {
  get(namespace: string, key: string): string | undefined;
  set(namespace: string, key: string, value: string, expiresInSeconds?: number): void;
  delete(namespace: string, key: string): boolean;
  /** The live values of a namespace, newest first. */
  list(namespace: string): { key: string; value: string }[];
  /** Keeps the newest `keep` of a namespace. */
  trim(namespace: string, keep: number): void;
  clear(namespace: string): void;
}

export function openSqliteStore(dataDir: string, maxPerModel = defaultMaxPerModel): SqliteStore {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, databaseFileName);
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(file, { timeout: 2_000 });
    db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;');
    migrate(db, file);
  } catch (cause) {
    throw storeFileError(file, cause);
  }

  const now = () => Date.now();
  const statements = {
    // REPLACE gives the row a new rowid: the oldest rows are the least recently written.
    upsert: db.prepare(
      `INSERT OR REPLACE INTO oidc (server, model, id, payload, grant_id, uid, user_code, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    find: db.prepare(
      'SELECT payload FROM oidc WHERE server = ? AND model = ? AND id = ? AND (expires_at IS NULL OR expires_at > ?)',
    ),
    findBy: (column: 'uid' | 'user_code') =>
      db.prepare(
        `SELECT payload FROM oidc WHERE server = ? AND model = ? AND ${column} = ? AND (expires_at IS NULL OR expires_at > ?)`,
      ),
    consume: db.prepare(
      `UPDATE oidc SET payload = json_set(payload, '$.consumed', ?)
       WHERE server = ? AND model = ? AND id = ? AND json_extract(payload, '$.consumed') IS NULL`,
    ),
    destroy: db.prepare('DELETE FROM oidc WHERE server = ? AND model = ? AND id = ?'),
    revokeGrant: db.prepare('DELETE FROM oidc WHERE server = ? AND grant_id = ?'),
    expire: db.prepare('DELETE FROM oidc WHERE expires_at IS NOT NULL AND expires_at <= ?'),
    overCap: db.prepare(
      'SELECT server, model, COUNT(*) AS n FROM oidc GROUP BY server, model HAVING n > ?',
    ),
    dropOldest: db.prepare(
      `DELETE FROM oidc WHERE rowid IN (SELECT rowid FROM oidc WHERE server = ? AND model = ?
       ORDER BY rowid LIMIT ?)`,
    ),
    kvGet: db.prepare(
      'SELECT value FROM kv WHERE namespace = ? AND key = ? AND (expires_at IS NULL OR expires_at > ?)',
    ),
    kvSet: db.prepare(
      'INSERT OR REPLACE INTO kv (namespace, key, value, expires_at) VALUES (?, ?, ?, ?)',
    ),
    kvDelete: db.prepare('DELETE FROM kv WHERE namespace = ? AND key = ?'),
    kvList: db.prepare(
      'SELECT key, value FROM kv WHERE namespace = ? AND (expires_at IS NULL OR expires_at > ?) ORDER BY rowid DESC',
    ),
    kvTrim: db.prepare(
      `DELETE FROM kv WHERE namespace = ? AND rowid NOT IN
       (SELECT rowid FROM kv WHERE namespace = ? ORDER BY rowid DESC LIMIT ?)`,
    ),
    kvClear: db.prepare('DELETE FROM kv WHERE namespace = ?'),
    kvExpire: db.prepare('DELETE FROM kv WHERE expires_at IS NOT NULL AND expires_at <= ?'),
  };

  // Every few hundred writes, expired rows go and a model over its cap loses its least
  // recently written rows: the file stays bounded however long it runs, at no cost per write.
  let writes = 0;
  const afterWrite = () => {
    writes += 1;
    if (writes % 256 !== 0) return;
    statements.expire.run(now());
    statements.kvExpire.run(now());
    for (const row of statements.overCap.all(maxPerModel)) {
      const { server, model, n } = row as { server: string; model: string; n: number };
      statements.dropOldest.run(server, model, n - maxPerModel);
    }
  };

  const parse = (row: unknown): AdapterPayload | undefined =>
    row ? (JSON.parse((row as { payload: string }).payload) as AdapterPayload) : undefined;

  const adapterFor = (server: string): AdapterFactory => {
    const byUid = statements.findBy('uid');
    const byUserCode = statements.findBy('user_code');
    return (model): Adapter => ({
      async upsert(id, payload, expiresIn) {
        statements.upsert.run(
          server,
          model,
          id,
          JSON.stringify(payload),
          payload.grantId ?? null,
          payload.uid ?? null,
          payload.userCode ?? null,
          expiresIn ? now() + expiresIn * 1000 : null,
        );
        afterWrite();
      },
      async find(id) {
        return parse(statements.find.get(server, model, id, now()));
      },
      async findByUid(uid) {
        return parse(byUid.get(server, model, uid, now()));
      },
      async findByUserCode(userCode) {
        return parse(byUserCode.get(server, model, userCode, now()));
      },
      async consume(id) {
        const { changes } = statements.consume.run(Math.floor(now() / 1000), server, model, id);
        if (Number(changes) === 0 && statements.find.get(server, model, id, now())) {
          throw new errors.InvalidGrant(`${model} already consumed`);
        }
      },
      async destroy(id) {
        statements.destroy.run(server, model, id);
      },
      async revokeByGrantId(grantId) {
        statements.revokeGrant.run(server, grantId);
      },
    });
  };

  const values: KeyValues = {
    get: (namespace, key) =>
      (statements.kvGet.get(namespace, key, now()) as { value: string } | undefined)?.value,
    set(namespace, key, value, expiresInSeconds) {
      statements.kvSet.run(
        namespace,
        key,
        value,
        expiresInSeconds === undefined ? null : now() + expiresInSeconds * 1000,
      );
      afterWrite();
    },
    delete: (namespace, key) => Number(statements.kvDelete.run(namespace, key).changes) > 0,
    list: (namespace) =>
      statements.kvList.all(namespace, now()) as unknown as { key: string; value: string }[],
    trim(namespace, keep) {
      statements.kvTrim.run(namespace, namespace, keep);
    },
    clear(namespace) {
      statements.kvClear.run(namespace);
    },
  };

  return {
    file,
    adapterFor,
    values,
    close() {
      if (db.isOpen) db.close();
    },
  };
}

function migrate(db: DatabaseSync, file: string): void {
  db.exec('CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
  const row = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as
    { value: string } | undefined;
  const found = row ? Number(row.value) : 0;
  if (found > schemaVersion) {
    throw new StoreFileError(
      `${file} was written by a newer Understudy (store version ${found}; this one reads up to ${schemaVersion}). Upgrade, or start with another --data-dir; nothing was changed.`,
    );
  }
  if (found === schemaVersion) return;
  db.exec(`
    CREATE TABLE IF NOT EXISTS oidc (
      server TEXT NOT NULL, model TEXT NOT NULL, id TEXT NOT NULL, payload TEXT NOT NULL,
      grant_id TEXT, uid TEXT, user_code TEXT, expires_at INTEGER,
      UNIQUE (server, model, id)
    );
    CREATE INDEX IF NOT EXISTS oidc_grant ON oidc (server, grant_id);
    CREATE INDEX IF NOT EXISTS oidc_uid ON oidc (server, model, uid);
    CREATE INDEX IF NOT EXISTS oidc_user_code ON oidc (server, model, user_code);
    CREATE INDEX IF NOT EXISTS oidc_expiry ON oidc (expires_at);
    CREATE TABLE IF NOT EXISTS kv (
      namespace TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, expires_at INTEGER,
      UNIQUE (namespace, key)
    );
  `);
  db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)").run(
    String(schemaVersion),
  );
}

function storeFileError(file: string, cause: unknown): StoreFileError {
  if (cause instanceof StoreFileError) return cause;
  const message = (cause as Error).message;
  const why = /not a database|malformed|file is (encrypted|not)/i.test(message)
    ? 'is not an Understudy store (corrupt, or another kind of file); move it away to start afresh, nothing was changed'
    : /locked|busy/i.test(message)
      ? 'is locked by another process; stop it, or start with another --data-dir'
      : message;
  return new StoreFileError(`${file} ${why}`, { cause });
}
