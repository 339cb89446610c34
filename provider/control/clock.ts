/**
 * Shifts the clock of the process Understudy runs in, so tests can reach token expiry and
 * refresh without waiting. oidc-provider and jose read Date.now(), so that is what moves.
 */
import { InvalidRequest } from '../http/errors.js';

const realNow = Date.now.bind(Date);
let offsetMs = 0;

// Far enough for any token lifetime; farther, dates stop being dates (and JSON numbers).
const maxOffsetSeconds = 10 * 365 * 24 * 3600;

export function setClockOffset(seconds: number): void {
  if (!Number.isFinite(seconds) || Math.abs(seconds) > maxOffsetSeconds) {
    throw new InvalidRequest(
      `the clock offset must be a number of seconds within ±${maxOffsetSeconds} (ten years)`,
    );
  }
  offsetMs = Math.round(seconds * 1000);
  Date.now = offsetMs === 0 ? realNow : () => realNow() + offsetMs;
}

export function clockOffsetSeconds(): number {
  return offsetMs / 1000;
}
