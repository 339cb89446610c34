/**
 * okta-auth-js signs a public client in at /v1/revoke with `Authorization: Basic
 * base64(client_id)`: no colon, no secret. Okta accepts that, and `client_id:` with an empty
 * secret, for clients without a secret, at revoke and introspect; oidc-provider refuses both.
 * For such clients the header becomes the client_id in the body, which both accept.
 * Confidential clients are left alone: they still need their secret.
 */
import type { Middleware } from 'koa';
import type { SeedClient } from '../../../seed/schema.js';
import { parseBasicCredentials } from '../../http/basic-credentials.js';
import { readFormBodyForProvider, replaceFormBody } from '../provider-patches/replayable-body.js';

export function publicClientBasic(clients: ReadonlyMap<string, SeedClient>): Middleware {
  return async (ctx, next) => {
    const credentials = parseBasicCredentials(ctx.get('authorization'), 'lenient');
    const client = credentials && clients.get(credentials.id);
    if (credentials?.secret === '' && client?.token_endpoint_auth_method === 'none') {
      const form = await readFormBodyForProvider(ctx);
      if (!form.has('client_id')) form.set('client_id', credentials.id);
      delete ctx.req.headers.authorization;
      replaceFormBody(ctx, form);
    }
    await next();
  };
}
