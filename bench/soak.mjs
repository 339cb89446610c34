// A long run of browserless logins against one `understudy`, to show its memory stays flat:
// RSS at the 10,000th login and at the last (100,000 by default; BENCH_SOAK_LOGINS changes
// it). Each login is the whole Authorization Code + PKCE flow over HTTP: authorize, the login
// page, the picker's POST, the redirects back, and the code exchange. Writes bench/soak.json;
// with BENCH_SOAK_HEAP_MB the server runs with that V8 old-space limit and the figures go to
// bench/soak-heap.json (how much of the RSS is the store, and how much heap V8 keeps lazily).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'dist/bin/understudy.js');
const logins = Number(process.env.BENCH_SOAK_LOGINS ?? 100_000);
const heapMiB = process.env.BENCH_SOAK_HEAP_MB ? Number(process.env.BENCH_SOAK_HEAP_MB) : undefined;
const concurrency = 16;
const marks = [...new Set([10_000, 25_000, 50_000, 75_000, logins])].filter(
  (mark) => mark <= logins,
);
const port = 46_000 + (process.pid % 1000);
const dataDir = mkdtempSync(join(tmpdir(), 'understudy-soak-'));
const { headlessLogin } = await import(join(root, 'dist/provider/testkit/headless-login.js'));
const { loadSeed } = await import(join(root, 'dist/seed/load.js'));
const seed = await loadSeed();
const users = seed.users.map((user) => user.id);

const rssMiB = (pid) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

const heapFlags = heapMiB ? [`--max-old-space-size=${heapMiB}`] : [];
const probe = ['--expose-gc', `--import=${join(root, 'bench/heap-probe.mjs')}`];
const child = spawn(
  process.execPath,
  [...heapFlags, ...probe, cli, '--port', String(port), '--data-dir', dataDir],
  { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] },
);
const liveHeapMiB = () =>
  new Promise((resolve) => {
    child.once('message', (answer) => resolve(answer.heapUsed / 2 ** 20));
    child.send('heap');
  });
// RSS first: the probe's collection must not flatter it.
const sample = async (count) => ({
  logins: count,
  rssMiB: rssMiB(child.pid),
  liveHeapMiB: await liveHeapMiB(),
});
const issuer = `http://localhost:${port}/oauth2/default`;
try {
  for (let attempt = 0; ; attempt += 1) {
    try {
      if ((await fetch(`${issuer}/.well-known/openid-configuration`)).ok) break;
    } catch {
      // not up yet
    }
    if (attempt > 200) throw new Error('understudy did not start');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  const samples = [await sample(0)];
  let done = 0;
  let failures = 0;
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < logins) {
      const index = next;
      next += 1;
      try {
        await headlessLogin(
          { issuer, seed },
          { user: users[index % users.length], scope: 'openid profile' },
        );
      } catch {
        failures += 1;
      }
      done += 1;
      if (marks.includes(done)) {
        samples.push(await sample(done));
        const { logins: count, rssMiB: rss, liveHeapMiB: live } = samples.at(-1);
        console.error(
          `soak: ${count} logins, RSS ${rss.toFixed(0)} MiB, live heap ${live.toFixed(0)} MiB`,
        );
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  const at10k = samples.find((sample) => sample.logins === 10_000);
  const last = samples.at(-1);
  const result = {
    heapMiB,
    logins,
    failures,
    loginsPerSecond: logins / seconds,
    samples,
    growthFrom10k: at10k ? last.rssMiB / at10k.rssMiB - 1 : undefined,
  };
  const file = heapMiB ? 'bench/soak-heap.json' : 'bench/soak.json';
  writeFileSync(join(root, file), `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result, null, 2));
} finally {
  child.kill('SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
}
