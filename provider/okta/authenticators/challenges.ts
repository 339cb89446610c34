/**
 * Checking a second factor's code. Google Authenticator: RFC 6238 against the seeded secret,
 * each code once. Email and SMS: a 6-digit code sent to the outbox (and the console), valid 5
 * minutes, once. What must not be lost or reused lives in the provider's store, so it holds
 * across instances on Redis and is bounded like everything else there.
 */
import { randomInt } from 'node:crypto';
import type { SeedUser } from '../../../seed/schema.js';
import { constantEquals } from '../../http/constant-equals.js';
import type { AdapterFactory } from '../../store/memory-adapter.js';
import type { OutboxStore } from '../../store/outbox.js';
import { destination, enrolled, factors, type SecondFactorKey } from './factors.js';
import { matchTotp } from './totp.js';

export const codeLifetimeSeconds = 300;

export interface CodeChallenges {
  /** Sends a new code for `factor` under `challenge` (an interaction, an mfa_token): outbox. */
  send(challenge: string, user: SeedUser, factor: SecondFactorKey): Promise<void>;
  /** Whether `code` proves `factor` now; a right code is spent. */
  verify(
    challenge: string,
    user: SeedUser,
    factor: SecondFactorKey,
    code: string,
  ): Promise<boolean>;
}

export function createCodeChallenges(options: {
  storage: AdapterFactory;
  outbox: OutboxStore;
  /** One line per message, as a mail or SMS log would show it. */
  log?: (line: string) => void;
}): CodeChallenges {
  const sentCodes = options.storage('OneTimeCode');
  const usedSteps = options.storage('UsedTotpStep');
  const log = options.log ?? ((line: string) => console.log(line));
  const codeId = (challenge: string, factor: SecondFactorKey) => `${challenge}:${factor}`;

  return {
    async send(challenge, user, factor) {
      const authenticator = enrolled(user, factor);
      const { sends, methodType } = factors[factor];
      if (!authenticator || !sends) throw new Error(`${factor} sends no code to ${user.login}`);
      const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
      const to = destination(user, authenticator);
      const channel = methodType === 'sms' ? 'sms' : 'email';
      await sentCodes.upsert(
        codeId(challenge, factor),
        { code, userId: user.id },
        codeLifetimeSeconds,
      );
      await options.outbox.send({ channel, to, code });
      log(`understudy: ${channel === 'sms' ? 'SMS' : 'email'} to ${to}: ${code}`);
    },

    async verify(challenge, user, factor, code) {
      const authenticator = enrolled(user, factor);
      if (!authenticator) return false;
      if (authenticator.key === 'google_otp') {
        const step = matchTotp(authenticator.secret, code.trim(), Date.now() / 1000);
        if (step === undefined) return false;
        const id = `${user.id}:${step}`;
        if (await usedSteps.find(id)) return false;
        // Past the window either side, the step can no longer match: then it may go.
        await usedSteps.upsert(id, { used: true }, 120);
        return true;
      }
      const id = codeId(challenge, factor);
      const sent = (await sentCodes.find(id)) as { code?: string; userId?: string } | undefined;
      if (!sent?.code || sent.userId !== user.id || !constantEquals(sent.code, code.trim())) {
        return false;
      }
      await sentCodes.destroy(id);
      return true;
    },
  };
}
