// Writes RESULTS.md from the figures the benchmarks left (side-by-side.json, startup.json,
// soak.json, and after `npm run bench:soak` soak-long.json and soak-heap.json), in bench/ or
// BENCH_OUT (bench/output.mjs), with bench/cuts.md, the record of past cuts, copied in. Only
// that one file is written (README.md links to it). Formatted as prettier formats it.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  goalText,
  limitText,
  MOCK,
  shortName,
  soakGrowthLimit,
  soakStoreFileLimit,
  STOCK,
  US,
  US_MEMORY,
} from './goals.mjs';
import { readJson, writeText } from './output.mjs';
import { bench } from './peers.mjs';

/** A file this bench wrote; one left by the bench before issue 25 (no finishedAt) is skipped. */
const current = (name) => {
  const data = readJson(name);
  if (data && !data.finishedAt) {
    console.error(
      `report: ${name} is from the earlier bench; skipped until the bench writes it again`,
    );
    return undefined;
  }
  return data;
};
const side = current('side-by-side.json');
const startup = current('startup.json');
const soaks = [current('soak.json'), current('soak-long.json')].filter(Boolean);
const soakHeap = current('soak-heap.json');
const peerOrder = [MOCK, STOCK, US, US_MEMORY];
const peerHeading = {
  [MOCK]: 'oauth2-mock-server',
  [STOCK]: 'stock oidc-provider',
  [US]: 'Understudy',
  [US_MEMORY]: 'Understudy `--store memory`',
};
/** A table row's cells under each server's column, and the separator. */
const headerCells = peerOrder.map((peer) => peerHeading[peer]).join(' | ');
const separator = (columns) => `|${' --- |'.repeat(columns)}`;
/** The soak rows' server cells: Understudy's (its durable default) alone. */
const soakCells = (cell) => peerOrder.map((peer) => (peer === US ? cell : '')).join(' | ');

const fixed = (digits, unit) => (v) =>
  v === undefined
    ? 'n/a'
    : `${v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })}${unit}`;
const ms = fixed(0, ' ms');
const us = fixed(0, ' µs');
const mib = fixed(0, ' MiB');
const mib1 = fixed(1, ' MiB');
const perSecond = fixed(0, '/s');
const times = fixed(2, '×');
const percent = (v) => (v === undefined ? 'n/a' : `${v >= 0 ? '+' : ''}${(v * 100).toFixed(1)}%`);
const count = (v) => v.toLocaleString('en-US');
const verdict = (met) => (met === undefined ? 'n/a' : met ? 'yes' : '**no**');
const formatOf = {
  tokenCpuMicros: us,
  tokensPerSecond: perSecond,
  loginCpuMicros: us,
  discoveryCpuMicros: us,
  coldStartMs: ms,
  rssReadyMiB: mib,
  rssAfterLoadMiB: mib,
};
const when = (data) =>
  `${data.finishedAt?.slice(0, 16).replace('T', ' ') ?? 'an unknown time'} UTC, ${data.commit ? `commit ${data.commit}` : 'commit unknown'}${data.quick ? ', **quick mode: not for comparison**' : ''}`;

const lines = [
  '# Benchmarks',
  '',
  'Written by `npm run bench` (`bench/report.mjs`) from `bench/side-by-side.json`,',
  '`bench/startup.json` and `bench/soak.json`, and from `bench/soak-long.json` and',
  '`bench/soak-heap.json` once `npm run bench:soak` has run; the record of past cuts is',
  '`bench/cuts.md`, copied in. Not edited by hand.',
  '',
];
if (side) lines.push(...goalsTable(side), ...otherFigures(side));
else if (soaks.length) {
  lines.push(
    '## Goals',
    '',
    `| figure | ${headerCells} | growth | goal | met |`,
    separator(peerOrder.length + 4),
    ...soakRows(),
    '',
  );
}
const cuts = join(bench, 'cuts.md');
if (existsSync(cuts)) lines.push(...readFileSync(cuts, 'utf8').trimEnd().split('\n'), '');
if (startup) lines.push(...startupSection(startup));
if (soaks.length || soakHeap) lines.push(...soakSection());

const file = await writeText('RESULTS.md', lines.join('\n'));
console.log(`report: wrote ${file}`);
if (side)
  console.log(
    goalsTable(side)
      .filter((line) => line.startsWith('|'))
      .join('\n'),
  );

