// A long run of browserless logins against one `understudy` with its durable default store (the
// data directory's understudy.sqlite, at most 10,000 of each kind of entry, pruned every 256
// writes), to show that its memory and its store file stay flat once the store is full: RSS,
// the live heap (after a full GC, through bench/heap-probe.mjs) and the store file's size
// (understudy.sqlite plus its -wal; the -shm index beside them is left out) at a few points, and
// their growth from the baseline sample (the 10,000th login, or the half-way point of a shorter
// soak) to the last. Goals (bench/goals.mjs): RSS grows at most 20%, and the store file ends at
// most 1.5× its size at the baseline. Each login is the side-by-side bench's flow
// (bench/client.mjs): authorize, the login page, its form, the redirects back and the code
// exchange, 16 at a time, taking the seeded users in turn.
//
//   node bench/soak.mjs        20,000 logins, soak.json (part of `npm run bench`)
//   node bench/soak.mjs long   100,000 logins, soak-long.json (`npm run bench:soak`)
//   node bench/soak.mjs heap   30,000 logins with V8's old space limited to 200 MiB,
//                              soak-heap.json (`npm run bench:soak`): how much of the RSS is
//                              the store and how much heap V8 keeps until it needs it back
// BENCH_SOAK_LOGINS and BENCH_SOAK_HEAP_MB change the count and the limit; BENCH_QUICK=1 makes
// every kind 200 logins. Files go to bench/ or BENCH_OUT (bench/output.mjs).
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agent, loginFlow, median } from './client.mjs';
import { soakGrowthLimit, soakStoreFileLimit } from './goals.mjs';
import { quick, runInfo, writeJson } from './output.mjs';
import {
  bench,
  peers,
  removeFolder,
  rssMiB,
  seededUsers,
  startPeer,
  untilReady,
} from './peers.mjs';

const kinds = {
  default: { logins: 20_000, file: 'soak.json' },
  long: { logins: 100_000, file: 'soak-long.json' },
  heap: { logins: 30_000, heapMiB: 200, file: 'soak-heap.json' },
};
const kindName = process.argv[2] ?? 'default';
const kind = kinds[kindName];
if (!kind)
  throw new Error(`bench/soak.mjs: no soak "${kindName}" (${Object.keys(kinds).join(', ')})`);
const logins = Number(process.env.BENCH_SOAK_LOGINS ?? (quick ? 200 : kind.logins));
const heapMiB = Number(process.env.BENCH_SOAK_HEAP_MB ?? kind.heapMiB ?? 0) || undefined;
const concurrency = 16;
const baseline = Math.min(10_000, Math.floor(logins / 2));
const marks = [...new Set([baseline, ...[1, 2, 3, 4].map((q) => Math.round((logins * q) / 4))])]
  .filter((mark) => mark > 0)
  .sort((a, b) => a - b);

const port = 46_000 + (process.pid % 1000);
const dataDir = mkdtempSync(join(tmpdir(), 'understudy-soak-'));
const server = startPeer('understudy', port, {
  dataDir,
  nodeFlags: [
    ...(heapMiB ? [`--max-old-space-size=${heapMiB}`] : []),
    '--expose-gc',
    `--import=${join(bench, 'heap-probe.mjs')}`,
  ],
  ipc: true,
});
const liveHeapMiB = () =>
  new Promise((resolve) => {
    server.child.once('message', (answer) => resolve(answer.heapUsed / 2 ** 20));
    server.child.send('heap');
  });
/** A file's size in MiB; 0 while it does not exist (the -wal before the first write). */
const fileMiB = (name) => {
  try {
    return statSync(join(dataDir, name)).size / 2 ** 20;
  } catch {
    return 0;
  }
};
// RSS first: the probe's collection must not flatter it.
const sample = async (count) => {
  const rss = rssMiB(server.pid);
  const sqliteMiB = fileMiB('understudy.sqlite');
  const walMiB = fileMiB('understudy.sqlite-wal');
  return {
    logins: count,
    rssMiB: rss,
    liveHeapMiB: await liveHeapMiB(),
    storeFileMiB: sqliteMiB + walMiB,
    sqliteMiB,
    walMiB,
  };
};

try {
  await untilReady(server, performance.now());
  const samples = [await sample(0)];
  let started = 0;
  let done = 0;
  let failures = 0;
  let firstError;
  const counter = { requests: 0 };
  const login = loginFlow(
    peers.understudy,
    port,
    counter,
    (i) => seededUsers[i % seededUsers.length],
  );
  const startedAt = performance.now();
  const latencies = [];
  const worker = async () => {
    while (started < logins) {
      started += 1;
      const begun = performance.now();
      try {
        await login();
        latencies.push(performance.now() - begun);
      } catch (error) {
        failures += 1;
        firstError ??= error.message;
      }
      done += 1;
      if (marks.includes(done)) {
        const taken = await sample(done);
        samples.push(taken);
        console.error(
          `soak: ${taken.logins} logins, RSS ${taken.rssMiB.toFixed(0)} MiB, ` +
            `live heap ${taken.liveHeapMiB.toFixed(0)} MiB, ` +
            `store file ${taken.storeFileMiB.toFixed(1)} MiB, ` +
            `${((performance.now() - startedAt) / 1000).toFixed(0)} s`,
        );
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - startedAt) / 1000;
  samples.sort((a, b) => a.logins - b.logins);
  const atBaseline = samples.find((s) => s.logins === baseline);
  const last = samples.at(-1);
  const growth = atBaseline ? last.rssMiB / atBaseline.rssMiB - 1 : undefined;
  const storeFileRatio = atBaseline?.storeFileMiB
    ? last.storeFileMiB / atBaseline.storeFileMiB
    : undefined;
  const result = {
    ...runInfo(),
    kind: kindName,
    heapMiB,
    logins,
    concurrency,
    failures,
    firstError,
    seconds,
    loginsPerSecond: logins / seconds,
    loginMedianMs: median(latencies),
    requestsPerLogin: counter.requests / logins,
    baseline,
    samples,
    growthFromBaseline: growth,
    growthLimit: soakGrowthLimit,
    met: growth === undefined || failures > 0 ? undefined : growth <= soakGrowthLimit,
    storeFileRatio,
    storeFileLimit: soakStoreFileLimit,
    storeFileMet:
      storeFileRatio === undefined || failures > 0
        ? undefined
        : storeFileRatio <= soakStoreFileLimit,
  };
  const file = await writeJson(kind.file, result);
  console.log(JSON.stringify({ file, ...result }, null, 2));
  if (failures > 0) process.exitCode = 1;
} catch (error) {
  console.error(`soak: ${error.message}\n${server.stderr()}`);
  process.exitCode = 1;
} finally {
  agent.destroy();
  await server.stop();
  removeFolder(dataDir);
}
