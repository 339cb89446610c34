/**
 * The control plane's state in Redis, so a change made through one instance holds on all:
 * the next login and the injected failures, each taken once by whichever instance serves
 * the request.
 */
import type { RedisStore } from '../store/redis.js';
import {
  type ControlStateStore,
  type FailableEndpoint,
  failableEndpoints,
  type InjectedFailure,
  type NextLogin,
} from './control-state.js';

const nextLoginKey = 'understudy:control:next-login';
const failuresKey = (endpoint: FailableEndpoint) => `understudy:control:fail:${endpoint}`;

export function redisControlState(store: RedisStore): ControlStateStore {
  const { run } = store;
  const pending = async (endpoint: FailableEndpoint) =>
    (await run((c) => c.lRange(failuresKey(endpoint), 0, -1))).map(
      (json) => JSON.parse(json) as InjectedFailure,
    );
  return {
    async setNextLogin(next) {
      if (next) await run((c) => c.set(nextLoginKey, JSON.stringify(next)));
      else await run((c) => c.del(nextLoginKey));
    },
    async takeNextLogin() {
      return parseNextLogin(await run((c) => c.getDel(nextLoginKey)));
    },
    async nextLogin() {
      return parseNextLogin(await run((c) => c.get(nextLoginKey)));
    },
    async failNext(endpoint, failure, times = 1) {
      const entries = Array.from({ length: times }, () => JSON.stringify(failure));
      await run((c) => c.rPush(failuresKey(endpoint), entries));
    },
    async takeFailure(endpoint) {
      const json = await run((c) => c.lPop(failuresKey(endpoint)));
      return json ? (JSON.parse(json) as InjectedFailure) : undefined;
    },
    async pendingFailures() {
      const lists = await Promise.all(failableEndpoints.map((endpoint) => pending(endpoint)));
      return Object.fromEntries(
        failableEndpoints.map((endpoint, index) => [endpoint, lists[index] ?? []]),
      ) as Record<FailableEndpoint, InjectedFailure[]>;
    },
    async clear() {
      await run((c) => c.del([nextLoginKey, ...failableEndpoints.map(failuresKey)]));
    },
  };
}

function parseNextLogin(json: string | null): NextLogin | undefined {
  return json === null ? undefined : (JSON.parse(json) as NextLogin);
}
