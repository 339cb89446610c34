/**
 * createApp: the expense dashboard, a relying party of Understudy that talks to it only over
 * HTTP, as any app would. The entry point (server.ts) listens.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServerResponse } from 'node:http';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Store } from 'express-session';
import type { Seed } from '../seed/schema.js';
import type { AppConfig } from './config.js';
import { errorBoundary, HttpError } from './errors.js';
import { createOidc, type Oidc } from './oidc.js';
import { createApiRouter } from './routes/api.js';
import { createAuthRouter } from './routes/auth.js';
import { createLessonRouter } from './routes/lesson.js';
import { createPagesRouter } from './routes/pages.js';
import { createSpaRouter } from './routes/spa.js';
import { createSessionMiddleware } from './session.js';
import { createTeamDirectory } from './teams.js';

export interface AppDependencies {
  seed: Seed;
  sessionSecret: string;
  /** A shared session store; the in-memory one otherwise (one process, lost on restart). */
  sessionStore?: Store | undefined;
  /** One made from config otherwise; pass your own to close() it when the app shuts down. */
  oidc?: Oidc | undefined;
}

export function createApp(config: AppConfig, dependencies: AppDependencies): Express {
  const oidc =
    dependencies.oidc ??
    createOidc({
      issuer: config.issuer,
      clientId: config.clientId,
      clientSecret: config.clientSecret,
    });
  const teams = createTeamDirectory(dependencies.seed);
  const app = express();
  app.disable('x-powered-by');
  app.set('view engine', 'ejs');
  app.set('views', sourceDir('views'));
  // Behind a TLS proxy, req.secure (and so the Secure cookie) comes from X-Forwarded-Proto.
  app.set('trust proxy', config.trustProxy);
  lingerAfterEarlyAnswers(app);

  app.use((_req, res, next) => {
    // Everything the pages load comes from this app; the SPA also talks to the provider.
    res.set(
      'content-security-policy',
      `default-src 'self'; connect-src 'self' ${new URL(config.issuer).origin}; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self' ${new URL(config.issuer).origin}; frame-ancestors 'none'`,
    );
    res.set('x-content-type-options', 'nosniff');
    res.set('referrer-policy', 'no-referrer');
    next();
  });
  app.use(refuseLargeBodies);
  const require = createRequire(import.meta.url);
  app.use(
    '/assets/bootstrap',
    express.static(dirname(require.resolve('bootstrap/dist/css/bootstrap.min.css'))),
  );
  app.use('/assets', express.static(sourceDir('public')));
  app.use(createApiRouter(config, oidc, teams));
  app.use(createSpaRouter(config));
  app.use(
    createSessionMiddleware({
      secret: dependencies.sessionSecret,
      store: dependencies.sessionStore,
    }),
  );
  app.use(createAuthRouter(config, oidc));
  app.use(createPagesRouter(teams, oidc, config.issuer));
  app.use(createLessonRouter(config, oidc, teams));
  app.use(() => {
    throw new HttpError(404, 'not_found', 'There is no page here.');
  });
  app.use(errorBoundary);
  return app;
}

/** No route reads more than a small form: a larger body is refused before anything reads it. */
const maxBodyBytes = 64 * 1024;

function refuseLargeBodies(req: Request, _res: Response, next: NextFunction): void {
  if (Number(req.get('content-length')) > maxBodyBytes) {
    throw new HttpError(
      413,
      'invalid_request',
      `The request body is larger than ${maxBodyBytes} bytes.`,
    );
  }
  next();
}

/** What is read off after an early answer before the connection is closed regardless. */
const lingerLimits = { bytes: 4 * 1024 * 1024, ms: 10_000 };
const lingering = new WeakSet<ServerResponse>();

/**
 * Most answers come without reading the request body (a page, a 404, the 413 above). Such an
 * answer is sent at once, complete, with `Connection: close`, and the response ends (and the
 * connection closes) only once the rest of the body has been read off, up to a bound: closing
 * a socket with unread bytes on it resets it, and the client, still sending, reads ECONNRESET
 * or EPIPE instead of the answer. Express makes `app.response` the prototype of every
 * response, for apps to extend; its `end` is the one place every answer passes.
 */
function lingerAfterEarlyAnswers(app: Express): void {
  const end = app.response.end as (this: ServerResponse, ...args: unknown[]) => ServerResponse;
  app.response.end = function lingeringEnd(this: ServerResponse, ...args: unknown[]) {
    const { req } = this;
    if (lingering.has(this)) return this;
    if (req.complete || req.destroyed) return end.apply(this, args);
    lingering.add(this);
    const done = args.find((arg) => typeof arg === 'function');
    const chunk = typeof args[0] === 'function' || args[0] == null ? undefined : args[0];
    const encoding = typeof args[1] === 'string' ? (args[1] as BufferEncoding) : undefined;
    if (!this.headersSent) {
      this.setHeader('connection', 'close');
      const hasBody = req.method !== 'HEAD' && this.statusCode !== 204 && this.statusCode !== 304;
      if (hasBody && !this.hasHeader('content-length') && !this.hasHeader('transfer-encoding')) {
        const length = chunk === undefined ? 0 : Buffer.byteLength(chunk as string, encoding);
        this.setHeader('content-length', length);
      }
    }
    if (chunk === undefined) this.flushHeaders();
    else if (encoding) this.write(chunk, encoding);
    else this.write(chunk);
    const socket = this.socket;
    let read = 0;
    const finish = (closeNow: boolean) => {
      clearTimeout(timer);
      req.off('data', count).off('end', whole).off('error', whole).off('close', whole);
      if (closeNow) this.once('finish', () => socket?.destroy());
      end.call(this, done);
    };
    const count = (piece: Buffer) => {
      read += piece.length;
      if (read > lingerLimits.bytes) finish(true);
    };
    const whole = () => finish(false);
    const timer = setTimeout(() => finish(true), lingerLimits.ms);
    timer.unref();
    req.on('data', count).once('end', whole).once('error', whole).once('close', whole);
    req.resume();
    return this;
  } as Express['response']['end'];
}

/** Views and assets sit beside this module in the source tree, and two levels up from dist/app. */
function sourceDir(name: string): string {
  const beside = fileURLToPath(new URL(`./${name}`, import.meta.url));
  return existsSync(beside) ? beside : fileURLToPath(new URL(`../../app/${name}`, import.meta.url));
}
