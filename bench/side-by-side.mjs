// Understudy beside the local IdPs people use instead: oauth2-mock-server (no login page, signs
// every token) and a stock oidc-provider 9 with its development login and consent pages and JWT
// access tokens (bench/peers/stock-oidc-provider.mjs); and beside itself with `--store memory`.
// "Understudy" is the CLI as its users start it, with the durable default store (the data
// directory's understudy.sqlite); the `--store memory` variant is the same CLI with the
// in-memory store, and its one goal (bench/goals.mjs) is the durable store's cost per login.
// All four sign with an RS256 2048-bit key.
//
// Each round measures all four, taking turns, so that the machine's drift falls on each alike:
//   1. starts, one peer after another: a first start (empty data directory and compile cache),
//      then BENCH_STARTS starts with a warm compile cache, and a few with an empty one;
//   2. loads: the four are started and left running, RSS read at ready, each warmed up with a
//      few operations, then each measured load runs on one peer after the other: the same
//      number of discovery + JWKS GETs, `client_credentials` tokens and login flows for each;
//      RSS is read after each peer's logins.
// The order of the peers rotates from round to round. CPU per operation is the server's own
// (utime + stime of all its threads, from /proc/<pid>/stat). A goal's ratio (Understudy over a
// peer, bench/goals.mjs) is taken inside each round; the verdict is on the median of the
// rounds, and the spread (lowest and highest round) is kept beside it. A load during which other
// processes used more than a tenth of a core is kept but marked disturbed; a load in which any
// operation failed gives no figure.
//
// Knobs: BENCH_ROUNDS (5), BENCH_STARTS (5), BENCH_SCALE (1: multiplies the operations per load);
// BENCH_QUICK=1 makes it 1 round, 1 start and a tenth of the operations. Writes
// side-by-side.json (bench/ or BENCH_OUT, see bench/output.mjs).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  agent,
  clientCredentials,
  discoveryAndJwks,
  load,
  loginFlow,
  median,
  tokenFormat,
} from './client.mjs';
import { goals, meets, US } from './goals.mjs';
import { quick, runInfo, writeJson } from './output.mjs';
import {
  machineTicks,
  peerNames,
  peers,
  procTicks,
  removeFolder,
  rssMiB,
  runFolder,
  running,
  sleep,
  spawnReady,
  ticksPerSecond,
} from './peers.mjs';

const setting = (name, normal, quickValue) =>
  Number(process.env[name] ?? (quick ? quickValue : normal));
const rounds = setting('BENCH_ROUNDS', 5, 1);
const starts = setting('BENCH_STARTS', 5, 1);
const emptyCacheStarts = Math.max(1, Math.round(starts / 2));
const scale = setting('BENCH_SCALE', 1, 0.1);
const scaled = (count) => Math.max(20, Math.round(count * scale));
/** Operations per measured load, the same for every peer, and how many run at a time. */
const loads = {
  discovery: { count: scaled(8_000), concurrency: 16, make: discoveryAndJwks },
  tokens: { count: scaled(2_000), concurrency: 32, make: clientCredentials },
  logins: { count: scaled(800), concurrency: 16, make: loginFlow },
};
const warmUp = { discovery: scaled(500), tokens: scaled(100), logins: scaled(50) };
/** Other processes' CPU, in cores, above which a load is marked disturbed. */
const disturbedAbove = 0.1;

const startedAt = performance.now();
const folder = runFolder();
const basePort = 47_000 + (process.pid % 250) * peerNames.length;
const portOf = Object.fromEntries(peerNames.map((name, i) => [name, basePort + i]));
const slug = (name) => name.replace(/\W+/g, '-');
const log = (message) =>
  console.error(
    `side-by-side ${((performance.now() - startedAt) / 1000).toFixed(0)} s: ${message}`,
  );

