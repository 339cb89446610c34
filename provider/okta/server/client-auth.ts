/**
 * Client authentication for the endpoints we answer in front of oidc-provider, with the same
 * rules: client_secret_basic and client_secret_post are interchangeable, public clients send
 * only client_id.
 */
import type { Context } from 'koa';
import type { SeedClient } from '../../../seed/schema.js';
import { parseBasicCredentials } from '../../http/basic-credentials.js';
import { constantEquals } from '../../http/constant-equals.js';
import { InvalidClient, InvalidRequest } from '../../http/errors.js';

/** The authenticated client, or an invalid_client / invalid_request error. */
export function authenticateClient(
  ctx: Context,
  body: URLSearchParams,
  clients: ReadonlyMap<string, SeedClient>,
): SeedClient {
  const basic = parseBasicCredentials(ctx.get('authorization'), 'strict');
  const bodyId = body.get('client_id') ?? undefined;
  const bodySecret = body.get('client_secret') ?? undefined;
  if (basic && bodyId !== undefined && bodyId !== basic.id) {
    throw new InvalidRequest('client_id in the body does not match the Authorization header');
  }
  const clientId = basic?.id ?? bodyId;
  const secret = basic?.secret ?? bodySecret;
  if (!clientId) throw new InvalidClient('no client authentication mechanism provided');
  const client = clients.get(clientId);
  if (!client) throw new InvalidClient('client authentication failed');
  if (client.token_endpoint_auth_method === 'none') {
    if (secret === undefined) return client;
    throw new InvalidClient(
      'the provided authentication mechanism does not match the registered client authentication method',
    );
  }
  if (
    secret === undefined ||
    client.client_secret === undefined ||
    !constantEquals(client.client_secret, secret)
  ) {
    throw new InvalidClient('client authentication failed');
  }
  return client;
}
