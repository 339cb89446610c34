/** A bare oidc-provider for the pinning tests: one confidential client, keys made here. */
import { generateKeyPairSync } from 'node:crypto';
import Provider, { type ClientMetadata } from 'oidc-provider';

export const cookieKeys = ['pinning-test-cookie-key'];

export function bareProvider(clients: ClientMetadata[] = []): Provider {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return new Provider('http://localhost/pin', {
    clients: [
      {
        client_id: 'service',
        client_secret: 'service-secret-000000',
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
      },
      ...clients,
    ],
    jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'k1', use: 'sig' }] },
    cookies: { keys: cookieKeys },
    features: { clientCredentials: { enabled: true }, devInteractions: { enabled: false } },
  });
}
