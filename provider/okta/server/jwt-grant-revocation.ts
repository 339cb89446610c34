/**
 * oidc-provider revokes a grant (a replayed code, a revoked refresh token, a logout) by
 * revoking each model's entries of that grant, and awaits it before it answers. JWT access
 * tokens are not stored, so the AccessToken model's revocation also revokes the JWTs the
 * grant issued: done before the answer, never after it.
 */
import type { AdapterFactory } from '../../store/memory-adapter.js';
import type { RevocationList } from '../../store/revoked-tokens.js';

export function revokingGrantJwts(
  storage: AdapterFactory,
  revoked: RevocationList,
): AdapterFactory {
  return (model) => {
    const adapter = storage(model);
    if (model !== 'AccessToken') return adapter;
    return Object.assign(Object.create(adapter) as typeof adapter, {
      async revokeByGrantId(grantId: string) {
        await Promise.all([adapter.revokeByGrantId(grantId), revoked.revokeGrant(grantId)]);
      },
    });
  };
}
