/**
 * CSRF tokens for the interaction forms: an HMAC of the interaction id, so nothing needs to
 * be stored and a token is useless for any other interaction.
 */
import { createHmac } from 'node:crypto';
import { constantEquals } from '../http/constant-equals.js';

export interface InteractionCsrf {
  tokenFor(uid: string): string;
  verify(uid: string, token: string | null | undefined): boolean;
}

export function createCsrf(secret: string): InteractionCsrf {
  const tokenFor = (uid: string) =>
    createHmac('sha256', secret).update(`interaction:${uid}`).digest('base64url');
  return {
    tokenFor,
    verify: (uid, token) => Boolean(token) && constantEquals(tokenFor(uid), token ?? ''),
  };
}
