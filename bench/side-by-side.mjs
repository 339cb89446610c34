// Understudy beside the local IdPs people use instead: oauth2-mock-server (no login page,
// signs every token) and a stock oidc-provider with its development interactions. One run,
// several rounds with the order rotated, each figure the median of its rounds, each ratio
// computed inside its round. CPU per operation is the server's own, from /proc/<pid>/stat; a
// figure taken while something else used the CPU is measured again, and refused if it stays
// disturbed. Writes bench/side-by-side.json; bench/report.mjs makes bench/RESULTS.md of it.
import { execFileSync, spawn } from 'node:child_process';
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bench = join(root, 'bench');
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const loadSeconds = Number(process.env.BENCH_LOAD_SECONDS ?? 3);
const starts = Number(process.env.BENCH_STARTS ?? 5);
const ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());
const seed = JSON.parse(readFileSync(join(root, 'seed/default.json'), 'utf8'));
const [webClient] = seed.clients;
const serviceClient = seed.clients.find((client) =>
  client.grant_types.includes('client_credentials'),
);
const [firstUser] = seed.users;

/** How to start each server and talk to it. */
const servers = {
  'oauth2-mock-server': {
    // With a key saved once, as Understudy keeps its keys: no key generation in its start.
    command: (port, dataDir) => [
      join(bench, 'node_modules/oauth2-mock-server/dist/oauth2-mock-server.mjs'),
      '-p',
      String(port),
      '--jwk',
      mockKeyFile(dataDir),
    ],
    paths: {
      discovery: '/.well-known/openid-configuration',
      jwks: '/jwks',
      authorize: '/authorize',
      token: '/token',
    },
    web: { id: 'bench', secret: 'bench-secret', redirect: 'http://localhost:3000/callback' },
    service: { id: 'bench', secret: 'bench-secret', scope: 'api' },
    user: { username: 'x', password: 'x' },
  },
  'stock oidc-provider': {
    command: (port) => [join(bench, 'peers/stock-oidc-provider.mjs'), String(port)],
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
    },
    service: { id: 'bench-web', secret: 'bench-web-secret-0123456789', scope: 'api' },
    user: { username: 'bench-user', password: 'any' },
  },
  understudy: {
    command: (port, dataDir) => [
      join(root, 'dist/bin/understudy.js'),
      '--port',
      String(port),
      '--data-dir',
      dataDir,
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
    },
    service: {
      id: serviceClient.client_id,
      secret: serviceClient.client_secret,
      scope: 'expenses:read',
    },
    user: { username: firstUser.login, password: firstUser.password },
  },
};

function mockKeyFile(dataDir) {
  const file = join(dataDir, 'mock-key.json');
  if (!existsSync(file)) {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwk = {
      ...privateKey.export({ format: 'jwk' }),
      kid: 'bench-mock',
      alg: 'RS256',
      use: 'sig',
    };
    writeFileSync(file, JSON.stringify(jwk));
  }
  return file;
}

// ---- processes and the CPU they use -------------------------------------------------------

const procTicks = (pid) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(fields[11]) + Number(fields[12]); // utime + stime
};
const machineTicks = () => {
  const [, ...values] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = values.map(Number);
  // irq and softirq are left out: loopback traffic of the load itself lands there.
  return {
    busy: user + nice + system + steal,
    all: user + nice + system + idle + iowait + irq + softirq + steal,
  };
};
const rssMiB = (pid) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

