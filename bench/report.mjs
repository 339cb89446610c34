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
    '| logins | RSS |',
    '| --- | --- |',
    ...soak.samples.map(
      (sample) => `| ${sample.logins.toLocaleString('en-US')} | ${mib(sample.rssMiB)} |`,
    ),
    '',
    `Growth from 10,000 to ${soak.logins.toLocaleString('en-US')}: ${at(10_000) ? `${(soak.growthFrom10k * 100).toFixed(0)}%` : 'n/a'};`,
    `${soak.loginsPerSecond.toFixed(0)} logins/s; ${soak.failures} failed.`,
    '',
  );
}
writeFileSync(join(root, 'bench/RESULTS.md'), lines.join('\n'));
console.log(lines.join('\n'));
