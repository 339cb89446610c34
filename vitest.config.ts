import { configDefaults, defineConfig } from 'vitest/config';

// Compat files that drive Chromium or spawn the client apps in test/compat/apps/; the other
// compat files run in-process (or run one short command) and sit with the integration tests.
const slowCompat = [
  'test/compat/express-libraries.test.ts',
  'test/compat/okta-auth-js.test.ts',
  'test/compat/okta.test.ts',
];

export default defineConfig({
  test: {
    // Inherited by every project (inline projects extend this config); the global setup runs
    // once for the whole run, whichever projects it selects.
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    allowOnly: false,
    // CI also writes a JSON summary, from which .ci/run prints a plain "N passed" line.
    reporters: process.env.CI
      ? ['default', ['json', { outputFile: 'test-results.json' }]]
      : ['default'],
    projects: [
      // The inner loop: mirrors the code, needs no build.
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      // Real HTTP on loopback; a few files run the built CLI (npm run build first).
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/compat/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...slowCompat],
        },
      },
      // Chromium, child apps, and the packed package.
      {
        test: {
          name: 'slow',
          include: ['test/e2e/**/*.test.ts', 'test/recipes/**/*.test.ts', ...slowCompat],
        },
      },
    ],
  },
});
