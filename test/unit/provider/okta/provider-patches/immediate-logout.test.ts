/**
 * Pins what the end_session re-implementation calls on oidc-provider: the cookie name, each
 * token model's revokeByGrantId, the grant adapter, and the session's authorizations. The
 * logout itself is exercised end to end in test/integration/login-flow.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { immediateLogout } from '../../../../../provider/okta/provider-patches/immediate-logout.js';
import { bareProvider } from './oidc-provider.js';

describe('immediateLogout', () => {
  it('finds every oidc-provider member it calls, with the shape it expects', async () => {
    const provider = bareProvider();
    expect(provider.cookieName('session')).toEqual(expect.any(String));
    for (const model of [
      provider.AccessToken,
      provider.RefreshToken,
      provider.AuthorizationCode,
      provider.DeviceCode,
    ]) {
      expect(typeof model.revokeByGrantId).toBe('function');
    }
    expect(typeof provider.Grant.adapter.destroy).toBe('function');
    const session = new provider.Session();
    session.loginAccount({ accountId: 'user-1' });
    expect(session.authorizationFor('nobody')?.persistsLogout).toBeUndefined();
    expect(typeof session.destroy).toBe('function');
    expect(typeof immediateLogout(provider)).toBe('function');
  });
});
