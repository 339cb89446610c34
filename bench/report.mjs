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
const side = read('side-by-side.json');
const ms = (value) => (value === undefined ? 'n/a' : `${value.toFixed(0)} ms`);
const mib = (value) => (value === undefined ? 'n/a' : `${value.toFixed(0)} MiB`);

const lines = [
  '# Benchmarks',
  '',
  'Written by `npm run bench` from `bench/side-by-side.json`, `bench/startup.json`,',
  '`bench/soak.json` and `bench/soak-heap.json`; the cuts from `bench/cuts.md`.',
  '',
];
if (side) lines.push(...sideBySide(side));
// The record of what each change gained is kept by hand beside the figures.
const cuts = join(root, 'bench', 'cuts.md');
if (existsSync(cuts)) lines.push(...readFileSync(cuts, 'utf8').trimEnd().split('\n'), '');
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
    ...(startup.kitFreshProcessMedianMs === undefined
      ? []
      : [
          `| the test kit in a fresh process (import, startUnderstudy(), discovery), median | ${ms(startup.kitFreshProcessMedianMs)} |`,
        ]),
    `| startUnderstudy() again in the same process, median (new key each time) | ${ms(startup.inProcessMedianMs)} |`,
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
// The README carries the side-by-side table as the report made it, between its markers.
if (side) {
  const readmePath = join(root, 'README.md');
  const readme = readFileSync(readmePath, 'utf8');
  const start = '<!-- bench:side-by-side -->';
  const end = '<!-- /bench:side-by-side -->';
  const table = sideBySide(side).filter((line) => line.startsWith('|'));
  const before = readme.slice(0, readme.indexOf(start) + start.length);
  const after = readme.slice(readme.indexOf(end));
  if (readme.includes(start) && readme.includes(end)) {
    writeFileSync(readmePath, `${before}\n\n${table.join('\n')}\n\n${after}`);
  }
}
console.log(lines.join('\n'));

/** The side-by-side table: each figure the median of its rounds, ratios taken inside a round. */
function sideBySide(data) {
  const peers = ['oauth2-mock-server', 'stock oidc-provider', 'understudy'];
  const value = (peer, metric) => data.summary[peer]?.[metric]?.median;
  const ratio = (metric) => data.ratiosToMock[metric];
  const us = (v) => (v === undefined ? 'n/a' : `${v.toFixed(0)} µs`);
  const perSecond = (v) => (v === undefined ? 'n/a' : `${v.toFixed(0)}/s`);
  const times = (r) => (r === undefined ? '' : ` (${r.toFixed(2)}×)`);
  const soakGrowth = soak?.growthFrom10k;
  // [label, metric, format, goal text, met?]
  const rows = [
    [
      'cold start, spawn to discovery 200 (warm compile cache)',
      'coldStartMs',
      ms,
      '≤ 0.8× mock',
      (r) => r <= 0.8,
    ],
    ['cold start, empty compile cache', 'coldCacheStartMs', ms, '', undefined],
    ['first start (makes the keys)', 'firstStartMs', ms, '', undefined],
    [
      'RSS at ready',
      'rssReadyMiB',
      mib,
      '≤ 0.85× mock',
      (r) => (r === undefined ? undefined : r <= 0.85),
    ],
    ['discovery + JWKS GETs/s (c=16)', 'discoveryPerSecond', perSecond, '', undefined],
    ['discovery + JWKS, CPU per request', 'discoveryCpuMicros', us, '≤ 40 µs', (_r, v) => v <= 40],
    [
      'client_credentials JWT tokens/s (c=32)',
      'tokensPerSecond',
      perSecond,
      '≥ 2.5× mock',
      (r) => r >= 2.5,
    ],
    ['CPU per client_credentials token', 'tokenCpuMicros', us, '≤ 450 µs', (_r, v) => v <= 450],
    [
      'full login flows/s (c=16)',
      'loginsPerSecond',
      perSecond,
      '≥ 1.0× mock',
      (r) => (r === undefined ? undefined : r >= 1),
    ],
    ['login flow p50 / p99', 'loginP50Ms', ms, '', undefined],
    [
      'requests per login flow',
      'loginRequests',
      (v) => (v === undefined ? 'n/a' : v.toFixed(0)),
      '',
      undefined,
    ],
    ['CPU per login flow', 'loginCpuMicros', us, '≤ 2500 µs', (_r, v) => v <= 2500],
    [
      'RSS after the loads',
      'rssAfterLoadMiB',
      mib,
      '≤ 1.2× mock',
      (r) => (r === undefined ? undefined : r <= 1.2),
    ],
  ];
  const out = [
    '## Side by side',
    '',
    'The goals are the ones issue 14 set; where a goal is not met, the row says so.',
    '',
    `${data.rounds} round${data.rounds === 1 ? '' : 's'} on ${data.machine}, Node ${data.node}, the order of the servers rotated each`,
    `round; loads of ${data.loadSeconds} s on loopback; CPU is the server's own (\`/proc/<pid>/stat\`).`,
    'Each figure is the median of the rounds (of those not refused); a ratio is Understudy over oauth2-mock-server, taken',
    'inside each round. oauth2-mock-server has no login page (a login is its authorize redirect',
    'and the code exchange) and starts with a key saved once, as Understudy keeps its keys; the',
    'stock oidc-provider shows its development login and consent pages.',
    '',
    '| figure | oauth2-mock-server | stock oidc-provider | Understudy | goal | met |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const [label, metric, format, goal, met] of rows) {
    const cells = peers.map((peer) => {
      if (metric === 'loginP50Ms') {
        const p99 = value(peer, 'loginP99Ms');
        return `${format(value(peer, metric))} / ${p99 === undefined ? 'n/a' : ms(p99)}`;
      }
      return format(value(peer, metric));
    });
    const r = ratio(metric);
    const v = value('understudy', metric);
    const result = met === undefined || v === undefined ? undefined : met(r, v);
    const verdict = result === undefined ? '' : result ? 'yes' : '**no**';
    out.push(
      `| ${label} | ${cells[0]} | ${cells[1]} | ${cells[2]}${metric === 'loginP50Ms' ? '' : times(r)} | ${goal} | ${verdict} |`,
    );
  }
  if (soakGrowth !== undefined) {
    out.push(
      `| RSS over the 100,000-login soak (10k to 100k) | | | +${(soakGrowth * 100).toFixed(1)}% | flat (≤ 20%) | ${soakGrowth <= 0.2 ? 'yes' : '**no**'} |`,
    );
  }
  out.push('');
  if (data.refused.length > 0) {
    out.push(
      `Figures refused (other processes used the CPU, or operations failed): ${data.refused.join('; ')}.`,
      '',
    );
  }
  return out;
}
