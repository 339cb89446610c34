import { afterEach, describe, expect, it, vi } from 'vitest';
import { SessionTokens } from '../../../../provider/okta/session-tokens.js';

afterEach(() => vi.useRealTimers());

describe('session tokens', () => {
  it('are spent by their first use', () => {
    const tokens = new SessionTokens();
    const { sessionToken } = tokens.issue('00uUser');
    expect(tokens.peek(sessionToken)).toBe('00uUser');
    expect(tokens.consume(sessionToken)).toBe('00uUser');
    expect(tokens.consume(sessionToken)).toBeUndefined();
    expect(tokens.peek(sessionToken)).toBeUndefined();
  });

  it('live five minutes, as on Okta', () => {
    vi.useFakeTimers();
    const tokens = new SessionTokens();
    const { sessionToken, expiresAt } = tokens.issue('00uUser');
    expect(expiresAt.getTime() - Date.now()).toBe(5 * 60_000);
    vi.advanceTimersByTime(5 * 60_000 - 1);
    expect(tokens.peek(sessionToken)).toBe('00uUser');
    vi.advanceTimersByTime(1);
    expect(tokens.consume(sessionToken)).toBeUndefined();
  });

  it('are unguessable and distinct', () => {
    const tokens = new SessionTokens();
    const issued = new Set(Array.from({ length: 50 }, () => tokens.issue('u').sessionToken));
    expect(issued.size).toBe(50);
    for (const token of issued) expect(token.length).toBeGreaterThanOrEqual(40);
  });
});
