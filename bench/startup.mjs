// Understudy's own start-up, on this machine: the published bin from spawn until discovery
// answers (keys already in its data directory), the test kit in a fresh process (import,
// startUnderstudy(), discovery), and startUnderstudy() again in the same process. No goal of its
// own: the cold-start goal is a ratio to oauth2-mock-server, in bench/side-by-side.mjs. Writes
// startup.json (bench/ or BENCH_OUT, see bench/output.mjs); BENCH_RUNS (20; 3 with
// BENCH_QUICK=1) starts of the bin, at most 10 of each kind of the kit's.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { quick, runInfo, writeJson } from './output.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'dist/bin/understudy.js');
// What `import 'oidc-understudy'` loads.
const kit = join(root, JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).main);
const runs = Number(process.env.BENCH_RUNS ?? (quick ? 3 : 20));
const port = 45_000 + (process.pid % 1000);
const dataDir = mkdtempSync(join(tmpdir(), 'understudy-bench-'));
// Through the issuer's own host name, as clients do (127.0.0.1 would be a different issuer).
const discovery = `http://localhost:${port}/oauth2/default/.well-known/openid-configuration`;

async function startOnce() {
  const started = performance.now();
  const child = spawn(process.execPath, [cli, '--port', String(port), '--data-dir', dataDir], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    for (;;) {
      try {
        const response = await fetch(discovery);
        if (response.ok) {
          await response.json();
          return performance.now() - started;
        }
      } catch {
        // not listening yet
      }
      if (child.exitCode !== null) throw new Error(`understudy exited with ${child.exitCode}`);
      await new Promise((resolve) => setTimeout(resolve, 1));
      if (performance.now() - started > 10_000) throw new Error('no answer within 10 s');
    }
  } finally {
    await new Promise((resolve) => {
      child.once('exit', resolve);
      child.kill('SIGTERM');
    });
  }
}

// Spawn to discovery answered, for a script that imports the kit and starts it.
async function kitInFreshProcess() {
  const script = [
    `const { startUnderstudy } = await import(${JSON.stringify(kit)});`,
    'const understudy = await startUnderstudy();',
    'await (await fetch(`${understudy.issuer}/.well-known/openid-configuration`)).json();',
    "process.stdout.write('ready\\n');",
    'await understudy.close();',
  ].join('\n');
  const started = performance.now();
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ready = await new Promise((resolve, reject) => {
    child.stdout.once('data', () => resolve(performance.now() - started));
    child.once('exit', (code) => reject(new Error(`the kit's process exited with ${code}`)));
  });
  await new Promise((resolve) =>
    child.exitCode === null ? child.once('exit', resolve) : resolve(),
  );
  return ready;
}

const percentile = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];

try {
  const firstRun = await startOnce(); // generates the keys, like a developer's first start
  const times = [];
  for (let i = 0; i < runs; i += 1) times.push(await startOnce());
  times.sort((a, b) => a - b);
  const median = percentile(times, 0.5);
  const p90 = percentile(times, 0.9);
  // The test kit as a test file meets it: a fresh process (vitest runs each file in its own
  // module graph) that imports the package's export, starts, and has discovery answered.
  const kitFresh = [];
  for (let i = 0; i < Math.min(runs, 10); i += 1) kitFresh.push(await kitInFreshProcess());
  kitFresh.sort((a, b) => a - b);
  // The test kit in-process: what a test suite pays per startUnderstudy() (a fresh key each time).
  const { startUnderstudy } = await import(kit);
  const kitTimes = [];
  for (let i = 0; i < Math.min(runs, 10); i += 1) {
    const started = performance.now();
    const understudy = await startUnderstudy();
    await (await fetch(`${understudy.issuer}/.well-known/openid-configuration`)).json();
    kitTimes.push(performance.now() - started);
    await understudy.close();
  }
  kitTimes.sort((a, b) => a - b);
  const result = {
    ...runInfo(),
    runs,
    firstStartMs: firstRun,
    medianMs: median,
    p90Ms: p90,
    fastestMs: times[0],
    inProcessMedianMs: percentile(kitTimes, 0.5),
    kitFreshProcessMedianMs: percentile(kitFresh, 0.5),
  };
  const file = await writeJson('startup.json', result);
  console.log(JSON.stringify({ file, ...result }, null, 2));
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
