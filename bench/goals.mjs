// The bench's goals, in one place for bench/side-by-side.mjs (which judges each round) and
// bench/report.mjs (which writes the table). Every goal but the soak's is a ratio of
// Understudy's figure (the CLI as its users start it, with the durable default store) to a
// peer's, taken inside one round, where the servers took turns at the same work; the verdict is
// on the median of the rounds' ratios. One peer is Understudy itself with `--store memory`:
// its goal says what the durable store may cost.

export const MOCK = 'oauth2-mock-server';
export const STOCK = 'stock oidc-provider';
export const US = 'understudy';
export const US_MEMORY = 'understudy --store memory';

/** `at most`: Understudy's figure over the peer's must be ≤ limit; `at least`: ≥ limit. */
export const goals = [
  {
    metric: 'tokenCpuMicros',
    label: 'CPU per `client_credentials` token',
    against: STOCK,
    bound: 'at most',
    limit: 0.8,
  },
  {
    metric: 'tokensPerSecond',
    label: '`client_credentials` tokens/s (32 at a time)',
    against: MOCK,
    bound: 'at least',
    limit: 1.5,
  },
  {
    metric: 'loginCpuMicros',
    label: 'CPU per login flow',
    against: STOCK,
    bound: 'at most',
    limit: 0.6,
  },
  {
    metric: 'loginCpuMicros',
    label: 'CPU per login flow, durable default ÷ `--store memory`',
    against: US_MEMORY,
    bound: 'at most',
    limit: 1.15,
    // The row shows these two servers' figures only.
    columns: [US, US_MEMORY],
  },
  {
    metric: 'discoveryCpuMicros',
    label: 'discovery + JWKS, CPU per request',
    against: MOCK,
    bound: 'at most',
    limit: 1,
  },
  {
    metric: 'coldStartMs',
    label: 'cold start, spawn to discovery 200',
    against: MOCK,
    bound: 'at most',
    limit: 0.9,
  },
  { metric: 'rssReadyMiB', label: 'RSS at ready', against: MOCK, bound: 'at most', limit: 0.9 },
  {
    metric: 'rssAfterLoadMiB',
    label: 'RSS after the loads',
    against: MOCK,
    bound: 'at most',
    limit: 1.2,
  },
];

/** RSS growth over a soak, from its baseline sample to its last: at most this fraction. */
export const soakGrowthLimit = 0.2;
/**
 * The store file (understudy.sqlite and its -wal) at a soak's last sample over its size at the
 * baseline sample (the 10,000th login, when each kind of entry has reached the default cap of
 * 10,000): at most this. Pruned every 256 writes and its free pages reused, the file should
 * stay within a few percent of the baseline; this leaves room for the WAL's high-water mark.
 */
export const soakStoreFileLimit = 1.5;

export const shortName = {
  [MOCK]: 'mock',
  [STOCK]: 'stock',
  [US]: 'Understudy',
  [US_MEMORY]: '`--store memory`',
};

/** 0.8 as "0.8", 1.15 as "1.15". */
export const limitText = (limit) => limit.toFixed(Number(limit.toFixed(1)) === limit ? 1 : 2);

export const goalText = (goal) =>
  `${goal.bound === 'at most' ? '≤' : '≥'} ${limitText(goal.limit)}× ${shortName[goal.against]}`;

export const meets = (goal, ratio) =>
  ratio === undefined
    ? undefined
    : goal.bound === 'at most'
      ? ratio <= goal.limit
      : ratio >= goal.limit;
