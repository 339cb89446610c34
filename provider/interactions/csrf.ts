/**
 * CSRF tokens for the interaction forms: an HMAC of the interaction id, so nothing needs to
 * be stored and a token is useless for any other interaction.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export function createCsrf(secret: string) {
  const tokenFor = (uid: string) =>
    createHmac('sha256', secret).update(`interaction:${uid}`).digest('base64url');
  return {
    tokenFor,
    verify(uid: string, token: string | null | undefined): boolean {
      if (!token) return false;
      const expected = Buffer.from(tokenFor(uid));
      const given = Buffer.from(token);
      return expected.length === given.length && timingSafeEqual(expected, given);
    },
  };
}
