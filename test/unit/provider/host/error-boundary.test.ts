import type { Middleware } from 'koa';
import { errors } from 'oidc-provider';
import { describe, expect, it, vi } from 'vitest';
import { errorBoundary, toUnderstudyError } from '../../../../provider/host/error-boundary.js';
import { InvalidClient, InvalidRequest } from '../../../../provider/http/errors.js';
import { OktaNotFound } from '../../../../provider/okta/org/api-error.js';
import { callMiddleware } from '../../../helpers/koa.js';

const throwing =
  (error: unknown): Middleware =>
  () => {
    throw error;
  };

describe('the error boundary', () => {
  it('answers JSON with the OAuth code, the status and the error headers', async () => {
    const answer = await callMiddleware([errorBoundary, throwing(new InvalidClient('nope'))], {
      headers: { accept: 'application/json' },
    });
    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toBe('Basic realm="understudy"');
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.json()).toEqual({ error: 'invalid_client', error_description: 'nope' });
  });

  it('shows browsers a page with the code and the description, escaped', async () => {
    const answer = await callMiddleware(
      [errorBoundary, throwing(new InvalidRequest('<script>x</script>'))],
      { headers: { accept: 'text/html' } },
    );
    expect(answer.status).toBe(400);
    expect(answer.headers.get('content-type')).toContain('text/html');
    expect(answer.text).toContain('<code>invalid_request</code>');
    expect(answer.text).toContain('&lt;script&gt;x&lt;/script&gt;');
    expect(answer.text).not.toContain('<script>x');
  });

  it('hides anything unexpected behind server_error and logs it', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const answer = await callMiddleware(
        [errorBoundary, throwing(new TypeError('internal detail: secret.ts exploded'))],
        { headers: { accept: 'application/json' } },
      );
      expect(answer.status).toBe(500);
      expect(answer.json()).toEqual({
        error: 'server_error',
        error_description: 'oops! something went wrong',
      });
      expect(log).toHaveBeenCalled();
    } finally {
      log.mockRestore();
    }
  });

  it("answers Okta's API errors in Okta's shape, as JSON even to a browser", async () => {
    const answer = await callMiddleware([errorBoundary, throwing(new OktaNotFound('GET', '/x'))], {
      headers: { accept: 'text/html' },
    });
    expect(answer.status).toBe(404);
    expect(answer.json()).toEqual({
      errorCode: 'E0000007',
      errorSummary: 'Not found: Resource not found: /x (GET)',
      errorLink: 'E0000007',
      errorId: 'understudy',
      errorCauses: [],
    });
  });

  it('says an expired interaction has expired', async () => {
    const answer = await callMiddleware(
      [errorBoundary, throwing(new errors.SessionNotFound('interaction session not found'))],
      { headers: { accept: 'text/html' } },
    );
    expect(answer.status).toBe(400);
    expect(answer.text).toContain('This sign-in has expired');
  });
});

describe('toUnderstudyError', () => {
  it("keeps the status of Koa's own client errors, and hides its server errors", async () => {
    const tooBig = await callMiddleware([errorBoundary, (ctx) => ctx.throw(413, 'too big')], {
      headers: { accept: 'application/json' },
    });
    expect(tooBig.status).toBe(413);
    expect(tooBig.json()).toEqual({ error: 'invalid_request', error_description: 'too big' });
    const log = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const broken = await callMiddleware([errorBoundary, (ctx) => ctx.throw(500, 'internals')], {
      headers: { accept: 'application/json' },
    });
    log.mockRestore();
    expect(broken.status).toBe(500);
    expect(broken.text).not.toContain('internals');
  });

  it("keeps oidc-provider's and Koa's client errors, and nothing else", () => {
    const grant = toUnderstudyError(new errors.InvalidGrant('code expired'));
    // oidc-provider keeps the detail for its logs; the description is the generic one.
    expect([grant.status, grant.error, grant.message]).toEqual([
      400,
      'invalid_grant',
      'grant request is invalid',
    ]);
    expect(grant.cause).toBeInstanceOf(errors.InvalidGrant);
    for (const thrown of [new RangeError('bad'), new SyntaxError('bad'), 'a string', undefined]) {
      const error = toUnderstudyError(thrown);
      expect([error.status, error.error], String(thrown)).toEqual([500, 'server_error']);
    }
  });
});
