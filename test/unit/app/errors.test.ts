import * as client from 'openid-client';
import { describe, expect, it } from 'vitest';
import { BearerError, describeError, HttpError } from '../../../app/errors.js';
import { shorten } from '../../../app/flow-record.js';

describe('the demo app error page', () => {
  it('shows our own errors with their status and code', () => {
    expect(describeError(new HttpError(403, 'not_your_team', 'Not yours'))).toMatchObject({
      status: 403,
      title: 'Not your team',
      code: 'not_your_team',
      description: 'Not yours',
    });
  });

  it('names a state problem reported by openid-client', () => {
    const error = new client.ClientError('unexpected "state" response parameter value');
    expect(describeError(error)).toMatchObject({ status: 400, code: 'state_mismatch' });
  });

  it("keeps Express's request errors as 4xx and hides everything else", () => {
    expect(describeError(Object.assign(new Error('URI malformed'), { status: 400 }))).toMatchObject(
      {
        status: 400,
        code: 'invalid_request',
      },
    );
    const hidden = describeError(new TypeError('/srv/app/secret.ts: boom'));
    expect(hidden).toMatchObject({ status: 500, code: 'server_error' });
    expect(JSON.stringify(hidden)).not.toContain('secret.ts');
  });
});

describe('a refused bearer token', () => {
  const realm = { realm: 'expenses', scope: 'expenses:read' };

  it('without credentials: 401 and a bare challenge, no error code (RFC 6750 §3.1)', () => {
    const view = describeError(
      new BearerError(undefined, 'A bearer access token is required', realm),
    );
    expect(view).toMatchObject({ status: 401, code: 'unauthorized' });
    expect(view.wwwAuthenticate).toBe('Bearer realm="expenses"');
  });

  it('gets the status of its RFC 6750 code, and the code and description in the challenge', () => {
    const invalid = describeError(
      new BearerError('invalid_token', 'The access token expired', realm),
    );
    expect(invalid).toMatchObject({ status: 401, code: 'invalid_token' });
    expect(invalid.wwwAuthenticate).toBe(
      'Bearer realm="expenses", error="invalid_token", error_description="The access token expired"',
    );
    const scope = describeError(new BearerError('insufficient_scope', 'Lacks the scope', realm));
    expect(scope).toMatchObject({ status: 403, code: 'insufficient_scope' });
    expect(scope.wwwAuthenticate).toBe(
      'Bearer realm="expenses", error="insufficient_scope", error_description="Lacks the scope", scope="expenses:read"',
    );
    const malformed = describeError(new BearerError('invalid_request', 'Malformed', realm));
    expect(malformed).toMatchObject({ status: 400, code: 'invalid_request' });
  });

  it('asks for a step-up as Okta does: 403, insufficient_authentication_context, acr_values', () => {
    const stepUp = describeError(
      new BearerError('insufficient_authentication_context', 'Needs a second factor', {
        ...realm,
        acrValues: 'urn:okta:loa:2fa:any',
      }),
    );
    expect(stepUp).toMatchObject({
      status: 403,
      code: 'insufficient_authentication_context',
      title: 'A second factor is needed',
    });
    // The scope belongs to insufficient_scope's challenge only, acr_values to this one only.
    expect(stepUp.wwwAuthenticate).toBe(
      'Bearer realm="expenses", error="insufficient_authentication_context", error_description="Needs a second factor", acr_values="urn:okta:loa:2fa:any"',
    );
    const scope = new BearerError('insufficient_scope', 'Lacks the scope', {
      ...realm,
      acrValues: 'urn:okta:loa:2fa:any',
    });
    expect(scope.challenge()).not.toContain('acr_values');
  });

  it('keeps quotes and backslashes out of the quoted values', () => {
    const error = new BearerError('invalid_token', 'a "quoted" \\ value', realm);
    expect(error.challenge()).toContain('error_description="a quoted  value"');
  });

  it('other errors carry no challenge', () => {
    expect(describeError(new HttpError(404, 'not_found', 'No such team')).wwwAuthenticate).toBe(
      undefined,
    );
  });
});

describe('shorten', () => {
  it('keeps enough to recognise a value, never all of it', () => {
    const token = 'eyJhbGciOiJSUzI1NiJ9.payload.signature';
    expect(shorten(token)).toBe(`eyJhbGciOiJS… (${token.length} characters)`);
    expect(shorten('short')).toBe('…');
    expect(shorten(undefined)).toBe('');
  });
});
