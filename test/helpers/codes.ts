/**
 * Second-factor codes for tests: a seeded user's Google Authenticator secret, a code it does
 * not show now (nor a step either side, so it is wrong whatever the clock), and the codes the
 * outbox holds for an address, newest first (the control API's order).
 */
import { totp } from '../../provider/okta/index.js';
import type { SeedUser } from '../../seed/schema.js';

export function totpSecretOf(user: SeedUser): string {
  const authenticator = user.authenticators.find((candidate) => candidate.key === 'google_otp');
  if (authenticator?.key !== 'google_otp') throw new Error(`${user.login} has no google_otp`);
  return authenticator.secret;
}

export function wrongTotp(secret: string): string {
  const now = Date.now() / 1000;
  const valid = new Set([totp(secret, now - 30), totp(secret, now), totp(secret, now + 30)]);
  let code = 0;
  while (valid.has(String(code).padStart(6, '0'))) code += 1;
  return String(code).padStart(6, '0');
}

/** The codes sent to `to`, newest first, from the control API at `origin`. */
export async function outboxCodes(origin: string, to: string): Promise<string[]> {
  const response = await fetch(`${origin}/__understudy/outbox?to=${encodeURIComponent(to)}`);
  const { messages } = (await response.json()) as { messages: { code: string }[] };
  return messages.map((message) => message.code);
}
