/**
 * How much memory V8 may keep beyond what the server holds. On a machine with many GiB, V8
 * lets the old space grow to four times what is live and the young generation to 128 MiB
 * under load, so a server whose store is bounded and whose live heap is 20 to 50 MiB sat at
 * 220 MiB of RSS after a burst of logins. Both limits are set here, for the CLI's process
 * only (not the test kit inside a user's tests), because the bin cannot pass V8 flags: a
 * shebang with `env -S` fails on BusyBox, as in Alpine images.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

/**
 * Young generation (both semi-spaces) past which it stops growing, in bytes. Smaller saves
 * more (8 MiB: ~65 MiB less RSS after a burst of logins than V8's 128) but promotes more
 * short-lived objects, which costs CPU per login; 16 MiB saves ~55 MiB for less.
 */
const youngGenerationCap = 16 * 2 ** 20;

export function limitHeapGrowth(): void {
  // V8 reads the factor at each collection: the old space grows to at most 1.8 times what is
  // live (the soak in bench/RESULTS.md: about 110 MiB less RSS, flat once the store is full).
  setFlagsFromString('--heap-growing-percent=80');
  // The young generation's ceiling (--max-semi-space-size) is fixed when V8 starts, but its
  // growth factor is read each time it would grow: growth stops at the cap, and resumes if V8
  // has shrunk it below (it does when the load stops).
  let growing = true;
  const observer = new PerformanceObserver(() => {
    const young = getHeapSpaceStatistics().find((space) => space.space_name === 'new_space');
    const grow = (young?.space_size ?? 0) < youngGenerationCap;
    if (grow === growing) return;
    growing = grow;
    setFlagsFromString(`--semi-space-growth-factor=${grow ? 2 : 1}`);
  });
  observer.observe({ entryTypes: ['gc'] });
}
