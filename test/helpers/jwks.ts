/**
 * Verifying a token the way a resource server does: its signature against the issuer's
 * published keys (/v1/keys), its issuer and its audience.
 */
import { createRemoteJWKSet, jwtVerify } from 'jose';

export function verifyJwt(token: string, issuer: string, audience: string) {
  return jwtVerify(token, createRemoteJWKSet(new URL(`${issuer}/v1/keys`)), { issuer, audience });
}
