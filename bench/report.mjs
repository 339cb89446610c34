// Writes bench/RESULTS.md from the figures the benchmarks left in bench/*.json.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const read = (name) => {
  const file = join(root, 'bench', name);
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined;
};
const startup = read('startup.json');
const soak = read('soak.json');
const soakHeap = read('soak-heap.json');
const ms = (value) => `${value.toFixed(0)} ms`;
const mib = (value) => `${value.toFixed(0)} MiB`;

const lines = [
  '# Benchmarks',
  '',
  'Written by `npm run bench` from `bench/startup.json` and `bench/soak.json`.',
  '',
];
if (startup) {
  lines.push(
    '## Start-up',
    '',
    'From spawning `understudy` (compiled JavaScript, keys already in the data directory) until',
    '`/.well-known/openid-configuration` answers 200. Target: 150 ms.',
    '',
    `Machine: ${startup.machine}, Node ${startup.node}, ${startup.runs} runs.`,
    '',
    '| measure | time |',
    '| --- | --- |',
    `| first start (generates the signing key) | ${ms(startup.firstStartMs)} |`,
    `| start-up, median | ${ms(startup.medianMs)} |`,
    `| start-up, 90th percentile | ${ms(startup.p90Ms)} |`,
    `| start-up, fastest | ${ms(startup.fastestMs)} |`,
    `| startUnderstudy() in-process, median (new key each time) | ${ms(startup.inProcessMedianMs)} |`,
    '',
  );
}
if (soak) {
  const at = (count) => soak.samples.find((sample) => sample.logins === count);
  lines.push(
    '## Memory over a login soak',
    '',
    `${soak.logins.toLocaleString('en-US')} browserless logins in a row (the whole Authorization Code + PKCE flow`,
    'over HTTP, 16 at a time) against one `understudy` with the default in-memory store',
    '(`--max-sessions 10000`). Target: RSS within 20% between the 10,000th login and the last.',
    '',
    '| logins | RSS | live heap (after a full GC) |',
    '| --- | --- | --- |',
    ...soak.samples.map(
      (sample) =>
        `| ${sample.logins.toLocaleString('en-US')} | ${mib(sample.rssMiB)} | ${sample.liveHeapMiB === undefined ? 'n/a' : mib(sample.liveHeapMiB)} |`,
    ),
    '',
    `RSS growth from 10,000 to ${soak.logins.toLocaleString('en-US')}: ${at(10_000) ? `${(soak.growthFrom10k * 100).toFixed(1)}%` : 'n/a'};`,
    `${soak.loginsPerSecond.toFixed(0)} logins/s; ${soak.failures} failed.`,
    '',
  );
}
if (soakHeap) {
  const first = soakHeap.samples.find((sample) => sample.logins === 10_000);
  const last = soakHeap.samples.at(-1);
  lines.push(
    `The same soak (${soakHeap.logins.toLocaleString('en-US')} logins) with the server's V8 old space limited to`,
    `${soakHeap.heapMiB} MiB (\`--max-old-space-size\`): ${first ? mib(first.rssMiB) : 'n/a'} at 10,000,`,
    `${mib(last.rssMiB)} at the last, ${soakHeap.failures} failed. The store is bounded; most of the default`,
    "run's growth after 10,000 is heap that V8 keeps until it needs it back.",
    '',
  );
}
writeFileSync(join(root, 'bench/RESULTS.md'), lines.join('\n'));
console.log(lines.join('\n'));
