// Run by heap-limits.test.ts in a process of its own: a load of short-lived garbage over a
// slowly growing live set, as a server under logins makes; prints how far the heap grew.
import { setImmediate } from 'node:timers';
import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';

if (process.argv[2] === 'limited') {
  const { limitHeapGrowth } = await import('../../../../provider/main/heap-limits.ts');
  limitHeapGrowth();
}
const kept = [];
let youngest = 0;
for (let round = 0; round < 300; round += 1) {
  const garbage = [];
  for (let i = 0; i < 20_000; i += 1) garbage.push({ i, text: `x${i}`, pair: [i, i] });
  for (let i = 0; i < 500; i += 1) kept.push(`${round}:${i}:${'y'.repeat(100)}`);
  const young = getHeapSpaceStatistics().find((space) => space.space_name === 'new_space');
  youngest = Math.max(youngest, young?.space_size ?? 0);
  // Let the GC observer run, as it does between requests.
  await new Promise((resolve) => setImmediate(resolve));
}
const mib = 2 ** 20;
console.log(
  JSON.stringify({
    youngMiB: youngest / mib,
    totalMiB: getHeapStatistics().total_heap_size / mib,
    kept: kept.length,
  }),
);
