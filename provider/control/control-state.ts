/**
 * What tests can change while Understudy runs: who signs in next without a page, and which
 * protocol requests fail next with a chosen OAuth error. Kept in this process (below), or in
 * Redis so that every instance behind one issuer sees the same (control/redis-state.ts).
 */
export type FailableEndpoint = 'authorize' | 'token';

export interface InjectedFailure {
  error: string;
  error_description?: string | undefined;
}

export interface ControlStateStore {
  setNextLogin(userId: string | undefined): Promise<void>;
  /** The user to sign in without showing the login page, once. */
  takeNextLogin(): Promise<string | undefined>;
  nextLogin(): Promise<string | undefined>;
  failNext(endpoint: FailableEndpoint, failure: InjectedFailure, times?: number): Promise<void>;
  takeFailure(endpoint: FailableEndpoint): Promise<InjectedFailure | undefined>;
  pendingFailures(): Promise<Record<FailableEndpoint, InjectedFailure[]>>;
  clear(): Promise<void>;
}

// The methods mutate before their first await, so a caller that does not await them (a test
// that calls failNext() and then signs in) still sees the change at once.
export class ControlState implements ControlStateStore {
  #nextLogin: string | undefined;
  readonly #failures = new Map<FailableEndpoint, InjectedFailure[]>();

  async setNextLogin(userId: string | undefined): Promise<void> {
    this.#nextLogin = userId;
  }

  async takeNextLogin(): Promise<string | undefined> {
    const userId = this.#nextLogin;
    this.#nextLogin = undefined;
    return userId;
  }

  async nextLogin(): Promise<string | undefined> {
    return this.#nextLogin;
  }

  async failNext(endpoint: FailableEndpoint, failure: InjectedFailure, times = 1): Promise<void> {
    const queue = this.#failures.get(endpoint) ?? [];
    for (let i = 0; i < times; i += 1) queue.push({ ...failure });
    this.#failures.set(endpoint, queue);
  }

  async takeFailure(endpoint: FailableEndpoint): Promise<InjectedFailure | undefined> {
    return this.#failures.get(endpoint)?.shift();
  }

  async pendingFailures(): Promise<Record<FailableEndpoint, InjectedFailure[]>> {
    return {
      authorize: [...(this.#failures.get('authorize') ?? [])],
      token: [...(this.#failures.get('token') ?? [])],
    };
  }

  async clear(): Promise<void> {
    this.#nextLogin = undefined;
    this.#failures.clear();
  }
}
