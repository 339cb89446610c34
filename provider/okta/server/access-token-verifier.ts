/**
 * Checks one of our own JWT access tokens: signed with one of the published keys, for this
 * issuer and audience, alive (unless the caller asks otherwise), with a jti and an exp.
 */
import { createLocalJWKSet, type JWTPayload, jwtVerify } from 'jose';

export interface OktaAccessToken extends JWTPayload {
  jti: string;
  exp: number;
  cid?: string;
  uid?: string;
  scp?: string[];
}

export function accessTokenVerifier(options: {
  issuer: string;
  audience: string;
  publicKeys: Record<string, unknown>[];
}) {
  const keySet = createLocalJWKSet({ keys: options.publicKeys } as Parameters<
    typeof createLocalJWKSet
  >[0]);
  return async (token: string, ignoreExpiration = false): Promise<OktaAccessToken | undefined> => {
    try {
      const { payload } = await jwtVerify<OktaAccessToken>(token, keySet, {
        issuer: options.issuer,
        audience: options.audience,
        algorithms: ['RS256'],
        // Date.now(), not new Date(): the control API's clock shift moves Date.now().
        ...(ignoreExpiration
          ? { currentDate: new Date(0) }
          : { clockTolerance: 15, currentDate: new Date(Date.now()) }),
      });
      if (typeof payload.jti !== 'string' || typeof payload.exp !== 'number') return undefined;
      return payload;
    } catch {
      return undefined;
    }
  };
}