function goalsTable(data) {
  const value = (peer, metric) => data.summary[peer]?.[metric]?.median;
  const requests = (peer) => value(peer, 'loginRequests');
  const anyDisturbed = data.goals.some((goal) => goal.disturbedRounds > 0);
  const out = [
    '## Goals',
    '',
    `${data.rounds} round${data.rounds === 1 ? '' : 's'} on ${data.machine}, Node ${data.node}; ${when(data)}.`,
    `Each load, the same for every server: ${count(data.operationsPerLoad.discovery.count)} discovery + JWKS GETs (${data.operationsPerLoad.discovery.concurrency} at a time),`,
    `${count(data.operationsPerLoad.tokens.count)} \`client_credentials\` tokens (${data.operationsPerLoad.tokens.concurrency} at a time), ${count(data.operationsPerLoad.logins.count)} login flows (${data.operationsPerLoad.logins.concurrency} at a time); ${data.startsPerRound} start${data.startsPerRound === 1 ? '' : 's'}`,
    'with a warm compile cache per server and round.',
    '',
    `| figure | ${headerCells} | Understudy ÷ peer, median (lowest–highest round) | goal | met |`,
    separator(peerOrder.length + 4),
  ];
  for (const goal of data.goals) {
    const format = formatOf[goal.metric] ?? ((v) => (v === undefined ? 'n/a' : v.toFixed(1)));
    // The requests per flow beside the login row against the peers, whose flows differ.
    const login = goal.metric === 'loginCpuMicros' && !goal.columns;
    const cells = peerOrder.map((peer) => {
      if (goal.columns && !goal.columns.includes(peer)) return '';
      const cell = format(value(peer, goal.metric));
      const n = requests(peer);
      return login && n !== undefined ? `${cell}, ${n.toFixed(0)} requests` : cell;
    });
    const r = goal.ratio;
    const ratio = r
      ? `${times(r.median)} ${shortName[goal.against]}${r.rounds > 1 ? ` (${times(r.min)}–${times(r.max)})` : ''}`
      : 'n/a';
    const mark = goal.disturbedRounds > 0 ? ` †${goal.disturbedRounds}` : '';
    out.push(
      `| ${goal.label}${login ? ' (requests per flow beside each)' : ''} | ${cells.join(' | ')} | ${ratio} | ${goalText(goal)} | ${verdict(goal.met)}${mark} |`,
    );
  }
  out.push(...soakRows(), '');
  out.push(
    '**How to read it.** Every round starts the four servers afresh and gives each the same',
    'work, one server after the other, in an order that rotates from round to round; a ratio',
    "is Understudy's figure over the named peer's in the same round, so a slow spell of the",
    'machine falls on both sides of it. "Understudy" is the CLI as its users start it, with',
    "the durable default store (the data directory's `understudy.sqlite`, SQLite in WAL mode);",
    '"Understudy `--store memory`" is the same CLI with the in-memory store, started, loaded',
    'and stopped like the others. Every goal but one compares the durable default with a peer;',
    "that one is the durable default's CPU per login flow over `--store memory`'s: what",
    'keeping sessions, grants and codes on disk costs. The ratio column is the median of the',
    'rounds, with the lowest and highest round in brackets, and "met" judges that median; the',
    "server columns are each server's own median, so they need not divide to the ratio exactly. CPU",
    "is the server process's own (user + system time of all its threads, from",
    '`/proc/<pid>/stat`) divided by the operations of the load; the load generator is not',
    'counted. A start is spawn until discovery answers 200, keys already on disk, with a warm',
    'compile cache; RSS at ready is read 300 ms after that, RSS after the loads 300 ms after',
    "each server's logins. The logins differ in what they go through: oauth2-mock-server has no",
    'login page (its flow is the authorize redirect and the code exchange), the stock',
    "oidc-provider shows its development login and consent pages, and Understudy's flow",
    'includes its login page and its form; so the CPU per login is compared with the stock',
    'oidc-provider, and the requests each flow takes are given beside it. All four sign',
    'RS256 JWT access tokens and ID tokens with a 2048-bit key. The soak rows are Understudy',
    'alone, with its durable default store: the growth of its RSS from the baseline sample to',
    'the last, and its store file (`understudy.sqlite` and its `-wal`) at the last sample over',
    'its size at the baseline.',
    '',
  );
  if (anyDisturbed) {
    out.push(
      `† In that many rounds, other processes on the machine used more than ${data.disturbedAboveCores} of a core during`,
      'the starts or a load that the ratio reads; those figures are kept, and are less sure than',
      'their spread shows:',
      `${data.disturbed.join('; ')}.`,
      '',
    );
  }
  if (data.refused.length > 0) {
    out.push(`No figure (operations failed): ${data.refused.join('; ')}.`, '');
  }
  return out;
}

