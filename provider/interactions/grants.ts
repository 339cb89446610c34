/**
 * Grants for first-party clients: everything they ask for, without a consent page, the way
 * Okta treats its own org's apps.
 */
import type Provider from 'oidc-provider';
import type { Grant, InteractionResults, KoaContextWithOIDC } from 'oidc-provider';

type InteractionDetails = Awaited<ReturnType<Provider['interactionDetails']>>;

/** The `loadExistingGrant` helper: first-party clients get every requested scope at once. */
export function createLoadExistingGrant(isFirstParty: (clientId: string) => boolean) {
  return async (ctx: KoaContextWithOIDC): Promise<Grant | undefined> => {
    const { client, session, provider, result } = ctx.oidc;
    if (!client || !session) return undefined;
    const grantId =
      (result?.consent as { grantId?: string } | undefined)?.grantId ??
      session.grantIdFor(client.clientId);
    const existing = grantId ? await provider.Grant.find(grantId) : undefined;
    if (!isFirstParty(client.clientId) || !session.accountId) return existing;

    const grant =
      existing ?? new provider.Grant({ clientId: client.clientId, accountId: session.accountId });
    const scopes = [...(ctx.oidc.requestParamOIDCScopes ?? [])];
    if (scopes.length) grant.addOIDCScope(scopes.join(' '));
    for (const [indicator, server] of Object.entries(ctx.oidc.resourceServers ?? {})) {
      if (server.scope) grant.addResourceScope(indicator, server.scope);
    }
    await grant.save();
    return grant;
  };
}

/** Grants what the consent prompt says is missing and returns the interaction result. */
export async function grantMissing(
  provider: Provider,
  details: InteractionDetails,
): Promise<InteractionResults> {
  const { prompt, params, session } = details;
  const accountId = session?.accountId;
  if (!accountId) throw new Error('consent without a signed-in user');
  const grant = details.grantId
    ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId, clientId: String(params.client_id) });
  if (!grant) throw new Error('grant not found');
  const missing = prompt.details as {
    missingOIDCScope?: string[];
    missingOIDCClaims?: string[];
    missingResourceScopes?: Record<string, string[]>;
  };
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
    grant.addResourceScope(indicator, scopes.join(' '));
  }
  const grantId = await grant.save();
  return { consent: details.grantId ? {} : { grantId } };
}
