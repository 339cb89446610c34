/**
 * express-session for the demo: httpOnly, SameSite=Lax, Secure under HTTPS, a distinct cookie
 * name (all of localhost is one cookie host, shared with the provider), and a secret from the
 * environment, or one generated and kept for local development, with a warning. Also what the
 * session keeps, and its callback-style methods as promises for the async routes.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Request } from 'express';
import session, { type Store } from 'express-session';
import type * as client from 'openid-client';
import type { FlowRecord, FlowStart } from './flow-record.js';

export interface SignedInUser {
  sub: string;
  name: string;
  email: string | undefined;
  groups: string[];
  idTokenClaims: Record<string, unknown>;
  userinfo: Record<string, unknown> | undefined;
}

export interface PendingLogin extends FlowStart {
  returnTo: string;
  /** The acr_values asked for (a step-up): the ID token's acr must be this. */
  acrValues?: string;
  startedAt: number;
}

export interface TokenSet {
  accessToken: string;
  idToken: string;
  refreshToken: string | undefined;
  /** Epoch milliseconds. */
  expiresAt: number;
  scope: string | undefined;
}

/** What the session keeps of a token response, from the code exchange or a refresh. */
export function toTokenSet(
  tokens: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers,
): TokenSet {
  return {
    accessToken: tokens.access_token,
    idToken: tokens.id_token ?? '',
    refreshToken: tokens.refresh_token,
    expiresAt: Date.now() + (tokens.expiresIn() ?? 300) * 1000,
    scope: tokens.scope,
  };
}

declare module 'express-session' {
  interface SessionData {
    /** Per redirect, by state (several tabs may sign in at once); removed at the callback. */
    pendingLogins: Record<string, PendingLogin>;
    user: SignedInUser;
    tokens: TokenSet;
    flow: FlowRecord;
    /** The authorization code the sign-in redeemed: spent, kept for the lesson, never shown. */
    spentCode: string;
    /** After logout: the lesson of the sign-in that ended, logout included (nothing usable). */
    endedSignIn: FlowRecord;
    csrfToken: string;
  }
}

export async function resolveSessionSecret(configured: string | undefined, dataDir: string) {
  if (configured) return configured;
  const file = join(dataDir, 'app-session-secret');
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    const secret = randomBytes(32).toString('base64url');
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    await writeFile(file, `${secret}\n`, { mode: 0o600 });
    console.warn(
      `demo app: no SESSION_SECRET set; generated one in ${file} for local development. ` +
        'Set SESSION_SECRET anywhere else.',
    );
    return secret;
  }
}

export function createSessionMiddleware(options: { secret: string; store?: Store | undefined }) {
  return session({
    name: 'demo.sid',
    secret: options.secret,
    store: options.store,
    // Nothing is stored until there is something to keep (no session per anonymous visit).
    resave: false,
    saveUninitialized: false,
    // 'auto': Secure whenever the request is (HTTPS directly, or via a trusted proxy).
    cookie: { httpOnly: true, sameSite: 'lax', secure: 'auto', maxAge: 8 * 3600 * 1000 },
  });
}

export const saveSession = (req: Request) =>
  new Promise<void>((resolve, reject) =>
    req.session.save((error) => (error ? reject(error) : resolve())),
  );
export const regenerateSession = (req: Request) =>
  new Promise<void>((resolve, reject) =>
    req.session.regenerate((error) => (error ? reject(error) : resolve())),
  );
export const destroySession = (req: Request) =>
  new Promise<void>((resolve, reject) =>
    req.session.destroy((error) => (error ? reject(error) : resolve())),
  );
