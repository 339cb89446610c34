/**
 * The lesson's pieces that need no provider: refresh and logout records (rotation told
 * apart, secrets shortened) and the spec link table.
 */
import { describe, expect, it } from 'vitest';
import { type FlowRecord, recordLogout, recordRefresh } from '../../../app/flow-record.js';
import { specFor, specLinks } from '../../../app/spec-links.js';

const flow = { at: '2026-01-01T00:00:00.000Z' } as FlowRecord;
const token = (name: string) => `${name}-${'x'.repeat(60)}`;

describe('recordRefresh', () => {
  it('tells a kept refresh token from a rotated one, and never records one whole', () => {
    const before = { accessToken: token('old-at'), refreshToken: token('rt1') };
    const kept = recordRefresh(flow, {
      endpoint: 'https://op.example/v1/token',
      clientId: 'web',
      before,
      after: {
        accessToken: token('new-at'),
        refreshToken: undefined,
        expiresIn: 3600,
        scope: 'openid',
      },
    });
    const rotated = recordRefresh(kept, {
      endpoint: 'https://op.example/v1/token',
      clientId: 'web',
      before,
      after: {
        accessToken: token('newer'),
        refreshToken: token('rt2'),
        expiresIn: 3600,
        scope: 'openid',
      },
    });
    expect(rotated.refreshes?.map((refresh) => refresh.rotated)).toEqual([false, true]);
    expect(kept.refreshes?.[0]?.whyRotation).toContain('confidential client');
    expect(rotated.refreshes?.[1]?.whyRotation).toContain('public clients');
    const text = JSON.stringify(rotated);
    for (const whole of [token('rt1'), token('rt2'), token('old-at'), token('newer')]) {
      expect(text).not.toContain(whole);
    }
    expect(rotated.refreshes?.[1]?.refreshTokenReturned).toBe('rt2-xx… (64 characters)');
  });

  it('keeps the last few refreshes only', () => {
    let record = flow;
    for (let index = 0; index < 8; index += 1) {
      record = recordRefresh(record, {
        endpoint: 'e',
        clientId: 'c',
        before: { accessToken: token('a'), refreshToken: token('r') },
        after: {
          accessToken: token(`b${index}`),
          refreshToken: undefined,
          expiresIn: 1,
          scope: undefined,
        },
      });
    }
    expect(record.refreshes).toHaveLength(5);
  });
});

describe('recordLogout', () => {
  it('shortens the ID token hint and keeps the state to recognise the return', () => {
    const url = new URL('https://op.example/v1/logout');
    url.search = new URLSearchParams({
      id_token_hint: token('idt'),
      post_logout_redirect_uri: 'http://localhost:3000/',
      state: 'abc',
    }).toString();
    const { logout } = recordLogout(flow, { endSessionUrl: url });
    expect(logout?.endpoint).toBe('https://op.example/v1/logout');
    expect(logout?.params.id_token_hint).not.toContain(token('idt'));
    expect(logout?.expectedState).toBe('abc');
  });
});

describe('specLinks', () => {
  it('links every entry to a spec section, with a reason', () => {
    expect(Object.keys(specLinks).length).toBeGreaterThanOrEqual(20);
    for (const link of Object.values(specLinks)) {
      expect(link.href).toMatch(
        /^https:\/\/(www\.rfc-editor\.org|openid\.net|developer\.okta\.com)\//,
      );
      expect(link.why.length).toBeGreaterThan(10);
    }
    expect(specFor('iss')?.href).toContain('rfc9207');
    expect(specFor('cid')?.href).toContain('developer.okta.com');
    expect(specFor('constructor')).toBeUndefined();
    expect(specFor('not-a-field')).toBeUndefined();
  });
});
