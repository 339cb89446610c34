/**
 * POST /v1/interact: what an IDX sign-in starts from, checked as Okta checks it. The client must
 * have the interaction_code grant (and its secret, when it has one); the redirect URI must be
 * one of its own, exactly; PKCE is S256, always; `scope` and `state` are required. What the
 * tokens will be bound to is kept under the interaction handle.
 */
import type { SeedClient } from '../../../seed/schema.js';
import { constantEquals } from '../../http/constant-equals.js';
import { InvalidClient, InvalidRequest, UnderstudyError } from '../../http/errors.js';
import type { InteractRequest } from './transactions.js';

export const interactionCodeGrantType = 'interaction_code';

/** The app's request from the /v1/interact form, or the OAuth error that refuses it. */
export function interactRequest(form: URLSearchParams, client: SeedClient): InteractRequest {
  if (!client.grant_types.includes(interactionCodeGrantType)) {
    throw new UnderstudyError(
      400,
      'unauthorized_client',
      `The client is not authorized to use the provided grant type. Configured grant types: [${client.grant_types.join(', ')}].`,
    );
  }
  if (client.token_endpoint_auth_method !== 'none') {
    const secret = form.get('client_secret');
    if (!secret || !client.client_secret || !constantEquals(secret, client.client_secret)) {
      throw new InvalidClient('Client authentication failed: a client_secret is required.');
    }
  }
  const redirectUri = form.get('redirect_uri') ?? '';
  if (!client.redirect_uris.includes(redirectUri)) {
    throw new InvalidRequest(
      "'redirect_uri' must match one of the redirect URIs registered for the client.",
    );
  }
  const scope = form.get('scope')?.trim() ?? '';
  const state = form.get('state') ?? '';
  const codeChallenge = form.get('code_challenge') ?? '';
  const method = form.get('code_challenge_method');
  if (scope === '') throw new InvalidRequest("The 'scope' parameter is required.");
  if (state === '') throw new InvalidRequest("The 'state' parameter is required.");
  if (!/^[A-Za-z0-9_-]{43,128}$/.test(codeChallenge)) {
    throw new InvalidRequest(
      "PKCE is required: 'code_challenge' must be a base64url S256 challenge (43 to 128 characters).",
    );
  }
  if (method !== 'S256') {
    throw new InvalidRequest("'code_challenge_method' must be S256.");
  }
  const maxAge = form.get('max_age');
  if (maxAge !== null && !/^\d{1,10}$/.test(maxAge)) {
    throw new InvalidRequest("'max_age' must be a non-negative integer.");
  }
  return {
    clientId: client.client_id,
    redirectUri,
    scope,
    state,
    nonce: form.get('nonce') ?? undefined,
    codeChallenge,
    acrValues: form.get('acr_values') ?? undefined,
  };
}
