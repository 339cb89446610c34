/**
 * The control API over HTTP, for tests in any language: loopback callers only, JSON bodies
 * only (a browser page cannot send those cross-origin without a preflight we never answer).
 */
import type { Context, Middleware } from 'koa';
import { SeedError } from '../../seed/errors.js';
import { readJsonBody } from '../http/json-body.js';
import { UnknownUserError, type UnderstudyControl } from './controller.js';

export const controlPrefix = '/__understudy';
const maxRepeats = 1000;
const loopbackHost = /^(localhost|127(\.\d{1,3}){3}|\[::1\])(:\d+)?$/i;

export function controlApi(control: UnderstudyControl): Middleware {
  const routes: Record<
    string,
    (ctx: Context, body: Record<string, unknown>) => Promise<unknown> | unknown
  > = {
    'GET /state': () => control.snapshot(),
    'POST /next-login': (_ctx, body) => {
      control.nextLogin(requireString(body, 'user'));
      return control.snapshot();
    },
    'POST /fail': (_ctx, body) => {
      const times = body.times === undefined ? 1 : Number(body.times);
      control.failNext(
        requireString(body, 'endpoint') as 'authorize' | 'token',
        requireString(body, 'error'),
        typeof body.error_description === 'string' ? body.error_description : undefined,
        Number.isInteger(times) && times > 0 ? Math.min(times, maxRepeats) : 1,
      );
      return control.snapshot();
    },
    'POST /clock': (_ctx, body) => {
      const offset = Number(body.offsetSeconds);
      if (!Number.isFinite(offset)) throw new RangeError('offsetSeconds must be a number');
      control.shiftClock(offset);
      return control.snapshot();
    },
    'POST /users': async (_ctx, body) => control.upsertUser(body as never),
    'POST /rotate-keys': () => control.rotateKeys(),
    'POST /reset': async () => {
      await control.reset();
      return control.snapshot();
    },
  };

  return async (ctx, next) => {
    if (ctx.path !== controlPrefix && !ctx.path.startsWith(`${controlPrefix}/`)) return next();
    ctx.set('cache-control', 'no-store');
    // A loopback socket is not enough: a local proxy or a DNS-rebound page arrives on one too,
    // with another Host or with forwarding headers.
    const forwarded = ['forwarded', 'x-forwarded-for', 'x-forwarded-host'].some((name) =>
      ctx.get(name),
    );
    if (
      !isLoopback(ctx.req.socket.remoteAddress) ||
      !loopbackHost.test(ctx.get('host')) ||
      forwarded
    ) {
      ctx.status = 403;
      ctx.body = {
        error: 'forbidden',
        error_description: 'the control API answers loopback callers only',
      };
      return;
    }
    const route = routes[`${ctx.method} ${ctx.path.slice(controlPrefix.length)}`];
    if (!route) {
      ctx.status = 404;
      ctx.body = {
        error: 'not_found',
        error_description: `no control route ${ctx.method} ${ctx.path}`,
      };
      return;
    }
    if (ctx.method !== 'GET' && !ctx.is('application/json')) {
      ctx.status = 415;
      ctx.body = {
        error: 'invalid_request',
        error_description: 'send a JSON body (content-type: application/json)',
      };
      return;
    }
    try {
      const body = ctx.method === 'GET' ? {} : await readJsonBody(ctx);
      ctx.body = (await route(ctx, body)) ?? {};
    } catch (error) {
      if (error instanceof SeedError) {
        ctx.status = 400;
        ctx.body = {
          error: 'invalid_request',
          error_description: 'invalid user',
          problems: error.problems,
        };
      } else if (
        error instanceof UnknownUserError ||
        error instanceof RangeError ||
        error instanceof SyntaxError
      ) {
        ctx.status = 400;
        ctx.body = { error: 'invalid_request', error_description: error.message };
      } else {
        throw error;
      }
    }
  };
}

function requireString(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  if (typeof value !== 'string' || value === '')
    throw new RangeError(`"${name}" must be a non-empty string`);
  return value;
}

export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}
