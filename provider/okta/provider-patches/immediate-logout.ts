/**
 * Okta ends the session at /v1/logout and redirects straight away; oidc-provider shows a
 * "Do you want to sign out?" form first. This finishes the logout on the provider's own GET,
 * after its checks of id_token_hint, client_id and post_logout_redirect_uri have passed.
 */
import type { Middleware } from 'koa';
import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { cspNonce } from '../../http/content-security.js';
import { renderLogoutConfirm } from '../../views/logout-pages.js';

const logoutPending = Symbol('logoutPending');

/**
 * The provider's logoutSource. A request that names its client (id_token_hint or client_id)
 * is finished by the host middleware below, as on Okta; an anonymous one could come from any
 * page (an <img> tag), so it gets the confirmation form with oidc-provider's xsrf token.
 */
export function deferLogout(ctx: KoaContextWithOIDC, form: string): void {
  if (ctx.oidc.client) {
    (ctx.state as Record<symbol, boolean>)[logoutPending] = true;
    ctx.body = '';
    return;
  }
  ctx.type = 'html';
  ctx.body = renderLogoutConfirm(form, cspNonce(ctx));
}

export function immediateLogout(provider: Provider): Middleware {
  const sessionCookieName = provider.cookieName('session');
  return async (ctx, next) => {
    await next();
    const oidcCtx = ctx as unknown as KoaContextWithOIDC;
    const oidc = oidcCtx.oidc;
    if (oidc?.route !== 'end_session' || ctx.status !== 200 || !oidc.client) return;
    const session = oidc.session;
    if (!session) return;
    const pending = (ctx.state as Record<symbol, boolean>)[logoutPending] === true;
    // Without a signed-in session oidc-provider answers with an auto-posting form instead.
    if (!pending && session.accountId) return;

    for (const [clientId, authorization] of Object.entries(session.authorizations ?? {})) {
      const grantId = authorization.grantId;
      // offline_access grants outlive the browser session, as refresh tokens do on Okta.
      if (!grantId || session.authorizationFor(clientId)?.persistsLogout) continue;
      await Promise.all([
        provider.AccessToken.revokeByGrantId(grantId),
        provider.RefreshToken.revokeByGrantId(grantId),
        provider.AuthorizationCode.revokeByGrantId(grantId),
        provider.DeviceCode.revokeByGrantId(grantId),
        provider.Grant.adapter.destroy(grantId),
      ]);
      provider.emit('grant.revoked', ctx, grantId);
    }
    await session.destroy();
    // The host app has the cookie keys, so this clears the .sig companion too.
    ctx.cookies.set(sessionCookieName, null);

    const { post_logout_redirect_uri: target, state } = oidc.params as {
      post_logout_redirect_uri?: string;
      state?: string;
    };
    const url = new URL(target ?? oidc.urlFor('end_session_success'));
    if (target && state != null) url.searchParams.set('state', state);
    provider.emit('end_session.success', ctx);
    ctx.status = 303;
    ctx.redirect(url.href);
  };
}
