import { timingSafeEqual } from 'node:crypto';

/** Compares a secret the request sent with the expected one without leaking where they differ. */
export function constantEquals(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
