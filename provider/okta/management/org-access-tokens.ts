/**
 * Checks an access token of the org authorization server for /api/v1: signed with one of our
 * keys, issued by the org (issuer and audience are the origin), alive, and not revoked.
 */
import { createLocalJWKSet, jwtVerify } from 'jose';
import type { RevocationList } from '../../store/revoked-tokens.js';

export function orgAccessTokenVerifier(options: {
  issuer: string;
  publicKeys: Record<string, unknown>[];
  revoked: RevocationList;
}) {
  const keySet = createLocalJWKSet({ keys: options.publicKeys } as Parameters<
    typeof createLocalJWKSet
  >[0]);
  return async (token: string) => {
    try {
      const { payload } = await jwtVerify(token, keySet, {
        issuer: options.issuer,
        audience: options.issuer,
        algorithms: ['RS256'],
        // Date.now(), not new Date(): the control API's clock shift moves Date.now().
        currentDate: new Date(Date.now()),
        clockTolerance: 15,
      });
      if (typeof payload.jti !== 'string' || (await options.revoked.has(payload.jti)))
        return undefined;
      return payload as { cid?: unknown; uid?: unknown; scp?: unknown };
    } catch {
      return undefined;
    }
  };
}
