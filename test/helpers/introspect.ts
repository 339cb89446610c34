/**
 * Asking the provider about a token the way a resource server does: a confidential client
 * authenticating with HTTP Basic at /v1/introspect.
 */
import type { SeedClient } from '../../seed/schema.js';

export const basicAuth = (id: string, secret = '') =>
  `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

/** What `issuer` answers about `token` at /v1/introspect, asked by `client` (a confidential one). */
export async function introspect(
  issuer: string,
  client: Pick<SeedClient, 'client_id' | 'client_secret'>,
  token: string,
): Promise<{ active: boolean; [claim: string]: unknown }> {
  const response = await fetch(`${issuer}/v1/introspect`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: basicAuth(client.client_id, client.client_secret),
    },
    body: new URLSearchParams({ token }),
  });
  return (await response.json()) as { active: boolean; [claim: string]: unknown };
}

/** Whether `issuer` says `token` is active, asked by `client` (a confidential one). */
export async function isActive(
  issuer: string,
  client: Pick<SeedClient, 'client_id' | 'client_secret'>,
  token: string,
): Promise<boolean> {
  return (await introspect(issuer, client, token)).active;
}
