/**
 * The app's one error boundary: openid-client and protocol errors become a readable page with
 * the OAuth error code; anything unexpected becomes "something went wrong", logged, never shown.
 * The API's errors, and those of anyone asking for JSON, become `{ error, error_description }`,
 * with the RFC 6750 challenge when a bearer token was refused.
 */
import type { NextFunction, Request, Response } from 'express';
import * as client from 'openid-client';
import { BearerError } from './bearer-error.js';
import { csrfToken } from './csrf.js';
import { HttpError } from './http-error.js';
import { isProviderUnreachable, providerUnreachable } from './provider-outage.js';

export { BearerError } from './bearer-error.js';
export { HttpError } from './http-error.js';

interface ErrorView {
  status: number;
  title: string;
  code: string;
  description: string;
  hint?: string;
  retryUrl?: string;
  /** The WWW-Authenticate challenge, for a refused bearer token. */
  wwwAuthenticate?: string;
}

const hints: Record<string, string> = {
  access_denied: 'You chose not to sign in, or the sign-in was denied.',
  login_required: 'The provider needs you to sign in again.',
  invalid_grant:
    'The sign-in could not be completed (expired or already used). Please sign in again.',
  state_mismatch: 'This sign-in did not start here, or was already finished. Please sign in again.',
  provider_unreachable:
    'Nothing was lost: once it answers again, try again and you carry on where you were.',
  provider_unavailable: 'It may still be starting. Try again in a moment.',
  no_login_in_progress:
    'This sign-in did not start here, or was already finished. Please sign in again.',
  insufficient_authentication_context:
    'Nothing changed in how you are signed in. To see every team, verify with a second factor from the dashboard.',
  unmet_authentication_requirements:
    'The identity provider has no second factor it could ask this account for.',
};

export function describeError(error: unknown): ErrorView {
  if (isProviderUnreachable(error) && !(error instanceof HttpError)) {
    return describeError(providerUnreachable('the configured issuer', { cause: error }));
  }
  if (error instanceof HttpError) {
    return {
      status: error.status,
      title: titleFor(error.status, error.code),
      code: error.code,
      description: error.message,
      hint: hints[error.code],
      ...(error.retryUrl ? { retryUrl: error.retryUrl } : {}),
      ...(error instanceof BearerError ? { wwwAuthenticate: error.challenge() } : {}),
    };
  }
  if (
    error instanceof client.AuthorizationResponseError ||
    error instanceof client.ResponseBodyError
  ) {
    return {
      status: 400,
      title: 'Sign-in failed',
      code: error.error,
      description: error.error_description ?? error.message,
      hint: hints[error.error],
    };
  }
  if (error instanceof client.WWWAuthenticateChallengeError) {
    const parameters = error.cause[0]?.parameters ?? {};
    const code = parameters.error ?? 'invalid_token';
    return {
      status: 401,
      title: 'Sign-in failed',
      code,
      description: parameters.error_description ?? error.message,
    };
  }
  const status = (error as { status?: unknown }).status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    // Express and body-parser's own request errors (a malformed %-escape, a body too large).
    return {
      status,
      title: status === 413 ? 'Too large' : 'Bad request',
      code: 'invalid_request',
      description:
        status === 413
          ? 'The request body is larger than this app reads.'
          : 'The request could not be understood.',
    };
  }
  if (error instanceof client.ClientError) {
    // openid-client says what failed in the cause: e.g. unexpected "state" response parameter value.
    const detail = error.cause instanceof Error ? error.cause.message : '';
    const stateProblem = /"state"/.test(`${error.message} ${detail}`);
    const code = stateProblem ? 'state_mismatch' : (error.code ?? 'client_error');
    return {
      status: 400,
      title: 'Sign-in failed',
      code,
      description: error.message,
      hint: hints[code],
    };
  }
  return {
    status: 500,
    title: 'Something went wrong',
    code: 'server_error',
    description: 'Something went wrong on our side.',
  };
}

/**
 * Marks the routes under it as an API: their errors answer as JSON whatever the request
 * accepts. fetch() and curl accept any type by default, which would otherwise get the HTML page.
 */
export function answerErrorsAsJson(_req: Request, res: Response, next: NextFunction): void {
  res.locals.errorsAsJson = true;
  next();
}

export function errorBoundary(
  error: unknown,
  req: Request,
  res: Response,
  next: NextFunction,
): void {
  // A client that hung up mid-request reads no answer, and it is no fault of ours to log.
  if (req.destroyed && !req.complete) {
    res.destroy();
    return;
  }
  if (res.headersSent) return next(error);
  const view = describeError(error);
  if (view.status === 503) console.warn(`demo app: ${view.description}`);
  else if (view.status >= 500) console.error('demo app: unhandled error', error);
  else if (error instanceof client.ClientError) {
    // Local validation failed: worth a line in the log, with what openid-client said.
    console.warn(`demo app: sign-in failed (${view.code}): ${error.message}`, error.cause ?? '');
  }
  res.status(view.status);
  if (view.status === 503) res.set('retry-after', '2');
  if (view.wwwAuthenticate) res.set('www-authenticate', view.wwwAuthenticate);
  if (res.locals.errorsAsJson === true || req.accepts(['html', 'json']) === 'json') {
    res.json({ error: view.code, error_description: view.description });
    return;
  }
  const user = req.session?.user;
  res.render(
    'error',
    {
      ...view,
      user,
      csrfToken: user ? csrfToken(req) : undefined,
      // A GET can be tried again as it was; anything else starts over from its page.
      retryUrl: view.retryUrl ?? (req.method === 'GET' ? req.originalUrl : '/'),
    },
    (renderError, html) => {
      if (renderError) {
        console.error('demo app: the error page failed to render', renderError);
        res.type('text').send(`${view.title} (${view.code}): ${view.description}`);
        return;
      }
      res.send(html);
    },
  );
}

function titleFor(status: number, code: string): string {
  if (code === 'insufficient_authentication_context') return 'A second factor is needed';
  if (status === 413) return 'Too large';
  if (status === 403) return 'Not your team';
  if (status === 404) return 'Not found';
  if (status === 503) return 'The identity provider cannot be reached';
  return 'Something went wrong';
}
