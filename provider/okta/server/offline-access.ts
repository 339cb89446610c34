/**
 * Okta issues a refresh token whenever `offline_access` is asked for; oidc-provider drops the
 * scope unless `prompt` includes `consent`. This adds `consent` to such requests, marked with
 * `injectedConsentParam`, so the interaction routes can tell it from a consent the client asked
 * for: first-party clients are granted silently, others see the consent page only while
 * something is still ungranted (Okta remembers consent).
 */
import type { Middleware } from 'koa';

export const injectedConsentParam = 'understudy_injected_consent';

export const offlineAccessWithoutConsent: Middleware = async (ctx, next) => {
  const query = new URLSearchParams(ctx.querystring);
  const scopes = (query.get('scope') ?? '').split(' ');
  const prompts = (query.get('prompt') ?? '').split(' ').filter(Boolean);
  if (
    scopes.includes('offline_access') &&
    !prompts.includes('none') &&
    !prompts.includes('consent') &&
    query.getAll('prompt').length <= 1
  ) {
    query.set('prompt', [...prompts, 'consent'].join(' '));
    query.set(injectedConsentParam, '1');
    ctx.querystring = query.toString();
  }
  await next();
};

/** A consent only this shim asked for, with nothing the client asked for left to grant. */
export function onlyInjectedConsent(
  params: Readonly<Record<string, unknown>>,
  reasons: readonly string[],
): boolean {
  return (
    params[injectedConsentParam] === '1' && reasons.every((reason) => reason === 'consent_prompt')
  );
}