function soakRows() {
  return soaks.flatMap((soak) => {
    const at = soak.samples.find((s) => s.logins === soak.baseline);
    const last = soak.samples.at(-1);
    const met = soak.failures > 0 ? false : soak.growthFromBaseline <= soakGrowthLimit;
    const failed = soak.failures > 0 ? `, ${count(soak.failures)} failed` : '';
    const span = `from ${count(soak.baseline)} to ${count(soak.logins)} logins${soak.kind === 'long' ? ' (`npm run bench:soak`)' : ''}`;
    const rows = [
      `| soak: RSS growth ${span} | ${soakCells(`${at ? mib(at.rssMiB) : 'n/a'} to ${mib(last.rssMiB)}${failed}`)} | ${percent(soak.growthFromBaseline)} | ≤ ${(soakGrowthLimit * 100).toFixed(0)}% | ${verdict(met)} |`,
    ];
    // A soak from before the durable store has no file sizes.
    if (last.storeFileMiB !== undefined) {
      const limit = soak.storeFileLimit ?? soakStoreFileLimit;
      const ratio = soak.storeFileRatio;
      const storeMet = soak.failures > 0 ? false : ratio === undefined ? undefined : ratio <= limit;
      rows.push(
        `| soak: store file bounded (\`understudy.sqlite\` + \`-wal\`) ${span} | ${soakCells(`${at ? mib1(at.storeFileMiB) : 'n/a'} to ${mib1(last.storeFileMiB)}${failed}`)} | ${times(ratio)} | ≤ ${limitText(limit)}× its size at ${count(soak.baseline)} | ${verdict(storeMet)} |`,
      );
    }
    return rows;
  });
}

function otherFigures(data) {
  const value = (peer, metric) => data.summary[peer]?.[metric]?.median;
  const range = (peer, metric, format) => {
    const s = data.summary[peer]?.[metric];
    return s
      ? `${format(s.median)}${s.rounds > 1 ? ` (${format(s.min)}–${format(s.max)})` : ''}`
      : 'n/a';
  };
  const rows = [
    ['discovery + JWKS GETs/s', (p) => range(p, 'discoveryPerSecond', perSecond)],
    ['discovery + JWKS, CPU per request', (p) => range(p, 'discoveryCpuMicros', us)],
    ['`client_credentials` tokens/s', (p) => range(p, 'tokensPerSecond', perSecond)],
    ['CPU per `client_credentials` token', (p) => range(p, 'tokenCpuMicros', us)],
    [
      '`client_credentials` p50 / p99',
      (p) => `${ms(value(p, 'tokenP50Ms'))} / ${ms(value(p, 'tokenP99Ms'))}`,
    ],
    ['login flows/s', (p) => range(p, 'loginsPerSecond', perSecond)],
    ['CPU per login flow', (p) => range(p, 'loginCpuMicros', us)],
    [
      'login flow p50 / p99',
      (p) => `${ms(value(p, 'loginP50Ms'))} / ${ms(value(p, 'loginP99Ms'))}`,
    ],
    ['requests per login flow', (p) => fixed(0, '')(value(p, 'loginRequests'))],
    ['cold start (warm compile cache)', (p) => range(p, 'coldStartMs', ms)],
    ['cold start, empty compile cache', (p) => range(p, 'emptyCacheStartMs', ms)],
    ['first start (empty data directory and compile cache)', (p) => range(p, 'firstStartMs', ms)],
    ['RSS at ready', (p) => range(p, 'rssReadyMiB', mib)],
    ['RSS after the loads', (p) => range(p, 'rssAfterLoadMiB', mib)],
  ];
  const formats = peerOrder.map((peer) => {
    const f = data.tokenFormats?.[peer];
    return f
      ? `${peerHeading[peer]}: login access token ${f.loginAccessToken}, ID token ${f.loginIdToken}, \`client_credentials\` access token ${f.clientCredentialsAccessToken}`
      : `${peerHeading[peer]}: not checked`;
  });
  return [
    '### Every figure, per server',
    '',
    "Each server's median of the rounds, lowest–highest round in brackets. Only the first start",
    "makes a key, and only Understudy's, either store (the bench gives the other two a key file,",
    'as Understudy keeps its key in its data directory).',
    '',
    `| figure | ${headerCells} |`,
    separator(peerOrder.length + 1),
    ...rows.map(([label, cell]) => `| ${label} | ${peerOrder.map(cell).join(' | ')} |`),
    '',
    `Tokens as checked in the first round: ${formats.join('; ')}.`,
    '',
  ];
}

