/**
 * Okta's sessionToken: what the Classic Authentication API hands a custom sign-in form, spent
 * once, within 5 minutes, to start a browser session (at /v1/authorize or
 * /login/sessionCookieRedirect).
 */
import { randomBytes } from 'node:crypto';

const lifetimeMs = 5 * 60 * 1000;
// Unspent tokens are few in practice; the cap keeps a loop of sign-ins from growing memory.
const maxOutstanding = 10_000;

/** Where sessionTokens are kept: this process (below), or Redis, shared by every instance. */
export interface SessionTokenStore {
  issue(accountId: string): Promise<{ sessionToken: string; expiresAt: Date }>;
  /** The user a live token is for; the token is spent either way. */
  consume(sessionToken: string): Promise<string | undefined>;
}

export const sessionTokenLifetimeMs = lifetimeMs;

export function newSessionToken(): string {
  return `20111${randomBytes(30).toString('base64url')}`;
}

export class SessionTokens implements SessionTokenStore {
  readonly #tokens = new Map<string, { accountId: string; expiresAt: number }>();

  async issue(accountId: string): Promise<{ sessionToken: string; expiresAt: Date }> {
    this.#sweep();
    const sessionToken = newSessionToken();
    const expiresAt = Date.now() + lifetimeMs;
    this.#tokens.set(sessionToken, { accountId, expiresAt });
    return { sessionToken, expiresAt: new Date(expiresAt) };
  }

  /** The user a live token is for, without spending it. */
  async peek(sessionToken: string): Promise<string | undefined> {
    const entry = this.#tokens.get(sessionToken);
    return entry && entry.expiresAt > Date.now() ? entry.accountId : undefined;
  }

  async consume(sessionToken: string): Promise<string | undefined> {
    const accountId = await this.peek(sessionToken);
    this.#tokens.delete(sessionToken);
    return accountId;
  }

  #sweep(): void {
    const now = Date.now();
    for (const [token, entry] of this.#tokens)
      if (entry.expiresAt <= now) this.#tokens.delete(token);
    // Map order is insertion order: the oldest go first.
    for (const token of this.#tokens.keys()) {
      if (this.#tokens.size < maxOutstanding) break;
      this.#tokens.delete(token);
    }
  }
}
