/**
 * Where Debian's Chromium is, and what to do when it is not there: locally a loud skip,
 * in CI (REQUIRE_CHROMIUM=1, set by .ci/run) a failure.
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function chromiumAvailable(): boolean {
  if (existsSync(chromiumPath)) return true;
  if (process.env.REQUIRE_CHROMIUM === '1') {
    throw new Error(`Chromium is required (REQUIRE_CHROMIUM=1) but ${chromiumPath} does not exist`);
  }
  console.warn(
    `\n*** SKIPPING browser tests: no Chromium at ${chromiumPath}. ` +
      "Install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH. ***\n",
  );
  return false;
}

/** Flags for Chromium on a machine with no network beyond loopback: keep it from trying. */
export const offlineChromiumArgs = [
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Debian's Chromium, headless and offline, through playwright-core. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: offlineChromiumArgs,
  });
}
