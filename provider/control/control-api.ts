/**
 * The control API over HTTP, for tests in any language: loopback callers only, JSON bodies
 * only (a browser page cannot send those cross-origin without a preflight we never answer).
 */
import Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import { SeedError } from '../../seed/errors.js';
import {
  AccessDenied,
  InvalidRequest,
  RouteNotFound,
  UnsupportedMediaType,
} from '../http/errors.js';
import { readJsonBody } from '../http/json-body.js';
import type { FailableEndpoint } from './control-state.js';
import type { SeedUserInput, UnderstudyControl } from './controller.js';

export const controlPrefix = '/__understudy';
const maxRepeats = 1000;
const loopbackHost = /^(localhost|127(\.\d{1,3}){3}|\[::1\])(:\d+)?$/i;

export function controlApi(control: UnderstudyControl): Middleware {
  const router = new Router({ prefix: controlPrefix });
  router.use(onlyLoopback);

  router.get('state', '/state', async (ctx) => {
    ctx.body = await control.snapshot();
  });
  router.get('outbox', '/outbox', async (ctx) => {
    const to = typeof ctx.query.to === 'string' ? ctx.query.to : undefined;
    ctx.set('cache-control', 'no-store');
    ctx.body = { messages: await control.outbox(to) };
  });
  router.post('next-login', '/next-login', async (ctx) => {
    const body = await readJsonRequest(ctx);
    const factor = body.factor === undefined ? undefined : requireString(body, 'factor');
    await control.nextLogin(requireString(body, 'user'), factor);
    ctx.body = await control.snapshot();
  });
  router.post('fail', '/fail', async (ctx) => {
    const body = await readJsonRequest(ctx);
    const times = body.times === undefined ? 1 : Number(body.times);
    await control.failNext(
      requireString(body, 'endpoint') as FailableEndpoint,
      requireString(body, 'error'),
      typeof body.error_description === 'string' ? body.error_description : undefined,
      Number.isInteger(times) && times > 0 ? Math.min(times, maxRepeats) : 1,
    );
    ctx.body = await control.snapshot();
  });
  router.post('clock', '/clock', async (ctx) => {
    const body = await readJsonRequest(ctx);
    const offset = Number(body.offsetSeconds);
    if (!Number.isFinite(offset)) throw new InvalidRequest('offsetSeconds must be a number');
    await control.shiftClock(offset);
    ctx.body = await control.snapshot();
  });
  router.post('users', '/users', async (ctx) => {
    const body = await readJsonRequest(ctx);
    try {
      ctx.body = await control.upsertUser(body as unknown as SeedUserInput);
    } catch (error) {
      if (!(error instanceof SeedError)) throw error;
      throw new InvalidRequest('invalid user', {
        cause: error,
        details: { problems: error.problems },
      });
    }
  });
  router.post('rotate-keys', '/rotate-keys', async (ctx) => {
    await readJsonRequest(ctx);
    ctx.body = await control.rotateKeys();
  });
  router.post('reset', '/reset', async (ctx) => {
    await readJsonRequest(ctx);
    await control.reset();
    ctx.body = await control.snapshot();
  });
  router.all('unknown', '/{*rest}', (ctx) => {
    throw new RouteNotFound(`no control route ${ctx.method} ${ctx.path}`);
  });

  // The router's middleware types the context it adds params to; the host passes a plain one.
  return router.routes() as unknown as Middleware;
}

/**
 * A loopback socket is not enough: a local proxy or a DNS-rebound page arrives on one too,
 * with another Host or with forwarding headers.
 */
const onlyLoopback: Middleware = async (ctx, next) => {
  ctx.set('cache-control', 'no-store');
  const forwarded = ['forwarded', 'x-forwarded-for', 'x-forwarded-host'].some((name) =>
    ctx.get(name),
  );
  if (
    !isLoopback(ctx.req.socket.remoteAddress) ||
    !loopbackHost.test(ctx.get('host')) ||
    forwarded
  ) {
    throw new AccessDenied('the control API answers loopback callers only');
  }
  await next();
};

async function readJsonRequest(ctx: Context): Promise<Record<string, unknown>> {
  if (!ctx.is('application/json')) {
    throw new UnsupportedMediaType('send a JSON body (content-type: application/json)');
  }
  return readJsonBody(ctx);
}

function requireString(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  if (typeof value !== 'string' || value === '') {
    throw new InvalidRequest(`"${name}" must be a non-empty string`);
  }
  return value;
}

export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}
