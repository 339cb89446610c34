/**
 * The provider's one error boundary and serializer. Whatever a route throws leaves here: the
 * status, the OAuth error code and a readable description, as JSON or as a page. Server errors
 * are logged with their cause and answered as server_error, never with a stack or a message.
 *
 * oidc-provider answers errors on its own routes with the same shape (its renderError is our
 * error page); only errors it throws into our routes, such as an expired interaction, reach
 * this boundary.
 */
import type { IncomingMessage } from 'node:http';
import { HttpError, type Middleware } from 'koa';
import { errors } from 'oidc-provider';
import { cspNonce } from '../http/content-security.js';
import { ClientClosedRequest, UnderstudyError } from '../http/errors.js';
import { renderErrorPage } from '../views/error-page.js';

const expiredInteraction =
  'This sign-in has expired or was already completed. Go back to the application and sign in again.';

export const errorBoundary: Middleware = async (ctx, next) => {
  try {
    await next();
  } catch (caught) {
    const error = clientHungUp(ctx.req, caught)
      ? new ClientClosedRequest({ cause: caught })
      : toUnderstudyError(caught);
    if (!error.expose) console.error('understudy: unhandled error', caught);
    ctx.status = error.status;
    ctx.set(error.headers);
    ctx.set('cache-control', 'no-store');
    if (!error.jsonOnly && ctx.accepts('json', 'html') === 'html') {
      ctx.type = 'html';
      ctx.body = renderErrorPage(
        {
          error: error.error,
          error_description: error.message,
          hint: caught instanceof errors.SessionNotFound ? expiredInteraction : undefined,
        },
        cspNonce(ctx),
      );
    } else {
      ctx.body = error.body();
    }
  }
};

/**
 * Whether what failed was reading a request the client gave up on (Node's "aborted"): not a
 * fault of ours, and nothing to log.
 */
function clientHungUp(req: IncomingMessage, caught: unknown): boolean {
  return req.destroyed && !req.complete && caught !== null && caught === req.errored;
}

/** Our own errors pass as they are; oidc-provider's and Koa's keep their status and code. */
export function toUnderstudyError(caught: unknown): UnderstudyError {
  if (caught instanceof UnderstudyError) return caught;
  if (caught instanceof errors.OIDCProviderError && caught.status < 500) {
    return new UnderstudyError(
      caught.status,
      caught.error,
      caught.error_description ?? caught.error,
      {
        cause: caught,
      },
    );
  }
  if (caught instanceof HttpError && caught.expose) {
    return new UnderstudyError(caught.status, 'invalid_request', caught.message, { cause: caught });
  }
  return new UnderstudyError(500, 'server_error', 'oops! something went wrong', { cause: caught });
}
