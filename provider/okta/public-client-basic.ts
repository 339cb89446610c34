/**
 * okta-auth-js signs a public client in at /v1/revoke with `Authorization: Basic
 * base64(client_id)`: no colon, no secret. Okta accepts that, and `client_id:` with an empty
 * secret, for clients without a secret, at revoke and introspect; oidc-provider refuses both.
 * For such clients the header becomes the client_id in the body, which both accept.
 * Confidential clients are left alone: they still need their secret.
 */
import type { Middleware } from 'koa';
import type { SeedClient } from '../../seed/schema.js';
import { readFormBody, replaceFormBody } from '../http/form-body.js';

export function publicClientBasic(clients: ReadonlyMap<string, SeedClient>): Middleware {
  return async (ctx, next) => {
    const credentials = /^Basic\s+([A-Za-z0-9+/]+=*)$/i.exec(ctx.get('authorization'))?.[1];
    if (credentials) {
      const decoded = Buffer.from(credentials, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      const clientId = colon < 0 ? decoded : decoded.slice(0, colon);
      const secret = colon < 0 ? '' : decoded.slice(colon + 1);
      if (secret === '' && clients.get(clientId)?.token_endpoint_auth_method === 'none') {
        const form = await readFormBody(ctx);
        if (!form.has('client_id')) form.set('client_id', clientId);
        delete ctx.req.headers.authorization;
        replaceFormBody(ctx, form);
      }
    }
    await next();
  };
}