function startupSection(data) {
  return [
    '## Start-up of Understudy alone',
    '',
    'From spawning `understudy` (the bundled CLI, keys already in its data directory) until',
    '`/.well-known/openid-configuration` answers 200, and the test kit. No goal here: the',
    'cold-start goal is the ratio to oauth2-mock-server above.',
    '',
    `Machine: ${data.machine}, Node ${data.node}, ${data.runs} runs; ${when(data)}.`,
    '',
    '| measure | time |',
    '| --- | --- |',
    `| first start (generates the signing key) | ${ms(data.firstStartMs)} |`,
    `| start-up, median | ${ms(data.medianMs)} |`,
    `| start-up, 90th percentile | ${ms(data.p90Ms)} |`,
    `| start-up, fastest | ${ms(data.fastestMs)} |`,
    `| the test kit in a fresh process (import, startUnderstudy(), discovery), median | ${ms(data.kitFreshProcessMedianMs)} |`,
    `| startUnderstudy() again in the same process, median (new key each time) | ${ms(data.inProcessMedianMs)} |`,
    '',
  ];
}

function soakSection() {
  const out = [
    '## Memory over a login soak',
    '',
    'Browserless logins in a row (the whole Authorization Code + PKCE flow over HTTP, with the',
    'login page, 16 at a time, the seeded users in turn) against one `understudy` with its',
    "durable default store (the data directory's `understudy.sqlite`, SQLite in WAL mode: at",
    'most 10,000 of each kind of entry, expired entries and a kind over its cap, least',
    'recently written first, pruned every 256 writes). Goals: RSS grows at most 20% from the',
    'baseline sample (the 10,000th login, when the store is full) to the last, and the store',
    `file (\`understudy.sqlite\` plus its \`-wal\`; the small \`-shm\` index is left out) ends at most ${limitText(soakStoreFileLimit)}×`,
    'its size at the baseline.',
    '',
  ];
  for (const soak of soaks) {
    out.push(
      `### ${count(soak.logins)} logins${soak.kind === 'long' ? ' (`npm run bench:soak`)' : ''}`,
      '',
      `${when(soak)}; ${soak.loginsPerSecond.toFixed(0)} logins/s, ${soak.requestsPerLogin?.toFixed(0) ?? 'n/a'} requests each; ${count(soak.failures)} failed${soak.firstError ? ` (first: ${soak.firstError})` : ''}.`,
      '',
      '| logins | RSS | live heap (after a full GC) | store file (`understudy.sqlite` + `-wal`) |',
      '| --- | --- | --- | --- |',
      ...soak.samples.map(
        (s) =>
          `| ${count(s.logins)}${s.logins === soak.baseline ? ' (baseline)' : ''} | ${mib(s.rssMiB)} | ${mib(s.liveHeapMiB)} | ${s.storeFileMiB === undefined ? 'n/a' : `${mib1(s.storeFileMiB)} (${mib1(s.sqliteMiB)} + ${mib1(s.walMiB)})`} |`,
      ),
      '',
      `RSS growth from ${count(soak.baseline)} to ${count(soak.logins)}: ${percent(soak.growthFromBaseline)}; the store file at the last sample over the baseline: ${times(soak.storeFileRatio)}.`,
      '',
    );
  }
  if (soakHeap) {
    const at = soakHeap.samples.find((s) => s.logins === soakHeap.baseline);
    const last = soakHeap.samples.at(-1);
    out.push(
      `### ${count(soakHeap.logins)} logins with V8's old space limited to ${soakHeap.heapMiB} MiB (\`npm run bench:soak\`)`,
      '',
      `${when(soakHeap)}. With \`--max-old-space-size=${soakHeap.heapMiB}\`: ${at ? mib(at.rssMiB) : 'n/a'} at ${count(soakHeap.baseline)},`,
      `${mib(last.rssMiB)} at the last (${percent(soakHeap.growthFromBaseline)}), ${count(soakHeap.failures)} failed. Beside the`,
      'unlimited soak, this shows how much of the RSS is the store and how much is heap V8 keeps',
      'until it needs it back.',
      '',
    );
  }
  return out;
}
