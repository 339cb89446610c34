/**
 * Okta's response_mode=okta_post_message, which okta-auth-js uses for silent renewal (a hidden
 * iframe with prompt=none) and popups: the authorization response, or its error, as a page
 * whose script posts it to the framing or opening window. It posts only to the origin of the
 * redirect_uri the provider has already checked against the client's registration, and only
 * the client's own origins may frame it.
 */
import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { SeedClient } from '../../../seed/schema.js';
import { contentSecurityPolicy, cspNonce } from '../../http/content-security.js';
import { renderPostMessagePage } from '../../views/post-message-page.js';

export const postMessageMode = 'okta_post_message';

export function registerPostMessageMode(
  provider: Provider,
  clients: ReadonlyMap<string, SeedClient>,
): void {
  provider.registerResponseMode(
    postMessageMode,
    (ctx: KoaContextWithOIDC, redirectUri: string, response: Record<string, unknown>) => {
      const targetOrigin = new URL(redirectUri).origin;
      const client = clients.get(ctx.oidc.client?.clientId ?? '');
      const ancestors = [...new Set([targetOrigin, ...(client?.allowedOrigins ?? [])])];
      const nonce = cspNonce(ctx);
      ctx.status = 200;
      ctx.type = 'html';
      ctx.set('cache-control', 'no-store');
      // Framed by the client's own pages, unlike every other page of the provider.
      ctx.set('content-security-policy', contentSecurityPolicy(nonce, ancestors.join(' ')));
      ctx.remove('x-frame-options');
      ctx.body = renderPostMessagePage({ message: response, targetOrigin, nonce });
    },
  );
}
