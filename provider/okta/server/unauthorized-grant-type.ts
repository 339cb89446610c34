/**
 * Okta refuses a grant type the client is not registered for with `unauthorized_client` (RFC
 * 6749 §5.2) and names the ones it has; oidc-provider answers `invalid_request`. Its answer is
 * reshaped on the way out.
 */
import type { Middleware } from 'koa';
import type { KoaContextWithOIDC } from 'oidc-provider';

const providerDescription = 'requested grant type is not allowed for this client';

export const unauthorizedGrantType: Middleware = async (ctx, next) => {
  await next();
  const body = ctx.body as { error?: unknown; error_description?: unknown } | null | undefined;
  if (ctx.status !== 400 || body?.error_description !== providerDescription) return;
  const granted = (ctx as unknown as KoaContextWithOIDC).oidc?.client?.grantTypes ?? [];
  ctx.body = {
    error: 'unauthorized_client',
    error_description: `The client is not authorized to use the provided grant type. Configured grant types: [${granted.join(', ')}].`,
  };
};
