/**
 * Where an Understudy keeps what it must not lose or must share: in this process and its data
 * directory (the default), or in Redis, shared by every instance behind one issuer. Either
 * way the same pieces: oidc-provider's storage, revoked JWTs, sessionTokens, the control
 * plane's state, the signing keys, and how to hear that another instance changed something.
 */
import type { ControlStateStore } from '../control/control-state.js';
import type { KeyMaterial } from '../oidc/keys.js';
import type { AdapterFactory } from '../store/memory-adapter.js';
import type { LastLoginStore } from '../store/last-logins.js';
import type { OutboxStore } from '../store/outbox.js';
import type { RevocationList } from '../store/revoked-tokens.js';
import type { SessionTokenStore } from '../store/session-tokens.js';

/**
 * What another instance (or `understudy keys rotate`) changed. A seed change names the seed
 * file it started from (`base`, a hash), so an instance started from another file, or from the
 * same file edited since, does not take it.
 */
export type SharedChange =
  | { kind: 'keys' }
  | { kind: 'clock'; seconds: number }
  | { kind: 'seed'; seed: unknown; base: string };

export interface Storage {
  /** Where it is, for messages: the data directory, or the Redis URL. */
  readonly where: string;
  storageFor(serverId: string): AdapterFactory;
  revokedFor(serverId: string): RevocationList;
  readonly sessionTokens: SessionTokenStore;
  readonly lastLogins: LastLoginStore;
  /** The email and SMS codes sign-ins sent. */
  readonly outbox: OutboxStore;
  readonly controlState: ControlStateStore;
  readonly keys: {
    loadOrCreate(): Promise<KeyMaterial>;
    read(): Promise<KeyMaterial | undefined>;
    write(material: KeyMaterial): Promise<void>;
  };
  /** Tells the other instances; a no-op for the local store, which has none. */
  share(change: SharedChange): Promise<void>;
  /** What the other instances changed before this one started (the clock, the users). */
  sharedState(): Promise<SharedChange[]>;
  /** Runs `work` while no other instance runs theirs (a lock in Redis); at once locally. */
  exclusive<T>(work: () => Promise<T>): Promise<T>;
  /** The users as the instances last shared them, if any did. */
  storedSeed(): Promise<{ seed: unknown; base: string } | undefined>;
  /** Hears what changed elsewhere. */
  onChange(listener: (change: SharedChange) => void): void;
  close(): Promise<void>;
}

/** One value per authorization server id, made on first use and kept across rebuilds. */
export function keptPerServer<T>(create: (serverId: string) => T): (serverId: string) => T {
  const values = new Map<string, T>();
  return (serverId) => {
    const value = values.get(serverId) ?? create(serverId);
    values.set(serverId, value);
    return value;
  };
}
