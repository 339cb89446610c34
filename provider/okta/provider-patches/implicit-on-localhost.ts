/**
 * Okta lets a web app use the implicit id_token flow with http://localhost redirect URIs
 * (express-openid-connect's default); oidc-provider refuses both for implicit web clients.
 * This drops exactly those two checks, for this provider's clients only.
 */
import type Provider from 'oidc-provider';

const relaxed = new Set(['implicit-force-https', 'implicit-forbid-localhost']);

export function allowImplicitOnLocalhost(provider: Provider): void {
  const schema = (provider.Client as unknown as { Schema: { prototype: SchemaPrototype } }).Schema;
  const invalidate = schema.prototype.invalidate;
  schema.prototype.invalidate = function (this: unknown, message: string, code?: string) {
    if (code && relaxed.has(code)) return;
    return invalidate.call(this, message, code);
  };
}

interface SchemaPrototype {
  invalidate(message: string, code?: string): void;
}
