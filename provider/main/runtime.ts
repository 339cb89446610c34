/**
 * What a running Understudy holds and changes while it runs: the seed and keys in force, the
 * one queue every change goes through (control API, Management API, another instance,
 * `understudy keys rotate`), the timer that drops a retired key once its last token expired,
 * and the subscription to what other instances change. Each change builds a new host, which
 * `onRebuilt` puts in front of the listener.
 */
import type { Seed } from '../../seed/schema.js';
import { setClockOffset } from '../control/clock.js';
import type { ControlRuntime } from '../control/controller.js';
import type { UnderstudyHost } from '../host/create-host.js';
import { type KeyMaterial, nextKeyExpiry, pruneKeys } from '../oidc/keys.js';
import type { Storage } from './storage.js';

export interface RuntimeOptions {
  storage: Storage;
  seed: Seed;
  keys: KeyMaterial;
  /** Which seed file the shared users grew from: changes made from another one are ignored. */
  seedBase: string;
  keyRetentionSeconds: number;
  /** Whether the control plane is on: only then does a shared clock apply here. */
  control: boolean;
  /** Builds the host for a seed and keys (and checks it), without putting it in service. */
  build(seed: Seed, keys: KeyMaterial): Promise<UnderstudyHost>;
  /** Puts a host built after a change in service. */
  onRebuilt(host: UnderstudyHost): void;
}

export interface Runtime {
  seed(): Seed;
  keys(): KeyMaterial;
  reconfigure: ControlRuntime['reconfigure'];
  changeUsers: ControlRuntime['changeUsers'];
  /** Starts the key-pruning timer; after the first host is in service. */
  start(): void;
  stop(): void;
}

export function createRuntime(options: RuntimeOptions): Runtime {
  const { storage, seedBase, keyRetentionSeconds } = options;
  let current = { seed: options.seed, keys: options.keys };
  let queue: Promise<void> = Promise.resolve();
  let pruneTimer: NodeJS.Timeout | undefined;

  /** Drops each retired key once the last token it signed has expired, without a restart. */
  const schedulePrune = () => {
    clearTimeout(pruneTimer);
    const due = nextKeyExpiry(current.keys, keyRetentionSeconds);
    if (due === undefined) return;
    const delayMs = Math.min(Math.max(due * 1000 - Date.now(), 0) + 1000, 2 ** 31 - 1);
    pruneTimer = setTimeout(
      () => void reconfigure(({ keys }) => ({ keys: pruneKeys(keys, keyRetentionSeconds) })),
      delayMs,
    );
    pruneTimer.unref();
  };

  const reconfigure: Runtime['reconfigure'] = (change) => {
    // One at a time, each starting from what the previous one left, so none is lost.
    const step = queue.then(async () => {
      const next = await change(current);
      const seed = next.seed ?? current.seed;
      const keys = next.keys ?? current.keys;
      const rebuilt = await options.build(seed, keys);
      current = { seed, keys };
      options.onRebuilt(rebuilt);
      schedulePrune();
    });
    queue = step.catch(() => undefined);
    return step;
  };

  /**
   * A change of the users (Management or control API): on the latest users (with Redis, the
   * ones last shared, under a lock every instance takes), validated like the seed file, applied
   * after any change already under way here, then shared. What this change produced is what
   * it answers with, even if another follows at once.
   */
  const changeUsers: Runtime['changeUsers'] = (edit, source) =>
    storage.exclusive(async () => {
      const { parseSeed } = await import('../../seed/validate.js');
      const stored = await storage.storedSeed();
      let produced: Seed | undefined;
      await reconfigure(({ seed }) => {
        const shared =
          stored?.base === seedBase && JSON.stringify(stored.seed) !== JSON.stringify(seed)
            ? parseSeed(stored.seed, 'the users in Redis')
            : seed;
        produced = parseSeed(edit(shared), source);
        return { seed: produced };
      });
      if (!produced) throw new Error('the change of users produced nothing');
      await storage.share({ kind: 'seed', seed: produced, base: seedBase });
      return produced;
    });

  let warnedOtherSeed = false;
  const warnOtherSeedOnce = () => {
    if (warnedOtherSeed) return;
    warnedOtherSeed = true;
    console.warn(
      `understudy: WARNING: another instance on ${storage.where} changed users it started from a different seed file; give every instance the same seed`,
    );
  };
  // What another instance, or `understudy keys rotate`, changed.
  storage.onChange((change) => {
    const applied = (async () => {
      if (change.kind === 'clock') {
        if (options.control) setClockOffset(change.seconds);
        return;
      }
      if (change.kind === 'keys') {
        const stored = await storage.keys.read();
        if (!stored) return;
        const keys = pruneKeys(stored, keyRetentionSeconds);
        if (JSON.stringify(keys) === JSON.stringify(current.keys)) return;
        return reconfigure(() => ({ keys }));
      }
      if (change.base !== seedBase) {
        warnOtherSeedOnce();
        return;
      }
      const { parseSeed } = await import('../../seed/validate.js');
      const seed = parseSeed(change.seed, 'another instance');
      return reconfigure(() => ({ seed }));
    })();
    applied.catch((error: unknown) =>
      console.error(
        `understudy: could not apply a change from ${storage.where}: ${(error as Error).message}`,
      ),
    );
  });

  return {
    seed: () => current.seed,
    keys: () => current.keys,
    reconfigure,
    changeUsers,
    start: schedulePrune,
    stop: () => clearTimeout(pruneTimer),
  };
}
