/**
 * When each user last signed in (Okta's `lastLogin`), kept apart from the users themselves so
 * that a sign-in does not rewrite the directory; in this process, or in Redis.
 */
export interface LastLoginStore {
  record(userId: string, at: Date): Promise<void>;
  /** ISO times by user id, for those of `userIds` who ever signed in. */
  get(userIds: readonly string[]): Promise<ReadonlyMap<string, string>>;
}

export class LastLogins implements LastLoginStore {
  readonly #times = new Map<string, string>();

  async record(userId: string, at: Date): Promise<void> {
    this.#times.set(userId, at.toISOString());
  }

  async get(userIds: readonly string[]): Promise<ReadonlyMap<string, string>> {
    const found = new Map<string, string>();
    for (const id of userIds) {
      const time = this.#times.get(id);
      if (time) found.set(id, time);
    }
    return found;
  }
}
