// The benchmark's driver. `npm run bench` builds, installs the peers (bench/package.json), then
// runs this: the side-by-side rounds (bench/side-by-side.mjs: Understudy with its durable
// default store, Understudy with `--store memory`, a stock oidc-provider 9 and
// oauth2-mock-server taking turns at the same work), Understudy's start-up (bench/startup.mjs),
// a 20,000-login soak on the durable default (bench/soak.mjs) and the report
// (bench/report.mjs), which writes bench/RESULTS.md with every goal and whether it is met. About
// 5 to 6 minutes on a quiet 2-core machine, build included; it must stay under 10.
//
// `npm run bench:soak` (this script with `soak`) runs the long soaks instead: 100,000 logins, and
// 30,000 with V8's old space limited, then the report again (about 6 minutes).
//
// Quick smoke test of the whole pipeline, about a minute with the build:
//
//   BENCH_QUICK=1 npm run bench
//
// 1 round, 1 start per server, a tenth of the operations per load, 3 start-ups, a 200-login soak.
// Its files go to $TMPDIR/understudy-bench-quick/ (or BENCH_OUT=<folder>), never into bench/, so
// its figures cannot be committed by mistake; RESULTS.md there is marked quick. Finer knobs,
// with or without BENCH_QUICK: BENCH_ROUNDS, BENCH_STARTS, BENCH_SCALE (side by side),
// BENCH_RUNS (start-up), BENCH_SOAK_LOGINS, BENCH_SOAK_HEAP_MB (soak).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bench = fileURLToPath(new URL('.', import.meta.url));
const long = process.argv[2] === 'soak';
const phases = long
  ? [
      ['long soak', ['soak.mjs', 'long']],
      ['soak, heap limited', ['soak.mjs', 'heap']],
      ['report', ['report.mjs'], 'inherit'],
    ]
  : [
      ['side by side', ['side-by-side.mjs']],
      ['start-up', ['startup.mjs']],
      ['soak', ['soak.mjs']],
      ['report', ['report.mjs'], 'inherit'],
    ];

const started = performance.now();
const took = [];
let failed;
for (const [name, [script, ...args], stdout = 'ignore'] of phases) {
  console.error(`bench: ${name}`);
  const phaseStarted = performance.now();
  // Each phase's figures are in its file; its standard output repeats them, so it is dropped.
  const run = spawnSync(process.execPath, [join(bench, script), ...args], {
    stdio: ['ignore', stdout, 'inherit'],
  });
  took.push([name, (performance.now() - phaseStarted) / 1000]);
  if (run.status !== 0) {
    failed = `${name} failed (${run.status ?? run.signal})`;
    break;
  }
}
const total = (performance.now() - started) / 1000;
console.error(
  `bench: ${took.map(([name, s]) => `${name} ${s.toFixed(0)} s`).join(', ')}; ${total.toFixed(0)} s in all${process.env.BENCH_QUICK === '1' ? ' (quick)' : ''}`,
);
if (failed) {
  console.error(`bench: ${failed}; stopped there`);
  process.exitCode = 1;
}
