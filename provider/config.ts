/**
 * The provider's configuration: parsed once from argv, typed, frozen, and failing fast with a
 * one-line message for any bad option.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

export interface ProviderConfig {
  /** Interface to bind; loopback unless told otherwise. */
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** Origin the issuers hang off (`{issuerBase}/oauth2/{id}`); defaults to http://localhost:{port}. */
  readonly issuerBase: string | undefined;
  readonly dataDir: string;
  /** undefined means the bundled default seed. */
  readonly seedPath: string | undefined;
  /** Serve HTTPS with a local CA kept in the data directory. */
  readonly https: boolean;
  /** Serve the control API (loopback callers only). */
  readonly control: boolean;
  /** Written with the issuer once the server answers, for scripts that wait on it. */
  readonly readyFile: string | undefined;
  /** No one-click user picker: every sign-in needs a password (also a seed option). */
  readonly requirePassword: boolean;
  /** Okta's Sign-In Widget as the hosted page (also a seed option). */
  readonly signInWidget: boolean;
  /** The most entries of each kind (sessions, grants, codes, tokens) the store keeps. */
  readonly maxSessions: number;
  /** Without Redis: the data directory's SQLite file (the default) or this process's memory. */
  readonly store: 'memory' | 'sqlite';
  /** Keep everything in this Redis, shared by every instance behind one issuer. */
  readonly redisUrl: string | undefined;
}

export class UsageError extends Error {
  override name = 'UsageError';
}

export const usage = `Usage: understudy [options]

A local OpenID Connect provider that stands in for Okta.

Options:
  --seed <path>      seed file with users, groups and clients (default: the bundled demo seed)
  --port <number>    port to listen on (default: 4000; 0 picks a free port)
  --host <address>   interface to bind (default: 127.0.0.1)
  --issuer <origin>  origin of the issuers, e.g. http://localhost:4000
                     (each issuer is <origin>/oauth2/<id>; default: http://localhost:<port>)
  --data-dir <path>  where signing keys, cookie secrets, revocations, the validated seed
                     and the local CA are kept (default: ./.understudy)
  --https            serve HTTPS with a local CA made on first use; prints the
                     NODE_EXTRA_CA_CERTS line that makes Node apps trust it
  --control          serve the control API at /__understudy (loopback callers only):
                     next login, injected errors, clock, users, key rotation, reset
  --ready-file <path>
                     write {"issuer", "issuers", "url", "pid"} there once the server answers
  --max-sessions <n> the most sessions (and of each other kind: grants, codes, tokens) kept
                     in memory, least recently used dropped first (default: 10000)
  --store <kind>     where sessions, tokens and changed users are kept: "sqlite" (the
                     default: understudy.sqlite in the data directory, kept across restarts)
                     or "memory" (lost when the process ends)
  --redis <url>      keep sessions, tokens, keys and control state in Redis, shared by every
                     instance behind one issuer (also UNDERSTUDY_REDIS_URL)
  --require-password hide the one-click user picker: every sign-in needs a password
                     (do this whenever --host makes Understudy reachable from elsewhere)
  --sign-in-widget   Okta's own Sign-In Widget as the hosted sign-in page (needs
                     npm install @okta/okta-signin-widget@7)
  -h, --help         show this help

Commands:
  understudy keys list|rotate [--data-dir <path>] [--redis <url>]
                     the signing keys and their state; add a new signing key`;

export function parseProviderArgs(
  argv: readonly string[],
  cwd: string = process.cwd(),
  env: Readonly<Record<string, string | undefined>> = {},
): ProviderConfig | 'help' {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        seed: { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        issuer: { type: 'string' },
        'data-dir': { type: 'string' },
        https: { type: 'boolean' },
        control: { type: 'boolean' },
        'ready-file': { type: 'string' },
        'require-password': { type: 'boolean' },
        'sign-in-widget': { type: 'boolean' },
        'max-sessions': { type: 'string' },
        redis: { type: 'string' },
        store: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (cause) {
    throw new UsageError((cause as Error).message.split('\n')[0]);
  }
  if (values.help) return 'help';

  return Object.freeze({
    host: parseHost(values.host as string | undefined),
    port: parsePort(values.port as string | undefined),
    issuerBase: parseIssuerBase(values.issuer as string | undefined),
    dataDir: resolve(cwd, (values['data-dir'] as string | undefined) ?? '.understudy'),
    seedPath: values.seed === undefined ? undefined : resolve(cwd, values.seed as string),
    https: values.https === true,
    control: values.control === true,
    readyFile:
      values['ready-file'] === undefined ? undefined : resolve(cwd, values['ready-file'] as string),
    requirePassword: values['require-password'] === true,
    signInWidget: values['sign-in-widget'] === true,
    maxSessions: parseMaxSessions(values['max-sessions'] as string | undefined),
    redisUrl: parseRedisUrl((values.redis as string | undefined) ?? env.UNDERSTUDY_REDIS_URL),
    store: parseStore(values.store as string | undefined),
  });
}

function parseStore(raw: string | undefined): 'memory' | 'sqlite' {
  if (raw === undefined || raw === 'sqlite') return 'sqlite';
  if (raw === 'memory') return 'memory';
  throw new UsageError(`--store must be "sqlite" or "memory", got "${raw}"`);
}

function parsePort(raw: string | undefined): number {
  if (raw === undefined) return 4000;
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65535) {
    throw new UsageError(`--port must be a whole number from 0 to 65535, got "${raw}"`);
  }
  return port;
}

export function parseRedisUrl(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!URL.canParse(raw) || !['redis:', 'rediss:'].includes(new URL(raw).protocol)) {
    throw new UsageError(`--redis must be a redis:// or rediss:// URL, got "${raw}"`);
  }
  return raw;
}

function parseMaxSessions(raw: string | undefined): number {
  if (raw === undefined) return 10_000;
  const max = Number(raw);
  if (!/^\d+$/.test(raw) || max < 100 || max > 10_000_000) {
    throw new UsageError(
      `--max-sessions must be a whole number from 100 to 10000000, got "${raw}"`,
    );
  }
  return max;
}

function parseHost(raw: string | undefined): string {
  if (raw === undefined) return '127.0.0.1';
  if (raw.trim() === '') throw new UsageError('--host must not be empty');
  return raw;
}

function parseIssuerBase(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  if (!URL.canParse(raw)) throw new UsageError(`--issuer must be an absolute URL, got "${raw}"`);
  const url = new URL(raw);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--issuer must use http or https, got "${raw}"`);
  }
  if (url.search || url.hash) {
    throw new UsageError(`--issuer must not have a query or fragment, got "${raw}"`);
  }
  if (url.pathname !== '/') {
    throw new UsageError(
      `--issuer is the origin only (each issuer is <origin>/oauth2/<id>), got "${raw}"`,
    );
  }
  // Okta clients concatenate "/v1/..." onto the issuer, so it must never end in "/".
  return url.origin;
}

/** Whether binding `host` keeps Understudy on this machine. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127(\.\d{1,3}){3}$/.test(bare);
}
