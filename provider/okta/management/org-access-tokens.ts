/**
 * Checks an access token of the org authorization server for /api/v1: one of our own (issuer
 * and audience are the origin), alive, and not revoked.
 */
import type { RevocationList } from '../../store/revoked-tokens.js';
import { accessTokenVerifier } from '../server/access-token-verifier.js';

export function orgAccessTokenVerifier(options: {
  issuer: string;
  publicKeys: Record<string, unknown>[];
  revoked: RevocationList;
}) {
  const verify = accessTokenVerifier({ ...options, audience: options.issuer });
  return async (token: string) => {
    const payload = await verify(token);
    if (!payload || (await options.revoked.has(payload.jti))) return undefined;
    return payload;
  };
}
