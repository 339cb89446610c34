/**
 * Revoked JWT access tokens. oidc-provider does not store its JWT access tokens, so revoking
 * one means remembering its jti until it would have expired anyway; revoking a grant (a
 * replayed code, a revoked refresh token, a logout) revokes every token issued from it, so
 * which jtis each grant issued is remembered too, for as long as they live.
 *
 * With a file, the revocations (not the issue index, whose grants die with the memory store)
 * are kept there, so a revoked token stays revoked across restarts.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { LRUCache } from 'lru-cache';

type Expiries = Map<string, number>;

/** Revoked JWT access tokens, wherever they are kept (memory and file here; Redis). */
export interface RevocationList {
  /** Remembers that `grantId` issued the token `jti`, expiring at `exp` (epoch seconds). */
  issued(grantId: string, jti: string, exp: number): Promise<void>;
  revoke(jti: string, exp: number): Promise<void>;
  /** Revokes every token the grant issued that is still alive. */
  revokeGrant(grantId: string): Promise<void>;
  has(jti: string): Promise<boolean>;
}

export class RevokedTokens implements RevocationList {
  readonly #revoked: Expiries = new Map();
  // Bounded like the grants themselves: a grant this old is gone from the store anyway.
  readonly #issuedByGrant: LRUCache<string, Expiries>;
  readonly #file: string | undefined;

  /**
   * `file`: where revocations are kept across restarts; in memory only without one.
   * `maxGrants`: how many grants' issued tokens are remembered (the store's own cap).
   */
  constructor(file?: string, maxGrants = 10_000) {
    this.#file = file;
    this.#issuedByGrant = new LRUCache({ max: maxGrants });
    if (file) this.#load(file);
  }

  async issued(grantId: string, jti: string, exp: number): Promise<void> {
    this.#sweepSometimes();
    const issued = this.#issuedByGrant.get(grantId) ?? new Map<string, number>();
    issued.set(jti, exp);
    this.#issuedByGrant.set(grantId, issued);
  }

  async revoke(jti: string, exp: number): Promise<void> {
    this.#revoked.set(jti, exp);
    this.#sweep();
    this.#save();
  }

  async revokeGrant(grantId: string): Promise<void> {
    const issued = this.#issuedByGrant.get(grantId);
    this.#issuedByGrant.delete(grantId);
    if (!issued?.size) return;
    for (const [jti, exp] of issued) this.#revoked.set(jti, exp);
    this.#sweep();
    this.#save();
  }

  async has(jti: string): Promise<boolean> {
    return this.#revoked.has(jti);
  }

  #writes = 0;
  #sweepSometimes(): void {
    this.#writes += 1;
    if (this.#writes % 500 === 0) this.#sweep();
  }

  #sweep(): void {
    const now = Math.floor(Date.now() / 1000);
    for (const [jti, exp] of this.#revoked) if (exp < now) this.#revoked.delete(jti);
    for (const [grantId, issued] of this.#issuedByGrant.entries()) {
      for (const [jti, exp] of issued) if (exp < now) issued.delete(jti);
      if (issued.size === 0) this.#issuedByGrant.delete(grantId);
    }
  }

  #load(file: string): void {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw cause;
    }
    let entries: unknown;
    try {
      entries = JSON.parse(text);
    } catch {
      throw new Error(`${file}: not valid JSON; delete it to forget the revocations it holds`);
    }
    if (!entries || typeof entries !== 'object' || Array.isArray(entries)) {
      throw new Error(`${file}: must be an object of jti -> expiry`);
    }
    for (const [jti, exp] of Object.entries(entries)) {
      if (typeof exp === 'number') this.#revoked.set(jti, exp);
    }
    this.#sweep();
  }

  #save(): void {
    if (!this.#file) return;
    // Synchronous and renamed into place: a revocation is on disk before it is answered.
    mkdirSync(dirname(this.#file), { recursive: true, mode: 0o700 });
    const temporary = `${this.#file}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(Object.fromEntries(this.#revoked))}\n`, {
      mode: 0o600,
    });
    renameSync(temporary, this.#file);
  }
}
