/**
 * The provider signs with node:crypto instead of WebCrypto: the same RS256 key and kid, the
 * same JWS bytes, at a fraction of the CPU (oidc-provider's ExternalSigningKey is the seam it
 * offers for this). One per key, shared by every provider a host builds.
 */
import { createPrivateKey, createPublicKey, type KeyObject, sign } from 'node:crypto';
import { ExternalSigningKey } from 'oidc-provider';
import { privateJwk, type SigningJwk } from './keys.js';

class NodeRsaSigningKey extends ExternalSigningKey {
  readonly #privateKey: KeyObject;
  readonly #publicKey: KeyObject;
  readonly #kid: string;

  constructor(jwk: SigningJwk) {
    super();
    this.#privateKey = createPrivateKey({ key: privateJwk(jwk) as never, format: 'jwk' });
    this.#publicKey = createPublicKey(this.#privateKey);
    this.#kid = jwk.kid;
  }

  override get kid(): string {
    return this.#kid;
  }

  override get alg(): string {
    return 'RS256';
  }

  override keyObject(): KeyObject {
    return this.#publicKey;
  }

  // On libuv's threadpool: the event loop goes on serving while a signature is computed.
  override sign(data: Uint8Array): Promise<Uint8Array> {
    return new Promise((resolve, reject) =>
      sign('sha256', data, this.#privateKey, (error, signature) =>
        error ? reject(error) : resolve(signature),
      ),
    );
  }
}

const made = new WeakMap<SigningJwk, ExternalSigningKey>();

export function signingKey(jwk: SigningJwk): ExternalSigningKey {
  let key = made.get(jwk);
  if (!key) {
    key = new NodeRsaSigningKey(jwk);
    made.set(jwk, key);
  }
  return key;
}
