import * as client from 'openid-client';
import { describe, expect, it } from 'vitest';
import { describeError, HttpError } from '../../../app/errors.js';
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

describe('shorten', () => {
  it('keeps enough to recognise a value, never all of it', () => {
    const token = 'eyJhbGciOiJSUzI1NiJ9.payload.signature';
    expect(shorten(token)).toBe(`eyJhbGciOiJS… (${token.length} characters)`);
    expect(shorten('short')).toBe('…');
    expect(shorten(undefined)).toBe('');
  });
});
