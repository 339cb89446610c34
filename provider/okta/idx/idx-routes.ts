/**
 * Identity Engine's routes at the org root: the /idp/idx calls, each handed to the
 * authorization server whose sign-in its handle names, and /login/token/redirect, where the
 * hosted widget's browser goes back into the authorization request. Bodies are JSON
 * (`application/ion+json; okta-version=1.0.0` or `application/json`); answers are IDX objects,
 * errors too; CORS is credentialed, for the apps' trusted origins.
 */
import type { Context, Middleware } from 'koa';
import { allowOrigin, answerPreflight } from '../../http/cors.js';
import { UnderstudyError } from '../../http/errors.js';
import { readJsonBody } from '../../http/json-body.js';
import { serverOfHandle } from './handles.js';
import type { IdxAction, IdxEngine } from './idx-engine.js';
import { IdxError, noSignInToFinish, sessionExpired } from './idx-error.js';
import { idxMessages } from './idx-shapes.js';

export interface IdxRoutesOptions {
  /** The IDX sign-ins of authorization server `id` (the org's included), if it exists. */
  idxFor(serverId: string): IdxEngine | undefined;
  /** Origins some app trusts: those get CORS answers (the sign-in's app is checked after). */
  trusted(origin: string): boolean;
  /** A failure injected for the next IDX call (the control plane), if one waits. */
  injectedFailure?:
    (() => Promise<{ error_description?: string | undefined } | undefined>) | undefined;
}

/** Credentialed CORS for the IDX calls and /v1/interact; preflights answered here. */
export function idxCors(trusted: (origin: string) => boolean): Middleware {
  const rule = { allows: trusted, credentials: true, expose: 'X-Okta-Request-Id' };
  return async (ctx, next) => {
    if (answerPreflight(ctx, rule, 'POST')) return;
    allowOrigin(ctx, rule);
    await next();
  };
}

/** The step of one /idp/idx path. */
export function idxCall(options: IdxRoutesOptions, action: IdxAction): Middleware {
  return async (ctx) => {
    const body = await readIdxBody(ctx);
    const injected = await options.injectedFailure?.();
    if (injected) {
      throw new IdxError(429, {
        ...idxMessages.tooManyRequests,
        ...(injected.error_description ? { message: injected.error_description } : {}),
      });
    }
    const handle =
      action === 'introspect'
        ? (body.stateToken ?? body.stateHandle ?? body.interactionHandle)
        : body.stateHandle;
    if (typeof handle !== 'string') {
      throw new IdxError(400, {
        message: `'${action === 'introspect' ? 'interactionHandle' : 'stateHandle'}' is required.`,
        i18n: { key: 'api.error.field_required' },
        class: 'ERROR',
      });
    }
    const serverId = serverOfHandle(handle);
    const engine = serverId === undefined ? undefined : options.idxFor(serverId);
    if (!engine) throw sessionExpired();
    await engine.answer(ctx, action, body);
  };
}

/** GET /login/token/redirect?stateToken=…: the hosted widget's way back. */
export function tokenRedirect(options: IdxRoutesOptions): Middleware {
  return async (ctx) => {
    const stateToken = typeof ctx.query.stateToken === 'string' ? ctx.query.stateToken : '';
    const serverId = serverOfHandle(stateToken);
    const engine = serverId === undefined ? undefined : options.idxFor(serverId);
    if (!engine) throw noSignInToFinish();
    await engine.finishHosted(ctx, stateToken);
  };
}

/** A JSON object body, or an IDX 400 that says what is wrong (a 413 stays a 413). */
async function readIdxBody(ctx: Context): Promise<Record<string, unknown>> {
  try {
    return await readJsonBody(ctx);
  } catch (error) {
    if (error instanceof UnderstudyError && error.status === 413) throw error;
    throw new IdxError(400, {
      message: 'The request body was not well-formed.',
      i18n: { key: 'errors.E0000003' },
      class: 'ERROR',
    });
  }
}
