/**
 * What tests can change while Understudy runs: who signs in next without a page, and which
 * protocol requests fail next with a chosen OAuth error.
 */
export type FailableEndpoint = 'authorize' | 'token';

export interface InjectedFailure {
  error: string;
  error_description?: string | undefined;
}

export class ControlState {
  #nextLogin: string | undefined;
  readonly #failures = new Map<FailableEndpoint, InjectedFailure[]>();

  setNextLogin(userId: string | undefined): void {
    this.#nextLogin = userId;
  }

  /** The user to sign in without showing the login page, once. */
  takeNextLogin(): string | undefined {
    const userId = this.#nextLogin;
    this.#nextLogin = undefined;
    return userId;
  }

  get nextLogin(): string | undefined {
    return this.#nextLogin;
  }

  failNext(endpoint: FailableEndpoint, failure: InjectedFailure, times = 1): void {
    const queue = this.#failures.get(endpoint) ?? [];
    for (let i = 0; i < times; i += 1) queue.push({ ...failure });
    this.#failures.set(endpoint, queue);
  }

  takeFailure(endpoint: FailableEndpoint): InjectedFailure | undefined {
    return this.#failures.get(endpoint)?.shift();
  }

  pendingFailures(): Record<FailableEndpoint, InjectedFailure[]> {
    return {
      authorize: [...(this.#failures.get('authorize') ?? [])],
      token: [...(this.#failures.get('token') ?? [])],
    };
  }

  clear(): void {
    this.#nextLogin = undefined;
    this.#failures.clear();
  }
}
