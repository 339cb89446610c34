import { describe, expect, it } from 'vitest';
import {
  AccessDenied,
  InvalidClient,
  InvalidRequest,
  PayloadTooLarge,
  RouteNotFound,
  UnderstudyError,
  UnsupportedMediaType,
} from '../../../../provider/http/errors.js';

describe('the error tree', () => {
  it('gives each error its status, its OAuth code, and an exposed message below 500', () => {
    const cases: [UnderstudyError, number, string][] = [
      [new InvalidRequest('x'), 400, 'invalid_request'],
      [new InvalidClient('x'), 401, 'invalid_client'],
      [new AccessDenied('x'), 403, 'access_denied'],
      [new RouteNotFound('x'), 404, 'invalid_request'],
      [new PayloadTooLarge(10), 413, 'invalid_request'],
      [new UnsupportedMediaType('x'), 415, 'invalid_request'],
    ];
    for (const [error, status, code] of cases) {
      expect(error, error.name).toBeInstanceOf(UnderstudyError);
      expect(error.status, error.name).toBe(status);
      expect(error.error, error.name).toBe(code);
      expect(error.expose, error.name).toBe(true);
    }
    expect(new UnderstudyError(500, 'server_error', 'x').expose).toBe(false);
  });

  it('puts the code, the description and the details on the wire, never the cause', () => {
    const cause = new Error('secret internals');
    const error = new InvalidRequest('invalid user', { cause, details: { problems: ['a'] } });
    expect(error.cause).toBe(cause);
    expect(error.body()).toEqual({
      error: 'invalid_request',
      error_description: 'invalid user',
      problems: ['a'],
    });
    expect(JSON.stringify(error.body())).not.toContain('secret internals');
  });

  it('challenges for Basic credentials on invalid_client', () => {
    expect(new InvalidClient('no').headers['www-authenticate']).toBe('Basic realm="understudy"');
  });

  it('names the limit of a body too large', () => {
    expect(new PayloadTooLarge(1024).message).toBe('the request body is larger than 1024 bytes');
  });
});
