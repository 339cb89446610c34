// The servers the bench compares, how each is spawned and talked to, and what the bench reads
// of their processes (CPU ticks and RSS from /proc). Each peer is spawned as its users spawn it,
// with one RS256 2048-bit key kept on disk: Understudy makes its own on its first start in a
// data directory; oauth2-mock-server and the stock oidc-provider are given one that the bench
// makes once per run. Understudy runs twice: as its users start it, with the durable default
// store (the data directory's understudy.sqlite), and with `--store memory`, the in-memory
// store, to show what the durable one costs.
import { execFileSync, spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { get } from './client.mjs';

export const root = fileURLToPath(new URL('..', import.meta.url));
export const bench = join(root, 'bench');

const seed = JSON.parse(readFileSync(join(root, 'seed/default.json'), 'utf8'));
const [webClient] = seed.clients;
const serviceClient = seed.clients.find((client) =>
  client.grant_types.includes('client_credentials'),
);
/** The seeded users as the login form takes them. */
export const seededUsers = seed.users.map((user) => ({
  username: user.login,
  password: user.password,
}));

/** How to start each server and talk to it; the keys are the names the report shows. */
export const peers = {
  'oauth2-mock-server': {
    command: (port, dataDir) => [
      join(bench, 'node_modules/oauth2-mock-server/dist/oauth2-mock-server.mjs'),
      '-p',
      String(port),
      '--jwk',
      sharedKeyFile(dataDir),
    ],
    paths: {
      discovery: '/.well-known/openid-configuration',
      jwks: '/jwks',
      authorize: '/authorize',
      token: '/token',
    },
    web: {
      id: 'bench',
      secret: 'bench-secret',
      redirect: 'http://localhost:3000/callback',
      scope: 'openid profile',
    },
    service: { id: 'bench', secret: 'bench-secret', scope: 'api' },
    user: { username: 'x', password: 'x' },
  },
  'stock oidc-provider': {
    command: (port, dataDir) => [
      join(bench, 'peers/stock-oidc-provider.mjs'),
      String(port),
      sharedKeyFile(dataDir),
    ],
    paths: {
      discovery: '/.well-known/openid-configuration',
      jwks: '/jwks',
      authorize: '/auth',
      token: '/token',
    },
    web: {
      id: 'bench-web',
      secret: 'bench-web-secret-0123456789',
      redirect: 'http://localhost:3000/callback',
      // Its access token is a JWT for the default resource (api://default) all the same.
      scope: 'openid profile',
    },
    service: { id: 'bench-web', secret: 'bench-web-secret-0123456789', scope: 'api' },
    user: { username: 'bench-user', password: 'any' },
  },
  understudy: understudy(),
  'understudy --store memory': understudy('--store', 'memory'),
};
export const peerNames = Object.keys(peers);

/** The bundled CLI with a data directory, and `flags` after it. */
function understudy(...flags) {
  return {
    command: (port, dataDir) => [
      join(root, 'dist/bin/understudy.js'),
      '--port',
      String(port),
      '--data-dir',
      dataDir,
      ...flags,
    ],
    paths: {
      discovery: '/oauth2/default/.well-known/openid-configuration',
      jwks: '/oauth2/default/v1/keys',
      authorize: '/oauth2/default/v1/authorize',
      token: '/oauth2/default/v1/token',
    },
    web: {
      id: webClient.client_id,
      secret: webClient.client_secret,
      redirect: webClient.redirect_uris[0],
      scope: 'openid profile',
    },
    service: {
      id: serviceClient.client_id,
      secret: serviceClient.client_secret,
      scope: 'expenses:read',
    },
    user: seededUsers[0],
  };
}

/** The key the mock and the stock provider sign with, made once per data directory. */
function sharedKeyFile(dataDir) {
  const file = join(dataDir, '..', 'peer-key.json');
  if (!existsSync(file)) {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwk = {
      ...privateKey.export({ format: 'jwk' }),
      kid: 'bench-peer',
      alg: 'RS256',
      use: 'sig',
    };
    writeFileSync(file, JSON.stringify(jwk));
  }
  return file;
}

/** A folder for one run: each peer's data directory and the peers' key live under it. */
export function runFolder() {
  return mkdtempSync(join(tmpdir(), 'understudy-bench-'));
}

// ---- processes ---------------------------------------------------------------------------

export const ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());

/** The CPU a process has used, all its threads, in clock ticks. */
export const procTicks = (pid) => {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return Number(fields[11]) + Number(fields[12]); // utime + stime
  } catch {
    return 0; // gone
  }
};
export const machineTicks = () => {
  const [, ...values] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = values.map(Number);
  // irq and softirq are left out: loopback traffic of the load itself lands there.
  return {
    busy: user + nice + system + steal,
    all: user + nice + system + idle + iowait + irq + softirq + steal,
  };
};
export const rssMiB = (pid) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every server the bench has running, so that their idle CPU is not taken for others'. */
export const running = new Set();

/** Spawns a peer; `stop()` ends it (SIGTERM) and waits for its exit. */
export function startPeer(name, port, { dataDir, env = {}, nodeFlags = [], ipc = false }) {
  const child = spawn(process.execPath, [...nodeFlags, ...peers[name].command(port, dataDir)], {
    stdio: ['ignore', 'ignore', 'pipe', ...(ipc ? ['ipc'] : [])],
    env: { ...process.env, ...env },
  });
  running.add(child);
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  exited.then(() => running.delete(child));
  return {
    name,
    port,
    child,
    pid: child.pid,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Waits until the peer's discovery answers 200; milliseconds since `started`. */
export async function untilReady(server, started, limitMs = 15_000) {
  const { discovery } = peers[server.name].paths;
  for (;;) {
    const answer = await get(server.port, discovery).catch(() => undefined);
    if (answer?.status === 200) return performance.now() - started;
    if (server.child.exitCode !== null) {
      throw new Error(`${server.name} exited (${server.child.exitCode}): ${server.stderr()}`);
    }
    if (performance.now() - started > limitMs) {
      throw new Error(`${server.name} did not answer in ${limitMs / 1000} s`);
    }
    await sleep(1);
  }
}

/** Spawn to discovery 200, in ms; the server is left running. */
export async function spawnReady(name, port, options) {
  // Makes the key file the mock and the stock provider are given, if missing, before the clock
  // starts: the bench makes it, not the peer.
  peers[name].command(port, options.dataDir);
  const started = performance.now();
  const server = startPeer(name, port, options);
  try {
    return { ms: await untilReady(server, started), server };
  } catch (error) {
    await server.stop();
    throw error;
  }
}

export const removeFolder = (path) => rmSync(path, { recursive: true, force: true });