/** Runs `work`, and says how much CPU the server used and whether anything else did. */
async function measured(pid, work) {
  for (let attempt = 1; ; attempt += 1) {
    const before = { server: procTicks(pid), self: process.cpuUsage(), machine: machineTicks() };
    const started = performance.now();
    const result = await work();
    const seconds = (performance.now() - started) / 1000;
    const serverTicks = procTicks(pid) - before.server;
    const self = process.cpuUsage(before.self);
    const selfTicks = ((self.user + self.system) / 1e6) * ticksPerSecond;
    const machine = machineTicks();
    const othersTicks = machine.busy - before.machine.busy - serverTicks - selfTicks;
    // More than a tenth of a core spent elsewhere means the figure is someone else's too.
    const disturbed = othersTicks / ticksPerSecond / seconds > 0.1;
    if (!disturbed) return { ...result, seconds, serverCpuSeconds: serverTicks / ticksPerSecond };
    if (attempt === 3) return { ...result, seconds, refused: 'other processes used the CPU' };
    await sleep(1000);
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function startServer(name, port, env = {}) {
  const dataDir = env.dataDir ?? mkdtempSync(join(tmpdir(), 'understudy-side-'));
  const child = spawn(process.execPath, servers[name].command(port, dataDir), {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, ...env.vars },
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return {
    child,
    dataDir,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode === null) {
        await new Promise((resolve) => {
          child.once('exit', resolve);
          child.kill('SIGTERM');
        });
      }
      if (!env.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Spawn until discovery answers 200, in milliseconds. */
async function coldStart(name, port, env) {
  const started = performance.now();
  const server = startServer(name, port, env);
  try {
    for (;;) {
      const answer = await get(port, servers[name].paths.discovery).catch(() => undefined);
      if (answer?.status === 200) return { ms: performance.now() - started, server };
      if (server.child.exitCode !== null) throw new Error(`${name} exited: ${server.stderr()}`);
      if (performance.now() - started > 15_000) throw new Error(`${name} did not answer in 15 s`);
      await sleep(1);
    }
  } catch (error) {
    await server.stop();
    throw error;
  }
}

// ---- HTTP ------------------------------------------------------------------------------------

const agent = new Agent({ keepAlive: true, maxSockets: 64 });

function send(port, method, path, { headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        agent,
        headers: { host: `localhost:${port}`, ...headers },
      },
      (res) => {
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
      },
    );
    req.on('error', reject);
    if (body) req.end(body);
    else req.end();
  });
}
const get = (port, path, headers) => send(port, 'GET', path, { headers });
const form = (values) => new URLSearchParams(values).toString();
const basic = (id, secret) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

/** Runs `operation` with `concurrency` at a time for the load window; latencies in ms. */
async function load(concurrency, operation) {
  const until = performance.now() + loadSeconds * 1000;
  const latencies = [];
  let failures = 0;
  let firstError;
  const worker = async () => {
    while (performance.now() < until) {
      const started = performance.now();
      try {
        await operation();
        latencies.push(performance.now() - started);
      } catch (error) {
        failures += 1;
        firstError ??= error.message;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  latencies.sort((a, b) => a - b);
  return {
    count: latencies.length,
    failures,
    firstError,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
  };
}
const percentile = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];

// ---- the operations --------------------------------------------------------------------------

function discoveryAndJwks(name, port) {
  let flip = false;
  const { discovery, jwks } = servers[name].paths;
  return async () => {
    flip = !flip;
    const answer = await get(port, flip ? discovery : jwks);
    if (answer.status !== 200) throw new Error(`status ${answer.status}`);
  };
}

function clientCredentials(name, port) {
  const { service, paths } = servers[name];
  const body = form({ grant_type: 'client_credentials', scope: service.scope });
  return async () => {
    const answer = await send(port, 'POST', paths.token, {
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: basic(service.id, service.secret),
      },
      body,
    });
    if (answer.status !== 200 || !JSON.parse(answer.body).access_token)
      throw new Error(`status ${answer.status}`);
  };
}

/** A browser without a browser: cookies, redirects, and the login (and consent) forms. */
function loginFlow(name, port, counter) {
  const { web, paths, user } = servers[name];
  return async () => {
    const cookies = new Map();
    const remember = (headers) => {
      for (const line of headers['set-cookie'] ?? []) {
        const [pair] = line.split(';');
        const at = pair.indexOf('=');
        cookies.set(pair.slice(0, at), pair.slice(at + 1));
      }
    };
    const cookieHeader = () => [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const hop = async (method, path, body) => {
      counter.requests += 1;
      const answer = await send(port, method, path, {
        headers: {
          cookie: cookieHeader(),
          ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
          accept: 'text/html',
        },
        body,
      });
      remember(answer.headers);
      return answer;
    };
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const authorize = `${paths.authorize}?${form({
      client_id: web.id,
      redirect_uri: web.redirect,
      response_type: 'code',
      scope: 'openid profile',
      state: randomBytes(8).toString('hex'),
      nonce: randomBytes(8).toString('hex'),
      code_challenge: challenge,
      code_challenge_method: 'S256',
    })}`;
    let answer = await hop('GET', authorize);
    let code;
    for (let step = 0; step < 12 && !code; step += 1) {
      if (answer.status >= 300 && answer.status < 400) {
        const location = new URL(answer.headers.location, `http://localhost:${port}`);
        if (location.href.startsWith(web.redirect)) {
          code = location.searchParams.get('code');
          break;
        }
        answer = await hop('GET', location.pathname + location.search);
      } else if (answer.status === 200) {
        const next = fillForm(answer.body, user);
        answer = await hop('POST', next.action, next.body);
      } else {
        throw new Error(`status ${answer.status} in the login flow`);
      }
    }
    if (!code) throw new Error('no code');
    counter.requests += 1;
    const token = await send(port, 'POST', paths.token, {
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: basic(web.id, web.secret),
      },
      body: form({
        grant_type: 'authorization_code',
        code,
        redirect_uri: web.redirect,
        code_verifier: verifier,
      }),
    });
    if (token.status !== 200 || !JSON.parse(token.body).id_token)
      throw new Error(`token ${token.status}`);
  };
}

/** The form a user would submit: the one with a password field, or else the first. */
function fillForm(html, user) {
  const forms = [...html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)].map(
    ([, attributes, inner]) => ({
      action: /action="([^"]*)"/i.exec(attributes)?.[1]?.replaceAll('&amp;', '&') ?? '',
      inputs: [...inner.matchAll(/<input\b([^>]*)>/gi)].map(([, input]) => ({
        name: /name="([^"]*)"/i.exec(input)?.[1],
        value: /value="([^"]*)"/i.exec(input)?.[1] ?? '',
      })),
    }),
  );
  const chosen = forms.find((f) => f.inputs.some((i) => i.name === 'password')) ?? forms[0];
  if (!chosen) throw new Error('a page without a form in the login flow');
  const values = {};
  for (const { name, value } of chosen.inputs) {
    if (!name) continue;
    if (name === 'password') values[name] = user.password;
    else if (name === 'username' || name === 'login') values[name] = user.username;
    else values[name] = value;
  }
  return { action: chosen.action, body: form(values) };
}

