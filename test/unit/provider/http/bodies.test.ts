import type { Middleware } from 'koa';
import { describe, expect, it } from 'vitest';
import { errorBoundary } from '../../../../provider/host/error-boundary.js';
import { constantEquals } from '../../../../provider/http/constant-equals.js';
import { readFormBody } from '../../../../provider/http/form-body.js';
import { readJsonBody } from '../../../../provider/http/json-body.js';
import { callMiddleware } from '../../../helpers/koa.js';

const json = { 'content-type': 'application/json', accept: 'application/json' };
const form = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };

const echoJson: Middleware = async (ctx) => {
  ctx.body = { got: await readJsonBody(ctx) };
};

describe('readJsonBody', () => {
  it('reads a JSON object, and an empty body as {}', async () => {
    const answer = await callMiddleware([errorBoundary, echoJson], {
      method: 'POST',
      headers: json,
      body: '{"a":1}',
    });
    expect(answer.json()).toEqual({ got: { a: 1 } });
    const empty = await callMiddleware([errorBoundary, echoJson], {
      method: 'POST',
      headers: json,
    });
    expect(empty.json()).toEqual({ got: {} });
  });

  it('answers invalid_request for malformed JSON and for a JSON array', async () => {
    for (const body of ['{"a":', '[1,2]']) {
      const answer = await callMiddleware([errorBoundary, echoJson], {
        method: 'POST',
        headers: json,
        body,
      });
      expect(answer.status, body).toBe(400);
      expect(answer.json(), body).toMatchObject({ error: 'invalid_request' });
    }
  });

  it('refuses more than 64 KiB with a 413', async () => {
    const answer = await callMiddleware([errorBoundary, echoJson], {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ a: 'x'.repeat(70 * 1024) }),
    });
    expect(answer.status).toBe(413);
    expect(answer.json()).toMatchObject({ error: 'invalid_request' });
  });
});

describe('readFormBody', () => {
  it('reads nothing from a body that is not a form', async () => {
    const read: Middleware = async (ctx) => {
      ctx.body = { size: [...(await readFormBody(ctx))].length };
    };
    const answer = await callMiddleware([read], { method: 'POST', headers: json, body: 'a=1' });
    expect(answer.json()).toEqual({ size: 0 });
  });

  it('refuses a form larger than the provider would read with a 413', async () => {
    const read: Middleware = async (ctx) => {
      await readFormBody(ctx);
      ctx.body = {};
    };
    const answer = await callMiddleware([errorBoundary, read], {
      method: 'POST',
      headers: form,
      body: `a=${'x'.repeat(60 * 1024)}`,
    });
    expect(answer.status).toBe(413);
  });
});

describe('constantEquals', () => {
  it('is true only for the same string', () => {
    expect(constantEquals('secret', 'secret')).toBe(true);
    expect(constantEquals('secret', 'secreT')).toBe(false);
    expect(constantEquals('secret', 'secret!')).toBe(false);
    expect(constantEquals('', '')).toBe(true);
    expect(constantEquals('é', 'e')).toBe(false);
  });
});
