/**
 * CSRF protection for the app's state-changing POSTs (logout): a random token kept in the
 * session, sent back in the form, compared in constant time.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { HttpError } from './http-error.js';

export function csrfToken(req: Request): string {
  req.session.csrfToken ??= randomBytes(32).toString('base64url');
  return req.session.csrfToken;
}

export function requireCsrf(req: Request, _res: Response, next: NextFunction): void {
  const expected = Buffer.from(req.session.csrfToken ?? '');
  const given = Buffer.from(String((req.body as Record<string, unknown> | undefined)?._csrf ?? ''));
  if (
    expected.length === 0 ||
    expected.length !== given.length ||
    !timingSafeEqual(expected, given)
  ) {
    throw new HttpError(
      403,
      'invalid_csrf_token',
      'The form was missing a valid CSRF token. Reload the page and try again.',
    );
  }
  next();
}
