import { defineConfig } from 'vitest/config';

/**
 * npm run test:browser: the tests that drive a real browser (headless Chromium, found through
 * ZDSAR_CHROMIUM or the usual install paths; they fail, never skip, without it). npm test leaves them out.
 */
export default defineConfig({
  test: {
    include: ['test/**/*.browser.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
