/**
 * The control plane's state in Redis, so a change made through one instance holds on all:
 * the next login and the injected failures, each taken once by whichever instance serves
 * the request.
 */
import type { RedisStore } from '../store/redis.js';
import type { ControlStateStore, FailableEndpoint, InjectedFailure } from './control-state.js';

const nextLoginKey = 'understudy:control:next-login';
const failuresKey = (endpoint: FailableEndpoint) => `understudy:control:fail:${endpoint}`;

export function redisControlState(store: RedisStore): ControlStateStore {
  const { run } = store;
  const pending = async (endpoint: FailableEndpoint) =>
    (await run((c) => c.lRange(failuresKey(endpoint), 0, -1))).map(
      (json) => JSON.parse(json) as InjectedFailure,
    );
  return {
    async setNextLogin(userId) {
      if (userId) await run((c) => c.set(nextLoginKey, userId));
      else await run((c) => c.del(nextLoginKey));
    },
    async takeNextLogin() {
      return (await run((c) => c.getDel(nextLoginKey))) ?? undefined;
    },
    async nextLogin() {
      return (await run((c) => c.get(nextLoginKey))) ?? undefined;
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
      return { authorize: await pending('authorize'), token: await pending('token') };
    },
    async clear() {
      await run((c) => c.del([nextLoginKey, failuresKey('authorize'), failuresKey('token')]));
    },
  };
}
