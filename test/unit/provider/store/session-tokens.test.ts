import { afterEach, describe, expect, it, vi } from 'vitest';
import { SessionTokens } from '../../../../provider/store/session-tokens.js';

afterEach(() => vi.useRealTimers());

describe('session tokens', () => {
  it('are spent by their first use', async () => {
    const tokens = new SessionTokens();
    const { sessionToken } = await tokens.issue('00uUser');
    expect(await tokens.peek(sessionToken)).toBe('00uUser');
    expect(await tokens.consume(sessionToken)).toBe('00uUser');
    expect(await tokens.consume(sessionToken)).toBeUndefined();
    expect(await tokens.peek(sessionToken)).toBeUndefined();
  });

  it('live five minutes, as on Okta', async () => {
    vi.useFakeTimers();
    const tokens = new SessionTokens();
    const { sessionToken, expiresAt } = await tokens.issue('00uUser');
    expect(expiresAt.getTime() - Date.now()).toBe(5 * 60_000);
    vi.advanceTimersByTime(5 * 60_000 - 1);
    expect(await tokens.peek(sessionToken)).toBe('00uUser');
    vi.advanceTimersByTime(1);
    expect(await tokens.consume(sessionToken)).toBeUndefined();
  });

  it('are unguessable and distinct', async () => {
    const tokens = new SessionTokens();
    const issued = new Set(
      await Promise.all(
        Array.from({ length: 50 }, async () => (await tokens.issue('u')).sessionToken),
      ),
    );
    expect(issued.size).toBe(50);
    for (const token of issued) expect(token.length).toBeGreaterThanOrEqual(40);
  });
});