/** Runs `work` and says how much CPU `pid` used, and how much processes not ours did. */
async function measured(pid, work) {
  const ours = () => [...running].reduce((sum, child) => sum + procTicks(child.pid), 0);
  const before = {
    server: procTicks(pid),
    ours: ours(),
    self: process.cpuUsage(),
    machine: machineTicks(),
  };
  const started = performance.now();
  const result = await work();
  const seconds = (performance.now() - started) / 1000;
  const serverTicks = procTicks(pid) - before.server;
  const oursTicks = ours() - before.ours;
  const self = process.cpuUsage(before.self);
  const selfTicks = ((self.user + self.system) / 1e6) * ticksPerSecond;
  const othersTicks = machineTicks().busy - before.machine.busy - oursTicks - selfTicks;
  const othersCores = Math.max(0, othersTicks / ticksPerSecond / seconds);
  return {
    ...result,
    seconds,
    serverCpuSeconds: serverTicks / ticksPerSecond,
    loadGeneratorCores: selfTicks / ticksPerSecond / seconds,
    othersCores,
    disturbed: othersCores > disturbedAbove,
  };
}

/** A load's figures; none when any operation in it failed. */
function figures(result) {
  const base = {
    seconds: result.seconds,
    othersCores: result.othersCores,
    disturbed: result.disturbed,
    failures: result.failures,
  };
  if (result.failures > 0) {
    return { ...base, refused: `${result.failures} failed (first: ${result.firstError})` };
  }
  return {
    ...base,
    count: result.count,
    perSecond: result.count / result.seconds,
    cpuMicrosPerOp: (result.serverCpuSeconds * 1e6) / result.count,
    p50Ms: result.p50,
    p99Ms: result.p99,
  };
}

/** The CPU ticks of the servers started and stopped so far (read just before each stop). */
let startedServersTicks = 0;

async function startOnce(name, dataDir, cacheDir) {
  const { ms, server } = await spawnReady(name, portOf[name], {
    dataDir,
    env: { NODE_COMPILE_CACHE: cacheDir },
  });
  startedServersTicks += procTicks(server.pid);
  await server.stop();
  return ms;
}

