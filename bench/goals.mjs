// The bench's goals, in one place for bench/side-by-side.mjs (which judges each round) and
// bench/report.mjs (which writes the table). Every goal but the soak's is a ratio of
// Understudy's figure to a peer's, taken inside one round, where the three servers took turns
// at the same work; the verdict is on the median of the rounds' ratios.

export const MOCK = 'oauth2-mock-server';
export const STOCK = 'stock oidc-provider';
export const US = 'understudy';

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

export const shortName = { [MOCK]: 'mock', [STOCK]: 'stock', [US]: 'Understudy' };

export const goalText = (goal) =>
  `${goal.bound === 'at most' ? '≤' : '≥'} ${goal.limit.toFixed(1)}× ${shortName[goal.against]}`;

export const meets = (goal, ratio) =>
  ratio === undefined
    ? undefined
    : goal.bound === 'at most'
      ? ratio <= goal.limit
      : ratio >= goal.limit;
