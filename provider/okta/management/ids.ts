/** New Okta ids: a three-character type prefix (00u users, 00g groups) and 17 random characters. */
import { randomInt } from 'node:crypto';

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function newOktaId(prefix: '00u' | '00g'): string {
  let id = prefix;
  for (let i = 0; i < 17; i += 1) id += alphabet[randomInt(alphabet.length)];
  return id;
}

/** What Okta answers with an activation: a one-time token, and the link that would carry it. */
export function newActivationToken(): string {
  let token = '';
  for (let i = 0; i < 20; i += 1) token += alphabet[randomInt(alphabet.length)];
  return token;
}