async function round(index, order) {
  const result = Object.fromEntries(order.map((name) => [name, {}]));
  const dirs = {};
  for (const name of order) {
    dirs[name] = {
      data: join(folder, `round-${index}`, slug(name)),
      cache: join(folder, `round-${index}`, `${slug(name)}-cache`),
    };
    mkdirSync(dirs[name].data, { recursive: true });
  }

  // 1. Starts, taking turns.
  log(`round ${index + 1}/${rounds}: starts (${order.join(', ')})`);
  const before = {
    servers: startedServersTicks,
    self: process.cpuUsage(),
    machine: machineTicks(),
    at: performance.now(),
  };
  for (const name of order) {
    result[name].firstStartMs = await startOnce(name, dirs[name].data, dirs[name].cache);
    result[name].coldStartsMs = [];
    result[name].emptyCacheStartsMs = [];
  }
  for (let i = 0; i < starts; i += 1) {
    for (const name of order) {
      result[name].coldStartsMs.push(await startOnce(name, dirs[name].data, dirs[name].cache));
    }
  }
  for (let i = 0; i < emptyCacheStarts; i += 1) {
    for (const name of order) {
      const empty = join(folder, `round-${index}`, `${slug(name)}-empty-${i}`);
      result[name].emptyCacheStartsMs.push(await startOnce(name, dirs[name].data, empty));
      removeFolder(empty);
    }
  }
  // Other processes' CPU over the starts: what the machine did less what the servers (up to
  // their stop) and the bench did.
  const self = process.cpuUsage(before.self);
  const othersTicks =
    machineTicks().busy -
    before.machine.busy -
    (startedServersTicks - before.servers) -
    ((self.user + self.system) / 1e6) * ticksPerSecond;
  const othersCores = Math.max(
    0,
    othersTicks / ticksPerSecond / ((performance.now() - before.at) / 1000),
  );
  for (const name of order) {
    result[name].coldStartMs = median(result[name].coldStartsMs);
    result[name].emptyCacheStartMs = median(result[name].emptyCacheStartsMs);
    result[name].starts = { othersCores, disturbed: othersCores > disturbedAbove };
  }

  // 2. Loads: all four running, each load on one peer after the other.
  const servers = {};
  try {
    for (const name of order) {
      servers[name] = (
        await spawnReady(name, portOf[name], {
          dataDir: dirs[name].data,
          env: { NODE_COMPILE_CACHE: dirs[name].cache },
        })
      ).server;
      await sleep(300);
      result[name].rssReadyMiB = rssMiB(servers[name].pid);
    }
    log(`round ${index + 1}/${rounds}: warm-up`);
    for (const name of order) {
      const port = portOf[name];
      for (const [kind, count] of Object.entries(warmUp)) {
        const warm = await load(
          count,
          loads[kind].concurrency,
          loads[kind].make(peers[name], port),
        );
        if (warm.failures > 0) {
          throw new Error(`${name}: ${kind} failed in the warm-up: ${warm.firstError}`);
        }
      }
      if (index === 0) {
        const login = await loginFlow(peers[name], port)();
        const service = await clientCredentials(peers[name], port)();
        result[name].tokenFormats = {
          loginAccessToken: tokenFormat(login.access_token),
          loginIdToken: tokenFormat(login.id_token),
          clientCredentialsAccessToken: tokenFormat(service.access_token),
        };
      }
    }
    for (const [kind, { count, concurrency, make }] of Object.entries(loads)) {
      log(`round ${index + 1}/${rounds}: ${count} ${kind} on each`);
      for (const name of order) {
        const counter = { requests: 0 };
        const operation =
          kind === 'logins'
            ? make(peers[name], portOf[name], counter)
            : make(peers[name], portOf[name]);
        const run = await measured(servers[name].pid, () => load(count, concurrency, operation));
        result[name][kind] = figures(run);
        if (kind === 'logins') {
          result[name][kind].requestsPerFlow = counter.requests / count;
          await sleep(300);
          result[name].rssAfterLoadMiB = rssMiB(servers[name].pid);
        }
      }
    }
  } finally {
    for (const server of Object.values(servers)) await server.stop();
  }
  removeFolder(join(folder, `round-${index}`));
  return result;
}

const pick =
  (...path) =>
  (figuresOfPeer) =>
    path.reduce((value, key) => value?.[key], figuresOfPeer);
/** Every figure kept per peer and round; goals.mjs names the ones with a goal. */
const metrics = {
  coldStartMs: pick('coldStartMs'),
  emptyCacheStartMs: pick('emptyCacheStartMs'),
  firstStartMs: pick('firstStartMs'),
  rssReadyMiB: pick('rssReadyMiB'),
  discoveryPerSecond: pick('discovery', 'perSecond'),
  discoveryCpuMicros: pick('discovery', 'cpuMicrosPerOp'),
  tokensPerSecond: pick('tokens', 'perSecond'),
  tokenCpuMicros: pick('tokens', 'cpuMicrosPerOp'),
  tokenP50Ms: pick('tokens', 'p50Ms'),
  tokenP99Ms: pick('tokens', 'p99Ms'),
  loginsPerSecond: pick('logins', 'perSecond'),
  loginCpuMicros: pick('logins', 'cpuMicrosPerOp'),
  loginP50Ms: pick('logins', 'p50Ms'),
  loginP99Ms: pick('logins', 'p99Ms'),
  loginRequests: pick('logins', 'requestsPerFlow'),
  rssAfterLoadMiB: pick('rssAfterLoadMiB'),
};
/** Which load a metric comes from, to tell whether it was disturbed. */
const loadOf = (metric) =>
  metric.endsWith('StartMs')
    ? 'starts'
    : metric.startsWith('discovery')
      ? 'discovery'
      : metric.startsWith('token')
        ? 'tokens'
        : metric.startsWith('login') || metric === 'rssAfterLoadMiB'
          ? 'logins'
          : undefined;

