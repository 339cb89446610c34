/**
 * The body Proxy: a form read in front of oidc-provider must reach the provider whole. Pins how
 * oidc-provider reads a body, with a real provider answering a real token request.
 */
import type { Middleware } from 'koa';
import compose from 'koa-compose';
import { describe, expect, it } from 'vitest';
import {
  readFormBodyForProvider,
  replaceFormBody,
} from '../../../../../provider/okta/provider-patches/replayable-body.js';
import { callMiddleware } from '../../../../helpers/koa.js';
import { bareProvider } from './oidc-provider.js';

const form = { 'content-type': 'application/x-www-form-urlencoded' };

describe('readFormBodyForProvider', () => {
  it('leaves the body readable again for whatever answers next', async () => {
    const peek: Middleware = async (ctx, next) => {
      ctx.state.peeked = (await readFormBodyForProvider(ctx)).get('token');
      await next();
    };
    const reread: Middleware = async (ctx) => {
      const chunks: Buffer[] = [];
      for await (const chunk of ctx.req) chunks.push(chunk as Buffer);
      ctx.body = { peeked: ctx.state.peeked, again: Buffer.concat(chunks).toString() };
    };
    const answer = await callMiddleware([peek, reread], {
      method: 'POST',
      headers: form,
      body: 'token=abc&x=1',
    });
    expect(answer.json()).toEqual({ peeked: 'abc', again: 'token=abc&x=1' });
  });

  it("is read again by oidc-provider's token endpoint, as read or as replaced", async () => {
    const provider = bareProvider();
    const peek: Middleware = async (ctx, next) => {
      const body = await readFormBodyForProvider(ctx);
      if (body.get('grant_type') === 'replace-me') {
        body.set('grant_type', 'client_credentials');
        replaceFormBody(ctx, body);
      }
      await next();
    };
    const request = (grantType: string) =>
      callMiddleware([peek, compose(provider.middleware)], {
        method: 'POST',
        path: '/token',
        headers: {
          ...form,
          authorization: `Basic ${btoa('service:service-secret-000000')}`,
        },
        body: new URLSearchParams({ grant_type: grantType }).toString(),
      });
    const plain = await request('client_credentials');
    expect(plain.status).toBe(200);
    expect(plain.json()).toMatchObject({ token_type: 'Bearer' });
    // The provider reads the replaced body: unreplaced, it refuses that grant type.
    expect((await request('replace-me')).status).toBe(200);
    expect((await request('not-a-grant')).json()).toMatchObject({
      error: 'unsupported_grant_type',
    });
  });
});
