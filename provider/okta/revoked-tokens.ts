/**
 * JWT access tokens are not stored by oidc-provider, so revoking one means remembering its
 * jti until it would have expired anyway.
 */
export class RevokedTokens {
  readonly #expiries = new Map<string, number>();

  revoke(jti: string, exp: number): void {
    this.#expiries.set(jti, exp);
    this.#sweep();
  }

  has(jti: string): boolean {
    return this.#expiries.has(jti);
  }

  #sweep(): void {
    const now = Math.floor(Date.now() / 1000);
    for (const [jti, exp] of this.#expiries) if (exp < now) this.#expiries.delete(jti);
  }
}
