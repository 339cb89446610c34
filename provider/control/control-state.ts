/**
 * What tests can change while Understudy runs: who signs in next without a page, and which
 * protocol requests fail next with a chosen OAuth error. Kept in this process (below), or in
 * Redis so that every instance behind one issuer sees the same (control/redis-state.ts).
 */
/**
 * /v1/authorize, /v1/token, the check of a second factor's code (the sign-in page and IDX), and
 * the next IDX call (answered as Okta's rate limit, 429).
 */
export const failableEndpoints = ['authorize', 'token', 'verify', 'idx'] as const;
export type FailableEndpoint = (typeof failableEndpoints)[number];

export interface InjectedFailure {
  error: string;
  error_description?: string | undefined;
}

/** Who the next login signs in without a page, and which second factor counts as verified. */
export interface NextLogin {
  userId: string;
  factor?: string | undefined;
}

export interface ControlStateStore {
  setNextLogin(next: NextLogin | undefined): Promise<void>;
  /** The user to sign in without showing the login page, once. */
  takeNextLogin(): Promise<NextLogin | undefined>;
  nextLogin(): Promise<NextLogin | undefined>;
  failNext(endpoint: FailableEndpoint, failure: InjectedFailure, times?: number): Promise<void>;
  takeFailure(endpoint: FailableEndpoint): Promise<InjectedFailure | undefined>;
  pendingFailures(): Promise<Record<FailableEndpoint, InjectedFailure[]>>;
  clear(): Promise<void>;
}

// The methods mutate before their first await, so a caller that does not await them (a test
// that calls failNext() and then signs in) still sees the change at once.
export class ControlState implements ControlStateStore {
  #nextLogin: NextLogin | undefined;
  readonly #failures = new Map<FailableEndpoint, InjectedFailure[]>();

  async setNextLogin(next: NextLogin | undefined): Promise<void> {
    this.#nextLogin = next;
  }

  async takeNextLogin(): Promise<NextLogin | undefined> {
    const next = this.#nextLogin;
    this.#nextLogin = undefined;
    return next;
  }

  async nextLogin(): Promise<NextLogin | undefined> {
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
    return Object.fromEntries(
      failableEndpoints.map((endpoint) => [endpoint, [...(this.#failures.get(endpoint) ?? [])]]),
    ) as Record<FailableEndpoint, InjectedFailure[]>;
  }

  async clear(): Promise<void> {
    this.#nextLogin = undefined;
    this.#failures.clear();
  }
}
