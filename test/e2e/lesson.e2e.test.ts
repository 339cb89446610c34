/**
 * The sign-in as a lesson (issue 29) in real Chromium: sign in, let the app refresh, open the
 * lesson with its spec links, run a "What if…", all under the app's CSP, on a desktop and a
 * phone-sized screen. Screenshots land beside the demo's, in test/e2e/screenshots/.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setClockOffset } from '../../provider/control/clock.js';
import { signInWithPage } from '../../provider/testkit/playwright.js';
import { chromiumAvailable, launchChromium } from '../helpers/chromium.js';
import { type Demo, startDemo } from '../helpers/demo.js';

const screenshots = fileURLToPath(new URL('./screenshots/', import.meta.url));

describe.runIf(chromiumAvailable())('the lesson in Chromium', () => {
  let demo: Demo;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(screenshots, { recursive: true });
    demo = await startDemo();
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
  });

  it('shows the life of a sign-in with a refresh, its spec links, and a refusal', async () => {
    const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
    const page = await context.newPage();
    const cspViolations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
    await page.goto(`${demo.appUrl}/login`);
    await signInWithPage(page, 'carol.lee@task-vantage.com');
    await page.waitForURL(`${demo.appUrl}/dashboard`);
    try {
      setClockOffset(3600);
      await page.goto(`${demo.appUrl}/dashboard`);
    } finally {
      setClockOffset(0);
    }
    await page.getByRole('link', { name: 'How you signed in' }).click();
    await page.waitForURL(`${demo.appUrl}/flow`);
    await page.locator('[data-refresh="0"]').waitFor();
    expect(await page.locator('a.spec').count()).toBeGreaterThanOrEqual(20);
    await page.screenshot({ path: `${screenshots}lesson.png`, fullPage: true });

    await page.locator('[data-what-if="code_verifier"]').click();
    await page.waitForURL(`${demo.appUrl}/flow/what-if/code_verifier`);
    expect(await page.locator('[data-refusal]').textContent()).toBe('invalid_grant');
    await page.screenshot({ path: `${screenshots}lesson-what-if.png`, fullPage: true });

    // Printed: the lesson's content, without the navbar, the buttons or the what-if forms.
    await page.goto(`${demo.appUrl}/flow`);
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('nav.navbar').isVisible()).toBe(false);
    expect(await page.locator('[data-what-if]').first().isVisible()).toBe(false);
    expect(await page.getByRole('button', { name: 'Logout' }).isVisible()).toBe(false);
    expect(await page.locator('[data-refresh="0"]').isVisible()).toBe(true);
    expect(await page.locator('a.spec').first().isVisible()).toBe(true);
    // Each spec link prints its address after it.
    expect(
      await page.evaluate<string>(
        "getComputedStyle(document.querySelector('a.spec'), '::after').content",
      ),
    ).toContain('https://');
    const pdf = await page.pdf({ format: 'A4' });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    await page.emulateMedia({ media: 'screen' });
    expect(await page.locator('nav.navbar').isVisible()).toBe(true);

    // A phone: nothing wider than the screen.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${demo.appUrl}/flow`);
    const overflow = await page.evaluate<number>(
      'document.documentElement.scrollWidth - document.documentElement.clientWidth',
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `${screenshots}lesson-phone.png` });
    expect(cspViolations).toEqual([]);
    await context.close();
  });
});
