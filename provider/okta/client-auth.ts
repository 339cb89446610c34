/**
 * Client authentication for the endpoints we answer in front of oidc-provider, with the same
 * rules: client_secret_basic and client_secret_post are interchangeable, public clients send
 * only client_id.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Context } from 'koa';
import type { SeedClient } from '../../seed/schema.js';

export type ClientAuthResult =
  | { ok: true; client: SeedClient }
  | { ok: false; error: 'invalid_client' | 'invalid_request'; error_description: string };

export function authenticateClient(
  ctx: Context,
  body: URLSearchParams,
  clients: ReadonlyMap<string, SeedClient>,
): ClientAuthResult {
  const basic = parseBasic(ctx.get('authorization'));
  const bodyId = body.get('client_id') ?? undefined;
  const bodySecret = body.get('client_secret') ?? undefined;
  if (basic && bodyId !== undefined && bodyId !== basic.id) {
    return fail('invalid_request', 'client_id in the body does not match the Authorization header');
  }
  const clientId = basic?.id ?? bodyId;
  const secret = basic?.secret ?? bodySecret;
  if (!clientId) return fail('invalid_client', 'no client authentication mechanism provided');
  const client = clients.get(clientId);
  if (!client) return fail('invalid_client', 'client authentication failed');
  if (client.token_endpoint_auth_method === 'none') {
    return secret === undefined
      ? { ok: true, client }
      : fail(
          'invalid_client',
          'the provided authentication mechanism does not match the registered client authentication method',
        );
  }
  if (secret === undefined || client.client_secret === undefined) {
    return fail('invalid_client', 'client authentication failed');
  }
  const expected = Buffer.from(client.client_secret);
  const given = Buffer.from(secret);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return fail('invalid_client', 'client authentication failed');
  }
  return { ok: true, client };
}

function parseBasic(header: string): { id: string; secret: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=._~-]+)$/i.exec(header.trim());
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  // RFC 6749 2.3.1 form-encodes both parts; un-encoded values (Okta's own SDKs) decode unchanged.
  const decode = (value: string) => {
    try {
      return decodeURIComponent(value.replace(/\+/g, '%20'));
    } catch {
      return value;
    }
  };
  return { id: decode(decoded.slice(0, colon)), secret: decode(decoded.slice(colon + 1)) };
}

function fail(
  error: 'invalid_client' | 'invalid_request',
  error_description: string,
): ClientAuthResult {
  return { ok: false, error, error_description };
}
