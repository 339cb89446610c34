/**
 * createApp: the expense dashboard, a relying party of Understudy that talks to it only over
 * HTTP, as any app would. The entry point (server.ts) listens.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Express } from 'express';
import type { Store } from 'express-session';
import type { Seed } from '../seed/schema.js';
import type { AppConfig } from './config.js';
import { errorBoundary, HttpError } from './errors.js';
import { createOidc, type Oidc } from './oidc.js';
import { createApiRouter } from './routes/api.js';
import { createAuthRouter } from './routes/auth.js';
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
  app.use(() => {
    throw new HttpError(404, 'not_found', 'There is no page here.');
  });
  app.use(errorBoundary);
  return app;
}

/** Views and assets sit beside this module in the source tree, and two levels up from dist/app. */
function sourceDir(name: string): string {
  const beside = fileURLToPath(new URL(`./${name}`, import.meta.url));
  return existsSync(beside) ? beside : fileURLToPath(new URL(`../../app/${name}`, import.meta.url));
}
