/**
 * Okta's sessionToken: what the Classic Authentication API hands a custom sign-in form, spent
 * once, within 5 minutes, to start a browser session (at /v1/authorize or
 * /login/sessionCookieRedirect).
 */
import { randomBytes } from 'node:crypto';

const lifetimeMs = 5 * 60 * 1000;
// Unspent tokens are few in practice; the cap keeps a loop of sign-ins from growing memory.
const maxOutstanding = 10_000;

export class SessionTokens {
  readonly #tokens = new Map<string, { accountId: string; expiresAt: number }>();

  issue(accountId: string): { sessionToken: string; expiresAt: Date } {
    this.#sweep();
    const sessionToken = `20111${randomBytes(30).toString('base64url')}`;
    const expiresAt = Date.now() + lifetimeMs;
    this.#tokens.set(sessionToken, { accountId, expiresAt });
    return { sessionToken, expiresAt: new Date(expiresAt) };
  }

  /** The user a live token is for, without spending it. */
  peek(sessionToken: string): string | undefined {
    const entry = this.#tokens.get(sessionToken);
    return entry && entry.expiresAt > Date.now() ? entry.accountId : undefined;
  }

  /** The user a live token is for; the token is spent either way. */
  consume(sessionToken: string): string | undefined {
    const accountId = this.peek(sessionToken);
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
