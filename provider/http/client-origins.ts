import type { SeedClient } from '../../seed/schema.js';

/**
 * Browser origins a client may call the provider from (CORS): its seeded allowedOrigins (Okta's
 * trusted origins), and for public clients the origins of their redirect URIs.
 */
export function originAllowed(client: SeedClient, origin: string): boolean {
  if (client.allowedOrigins.includes(origin)) return true;
  return (
    client.token_endpoint_auth_method === 'none' &&
    client.redirect_uris.some((uri) => new URL(uri).origin === origin)
  );
}