// ---- one round -------------------------------------------------------------------------------

async function measureServer(name, port) {
  const figures = {};
  const caches = { warm: mkdtempSync(join(tmpdir(), 'bench-cache-')) };
  try {
    // A first start fills the compile cache (and, for Understudy, makes the keys).
    const dataDir = mkdtempSync(join(tmpdir(), 'bench-data-'));
    const first = await coldStart(name, port, {
      dataDir,
      vars: { NODE_COMPILE_CACHE: caches.warm },
    });
    figures.firstStartMs = first.ms;
    await first.server.stop();
    const warm = [];
    const cold = [];
    for (let i = 0; i < starts; i += 1) {
      const run = await coldStart(name, port, {
        dataDir,
        vars: { NODE_COMPILE_CACHE: caches.warm },
      });
      warm.push(run.ms);
      await run.server.stop();
      const empty = mkdtempSync(join(tmpdir(), 'bench-cache-'));
      const coldRun = await coldStart(name, port, { dataDir, vars: { NODE_COMPILE_CACHE: empty } });
      cold.push(coldRun.ms);
      await coldRun.server.stop();
      rmSync(empty, { recursive: true, force: true });
    }
    figures.coldStartMs = median(warm);
    figures.coldCacheStartMs = median(cold);

    const { server } = await coldStart(name, port, {
      dataDir,
      vars: { NODE_COMPILE_CACHE: caches.warm },
    });
    const pid = server.child.pid;
    try {
      await sleep(300);
      figures.rssReadyMiB = rssMiB(pid);
      const discovery = await measured(pid, () => load(16, discoveryAndJwks(name, port)));
      figures.discovery = rate(discovery);
      const tokens = await measured(pid, () => load(32, clientCredentials(name, port)));
      figures.clientCredentials = rate(tokens);
      const counter = { requests: 0 };
      const logins = await measured(pid, () => {
        // A load measured again counts its own requests only.
        counter.requests = 0;
        return load(16, loginFlow(name, port, counter));
      });
      figures.login = {
        ...rate(logins),
        requestsPerFlow: counter.requests / Math.max(1, logins.count + logins.failures),
      };
      figures.rssAfterLoadMiB = rssMiB(pid);
    } finally {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  } finally {
    rmSync(caches.warm, { recursive: true, force: true });
  }
  return figures;
}

/** A load's figures; none at all when it was disturbed or anything in it failed. */
function rate(result) {
  const refused =
    result.refused ??
    (result.failures > 0
      ? `${result.failures} operations failed (first: ${result.firstError})`
      : undefined);
  if (refused) return { refused, failures: result.failures };
  return {
    perSecond: result.count / result.seconds,
    cpuMicrosPerOp: (result.serverCpuSeconds * 1e6) / result.count,
    p50Ms: result.p50,
    p99Ms: result.p99,
    failures: 0,
  };
}
const median = (values) => {
  const defined = values.filter((value) => value !== undefined).sort((a, b) => a - b);
  if (defined.length === 0) return undefined;
  const middle = Math.floor(defined.length / 2);
  return defined.length % 2 ? defined[middle] : (defined[middle - 1] + defined[middle]) / 2;
};

// ---- the run ---------------------------------------------------------------------------------

// BENCH_ONLY=understudy measures one server (for profiling); ratios need all three.
const names = process.env.BENCH_ONLY ? [process.env.BENCH_ONLY] : Object.keys(servers);
const port = 47_000 + (process.pid % 1000);
const results = [];
for (let round = 0; round < rounds; round += 1) {
  // Each round starts with a different server, so warm-up and thermal effects fall on each.
  const order = names.map((_, i) => names[(i + round) % names.length]);
  const figures = {};
  for (const name of order) {
    console.error(`bench: round ${round + 1}/${rounds}, ${name}`);
    figures[name] = await measureServer(name, port);
  }
  results.push(figures);
}
agent.destroy();

const pick = (path) => (figures) => path.reduce((value, key) => value?.[key], figures);
const metrics = {
  coldStartMs: pick(['coldStartMs']),
  coldCacheStartMs: pick(['coldCacheStartMs']),
  firstStartMs: pick(['firstStartMs']),
  rssReadyMiB: pick(['rssReadyMiB']),
  discoveryPerSecond: pick(['discovery', 'perSecond']),
  discoveryCpuMicros: pick(['discovery', 'cpuMicrosPerOp']),
  tokensPerSecond: pick(['clientCredentials', 'perSecond']),
  tokenCpuMicros: pick(['clientCredentials', 'cpuMicrosPerOp']),
  loginsPerSecond: pick(['login', 'perSecond']),
  loginCpuMicros: pick(['login', 'cpuMicrosPerOp']),
  loginP50Ms: pick(['login', 'p50Ms']),
  loginP99Ms: pick(['login', 'p99Ms']),
  loginRequests: pick(['login', 'requestsPerFlow']),
  rssAfterLoadMiB: pick(['rssAfterLoadMiB']),
};
const summary = {};
for (const name of names) {
  summary[name] = {};
  for (const [metric, read] of Object.entries(metrics)) {
    const values = results.map((round) => read(round[name]));
    const defined = values.filter((value) => value !== undefined);
    summary[name][metric] = defined.length
      ? {
          median: median(defined),
          min: Math.min(...defined),
          max: Math.max(...defined),
          rounds: defined.length,
        }
      : undefined;
  }
}
// Ratios to the mock, inside each round, then the median of the rounds.
const ratios = {};
for (const [metric, read] of Object.entries(metrics)) {
  const perRound = results
    .map((round) => {
      const ours = read(round.understudy);
      const mock = read(round['oauth2-mock-server']);
      return ours !== undefined && mock ? ours / mock : undefined;
    })
    .filter((value) => value !== undefined);
  ratios[metric] = median(perRound);
}
const refused = results.flatMap((round, i) =>
  Object.entries(round).flatMap(([name, figures]) =>
    ['discovery', 'clientCredentials', 'login']
      .filter((k) => figures[k]?.refused)
      .map((k) => `round ${i + 1}, ${name}, ${k}: ${figures[k].refused}`),
  ),
);
const output = {
  machine: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}`,
  node: process.version,
  rounds,
  loadSeconds,
  startsPerRound: starts,
  summary,
  ratiosToMock: ratios,
  refused,
  raw: results,
};
writeFileSync(join(bench, 'side-by-side.json'), `${JSON.stringify(output, null, 2)}\n`);
console.log(JSON.stringify({ summary, ratiosToMock: ratios, refused }, null, 2));