const spread = (values) => {
  const defined = values.filter((value) => value !== undefined);
  return defined.length
    ? {
        median: median(defined),
        min: Math.min(...defined),
        max: Math.max(...defined),
        rounds: defined.length,
      }
    : undefined;
};

const results = [];
try {
  for (let index = 0; index < rounds; index += 1) {
    // Each round starts with another peer, so warm-up and drift fall on each in turn.
    const order = peerNames.map((_, i) => peerNames[(i + index) % peerNames.length]);
    const roundStarted = performance.now();
    results.push(await round(index, order));
    log(
      `round ${index + 1}/${rounds} took ${((performance.now() - roundStarted) / 1000).toFixed(0)} s`,
    );
  }
} finally {
  agent.destroy();
  removeFolder(folder);
}

const summary = Object.fromEntries(
  peerNames.map((name) => [
    name,
    Object.fromEntries(
      Object.entries(metrics).map(([metric, read]) => [
        metric,
        spread(results.map((r) => read(r[name]))),
      ]),
    ),
  ]),
);
const goalResults = goals.map((goal) => {
  const read = metrics[goal.metric];
  const kind = loadOf(goal.metric);
  const perRound = results.map((r) => {
    const ours = read(r[US]);
    const theirs = read(r[goal.against]);
    return {
      ratio: ours !== undefined && theirs ? ours / theirs : undefined,
      disturbed:
        kind !== undefined && Boolean(r[US][kind]?.disturbed || r[goal.against][kind]?.disturbed),
    };
  });
  return {
    ...goal,
    ratios: perRound.map((r) => r.ratio),
    ratio: spread(perRound.map((r) => r.ratio)),
    met: meets(goal, median(perRound.map((r) => r.ratio))),
    disturbedRounds: perRound.filter((r) => r.disturbed).length,
  };
});
const refused = results.flatMap((r, i) =>
  Object.entries(r).flatMap(([name, peerFigures]) =>
    Object.keys(loads)
      .filter((kind) => peerFigures[kind]?.refused)
      .map((kind) => `round ${i + 1}, ${name}, ${kind}: ${peerFigures[kind].refused}`),
  ),
);
const disturbed = results.flatMap((r, i) => [
  ...(r[US].starts.disturbed
    ? [`round ${i + 1}, the starts: ${r[US].starts.othersCores.toFixed(2)} cores`]
    : []),
  ...Object.entries(r).flatMap(([name, peerFigures]) =>
    Object.keys(loads)
      .filter((kind) => peerFigures[kind]?.disturbed)
      .map(
        (kind) =>
          `round ${i + 1}, ${name}, ${kind}: ${peerFigures[kind].othersCores.toFixed(2)} cores`,
      ),
  ),
]);
const tokenFormats = Object.fromEntries(
  peerNames.map((name) => [name, results[0][name].tokenFormats]),
);
for (const [name, formats] of Object.entries(tokenFormats)) {
  for (const [token, format] of Object.entries(formats)) {
    if (format !== 'JWT RS256')
      console.error(`side-by-side: ${name}'s ${token} is ${format}, not JWT RS256`);
  }
}
const output = {
  ...runInfo(),
  seconds: (performance.now() - startedAt) / 1000,
  rounds,
  startsPerRound: starts,
  emptyCacheStartsPerRound: emptyCacheStarts,
  operationsPerLoad: Object.fromEntries(
    Object.entries(loads).map(([kind, { count, concurrency }]) => [kind, { count, concurrency }]),
  ),
  warmUpOperations: warmUp,
  disturbedAboveCores: disturbedAbove,
  tokenFormats,
  goals: goalResults,
  summary,
  refused,
  disturbed,
  raw: results,
};
const file = await writeJson('side-by-side.json', output);
console.log(
  JSON.stringify(
    {
      file,
      seconds: Math.round(output.seconds),
      goals: goalResults.map((g) => ({
        metric: g.metric,
        against: g.against,
        ratio: g.ratio?.median,
        spread: g.ratio && [g.ratio.min, g.ratio.max],
      })),
      refused,
      disturbed,
    },
    null,
    2,
  ),
);
